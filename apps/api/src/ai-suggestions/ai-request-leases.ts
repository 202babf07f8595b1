import type { Pool, PoolClient } from 'pg';

const lockKey = (requestId: string): string => `korrigo:ai-request:${requestId}`;

/**
 * Which AI requests are alive, across API replicas (DESIGN §9): the process that runs a request holds
 * a session-level PostgreSQL advisory lock named after it, from before the request is recorded until
 * its outcome is. PostgreSQL drops a dead process's locks with its session, so a request without an
 * outcome whose lock can be taken is dead at once, whichever replica looks, with no guess of how long
 * a call may last. One session holds all of this process's locks (as the projection runner does), so
 * a long queue costs one connection; queries on it go one at a time.
 */
export class AiRequestLeases {
  private session: PoolClient | null = null;
  private opening: Promise<PoolClient> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly held = new Set<string>();
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly log: (message: string) => void,
  ) {}

  /** Takes a new request's lock, before the request is recorded: no replica ever sees it pending and unheld. */
  async hold(requestId: string): Promise<void> {
    if (!(await this.tryLock(requestId))) throw new Error(`the lock of AI request ${requestId} is held elsewhere`);
    this.held.add(requestId);
  }

  async release(requestId: string): Promise<void> {
    if (!this.held.delete(requestId)) return;
    await this.onSession((session) => session.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [lockKey(requestId)])).catch(
      () => undefined, // a lost session has released it already
    );
  }

  /**
   * Runs `close` when the request's process is gone (its lock is free), keeping the lock meanwhile so
   * two replicas sweeping together do not both close it. Answers whether it ran.
   */
  async whenDead(requestId: string, close: () => Promise<void>): Promise<boolean> {
    // Ours is alive; and advisory locks are re-entrant, so probing it from our own session would succeed.
    if (this.held.has(requestId)) return false;
    if (!(await this.tryLock(requestId))) return false;
    try {
      await close();
      return true;
    } finally {
      await this.onSession((session) => session.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [lockKey(requestId)])).catch(
        () => undefined,
      );
    }
  }

  /** Ending the session releases every lock: requests still running here are then closed by the next sweep. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    const session = this.session;
    this.session = null;
    session?.release(true);
  }

  private async tryLock(requestId: string): Promise<boolean> {
    const { rows } = await this.onSession((session) =>
      session.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok`, [lockKey(requestId)]),
    );
    return rows[0]?.ok === true;
  }

  private onSession<T>(work: (session: PoolClient) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      if (this.closed) throw new Error('the AI request leases are closed');
      return work(await this.connect());
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private connect(): Promise<PoolClient> {
    if (this.session) return Promise.resolve(this.session);
    this.opening ??= this.pool
      .connect()
      .then((session) => {
        session.on('error', () => void this.lost(session));
        this.session = session;
        return session;
      })
      .finally(() => (this.opening = null));
    return this.opening;
  }

  /**
   * The session died with its locks: take them again on a new one. A request another replica closed
   * as interrupted in between keeps that outcome (the copy decider records one outcome per request).
   */
  private async lost(session: PoolClient): Promise<void> {
    if (this.session !== session) return;
    this.session = null;
    session.release(true);
    if (this.closed || this.held.size === 0) return;
    this.log(`lock session lost: taking the locks of ${this.held.size} running request(s) again`);
    for (const requestId of [...this.held]) {
      try {
        if (!(await this.tryLock(requestId))) this.log(`request ${requestId} was closed elsewhere as interrupted meanwhile`);
      } catch (error) {
        this.log(`request ${requestId} left unlocked: ${String(error)}`);
      }
    }
  }
}
