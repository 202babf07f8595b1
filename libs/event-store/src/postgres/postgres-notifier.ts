import type { Pool, PoolClient } from 'pg';

/**
 * One LISTEN connection shared by every subscription of a store. Notifications only wake readers
 * up; readers never trust them for content, so a lost connection costs latency, not events
 * (subscriptions keep polling while it reconnects).
 */
export class PostgresNotifier {
  private client: PoolClient | null = null;
  private connecting: Promise<void> | null = null;
  private readonly waiters = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly channel: string,
  ) {}

  /** Resolves at the next notification or after `timeoutMs`, whichever comes first. */
  async wait(timeoutMs: number, signal?: { aborted: boolean; onAbort?: () => void }): Promise<void> {
    void this.ensureListening();
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      if (signal) signal.onAbort = done;
    });
  }

  /** Wakes this process's waiting readers without a round trip (the store's own appends). */
  wakeLocal(): void {
    this.wakeAll();
  }

  private wakeAll(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private ensureListening(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= this.listen().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async listen(): Promise<void> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch {
      return; // polling carries on; the next wait tries again
    }
    const lost = (): void => {
      if (this.client === client) this.client = null;
      client.release(true);
      this.wakeAll();
    };
    client.on('notification', () => this.wakeAll());
    client.on('error', lost);
    try {
      await client.query(`LISTEN ${this.channel}`);
    } catch {
      lost();
      return;
    }
    if (this.closed) {
      client.release(true);
      return;
    }
    this.client = client;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connecting;
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners('notification');
      await client.query(`UNLISTEN ${this.channel}`).catch(() => undefined);
      // Back in the pool, its errors are the pool's: `lost` must not release it a second time (a server
      // shutting down after close() would otherwise throw "Release called on client which has already been released").
      client.removeAllListeners('error');
      client.release();
    }
    this.wakeAll();
  }
}
