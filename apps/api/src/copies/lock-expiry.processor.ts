import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '#domain';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Actor } from '../shared/execute-command.js';
import { ChangeCopyCommand } from './change-copy/change-copy.command.js';

const SYSTEM: Actor = { actorId: 'lock-expiry', actorRole: 'system' };
const INTERVAL_MS = 5_000;
const BATCH = 200;

/**
 * Server-side lease expiry (DESIGN §4, §10): every few seconds, the copies whose lease has run out
 * get the copy decider's ExpireLock, recorded as LockExpired. Safe on every replica at once and on
 * repeats: the decider answers nothing when the lease was renewed meanwhile or already expired.
 */
@Injectable()
export class LockExpiryProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private ticking = false;

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.queue;
  }

  /** Expires the leases over at `now` and answers how many; sweeps run one after the other. */
  sweep(now = new Date().toISOString()): Promise<number> {
    const run = this.queue.then(() => this.expire(now));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async tick(): Promise<void> {
    if (this.ticking) return; // a slow sweep is not queued behind by the next tick
    this.ticking = true;
    try {
      await this.sweep();
    } catch (error) {
      this.log(error);
    } finally {
      this.ticking = false;
    }
  }

  private async expire(now: string): Promise<number> {
    const { rows } = await this.runtime.pool.query<{ copy_id: string }>(
      `SELECT copy_id FROM copies WHERE lock_holder_id IS NOT NULL AND lock_until <= $1 ORDER BY lock_until LIMIT $2`,
      [now, BATCH],
    );
    let expired = 0;
    for (const { copy_id: copyId } of rows) {
      try {
        const change = new ChangeCopyCommand(copyId, SYSTEM, { type: 'ExpireLock', data: {} }, { now, awaitReadModel: false });
        if ((await this.commands.execute(change)).changed) expired++;
      } catch (error) {
        if (!(error instanceof DomainError)) this.log(error);
      }
    }
    return expired;
  }

  private log(error: unknown): void {
    process.stderr.write(`[lock-expiry] ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
