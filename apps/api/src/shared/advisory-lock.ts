import type { Pool } from 'pg';

/**
 * Runs `work` holding a PostgreSQL session-level advisory lock on `key`, on a session of its own, so
 * that one process at a time works a given scan or copy across replicas; a process that dies loses
 * its session and with it the lock. Answers false, without running `work`, when another session
 * holds the lock. When `work` fails the session is discarded rather than unlocked: a failure may be
 * the connection's own, and closing the session frees the lock either way.
 */
export const whileLocked = async (pool: Pool, key: string, work: () => Promise<void>): Promise<boolean> => {
  const client = await pool.connect();
  let broken = false;
  try {
    const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok`, [key]);
    if (!rows[0]!.ok) return false;
    try {
      await work();
    } catch (error) {
      broken = true;
      throw error;
    }
    await client.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [key]).catch(() => (broken = true));
    return true;
  } catch (error) {
    broken = true;
    throw error;
  } finally {
    client.release(broken);
  }
};
