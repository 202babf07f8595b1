import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { CopyPage } from '#domain';
import { RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import type { Actor } from '../../shared/execute-command.js';
import { PageTransfers } from './page-transfers.js';

const SYSTEM: Actor = { actorId: 'page-transfer', actorRole: 'system' };
const INTERVAL_MS = 30_000;
/** The handler completes its own transfer within milliseconds: only older ones were left by a crash. */
const GRACE_SECONDS = 15;
const BATCH = 100;

interface TransferRow {
  transfer_id: string;
  exam_id: string;
  scan_id: string;
  from_copy_id: string;
  to_copy_id: string;
  pages: CopyPage[];
  position: number | null;
  new_copy: boolean;
}

/**
 * Completes page transfers a crash left half done (PagesDetached recorded on the source, nothing on
 * the target): at start and every half minute, whatever `copy_page_transfers` shows detached and
 * never attached gets its target half, idempotent by transfer id, as 'system'. Safe on every replica.
 */
@Injectable()
export class TransferCompletionProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PageTransfers) private readonly transfers: PageTransfers,
  ) {}

  onApplicationBootstrap(): void {
    void this.sweep().catch((error: unknown) => this.log(error));
    this.timer = setInterval(() => void this.sweep().catch((error: unknown) => this.log(error)), INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.queue;
  }

  /** Completes the transfers detached more than `graceSeconds` ago; answers how many. One sweep at a time. */
  sweep(graceSeconds = GRACE_SECONDS): Promise<number> {
    const run = this.queue.then(() => this.completeAll(graceSeconds));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async completeAll(graceSeconds: number): Promise<number> {
    const { rows } = await this.runtime.pool.query<TransferRow>(
      `SELECT transfer_id, exam_id, scan_id, from_copy_id, to_copy_id, pages, position, new_copy FROM copy_page_transfers
       WHERE attached_at IS NULL AND detached_at <= now() - make_interval(secs => $1) ORDER BY detached_at LIMIT $2`,
      [graceSeconds, BATCH],
    );
    let completed = 0;
    for (const row of rows) {
      try {
        await this.transfers.complete(
          {
            transferId: row.transfer_id,
            examId: row.exam_id,
            scanId: row.scan_id,
            fromCopyId: row.from_copy_id,
            toCopyId: row.to_copy_id,
            pages: row.pages,
            position: row.position,
            newCopy: row.new_copy,
          },
          SYSTEM,
        );
        completed++;
      } catch (error) {
        this.log(error);
      }
    }
    return completed;
  }

  private log(error: unknown): void {
    process.stderr.write(`[page-transfer] ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
