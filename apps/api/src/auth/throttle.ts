import type { Pool } from 'pg';

/**
 * Sign-in rate limits per account and per address (DESIGN §6), kept in PostgreSQL so that every API
 * replica counts the same failures. A window opens at the first failure and lasts WINDOW_MINUTES.
 */
export const LIMITS = { perAccount: 5, perAddress: 30, windowMinutes: 15 } as const;

export class SignInThrottle {
  constructor(private readonly pool: Pool) {}

  /** Seconds to wait before another attempt is allowed, or 0. */
  async retryAfter(keys: readonly { key: string; limit: number }[]): Promise<number> {
    const { rows } = await this.pool.query<{ key: string; failures: number; wait: number }>(
      `SELECT key, failures, GREATEST(0, EXTRACT(EPOCH FROM window_start + make_interval(mins => $2) - now()))::int AS wait
       FROM auth_throttle WHERE key = ANY($1) AND window_start > now() - make_interval(mins => $2)`,
      [keys.map((k) => k.key), LIMITS.windowMinutes],
    );
    let wait = 0;
    for (const row of rows) {
      const limit = keys.find((k) => k.key === row.key)?.limit ?? Infinity;
      if (row.failures >= limit) wait = Math.max(wait, row.wait);
    }
    return wait;
  }

  async recordFailure(keys: readonly string[]): Promise<void> {
    await this.pool.query(
      `INSERT INTO auth_throttle (key, failures, window_start) SELECT k, 1, now() FROM unnest($1::text[]) AS k
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN auth_throttle.window_start > now() - make_interval(mins => $2) THEN auth_throttle.failures + 1 ELSE 1 END,
         window_start = CASE WHEN auth_throttle.window_start > now() - make_interval(mins => $2) THEN auth_throttle.window_start ELSE now() END`,
      [keys, LIMITS.windowMinutes],
    );
  }

  async clear(keys: readonly string[]): Promise<void> {
    await this.pool.query(`DELETE FROM auth_throttle WHERE key = ANY($1)`, [keys]);
  }
}
