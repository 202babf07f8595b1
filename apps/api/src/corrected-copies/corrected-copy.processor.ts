import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type CorrectedCopyFile, type RecordCorrectedCopy, copyStreamId, decideCopy } from '#domain';
import { WrongExpectedRevisionError } from '#event-store';
import { RUNTIME } from '../tokens.js';
import { whileLocked } from '../shared/advisory-lock.js';
import type { Runtime } from '../runtime/runtime.js';
import { type CorrectedCopySource, CorrectedCopySourceError, loadCorrectedCopySource } from './corrected-copy-source.js';
import { CorrectedCopyPool } from './corrected-copy-pool.js';
import { appendAs } from '../shared/execute-command.js';

const POLL_MS = 3_000;
const BATCH = 100;
const MAX_BACKOFF_MS = 5 * 60_000;
const ACTOR = { actorId: 'corrected-copies', actorRole: 'system' } as const;

export interface BuiltCorrectedCopy {
  readonly source: CorrectedCopySource;
  readonly anonymous: Uint8Array;
  readonly named: Uint8Array | null;
}

/**
 * Builds the corrected-copy PDFs (issue 6). The `copies` read model lists the finalised copies without
 * a recorded PDF (a reopen or a change of identification clears it); each is read from its streams,
 * built in both variants, stored in the blob store under its content hash, and recorded by the copy
 * decider's RecordCorrectedCopy, appended at the revision it was read at: whatever happened to the
 * copy meanwhile refuses the record, and the copy is built again from its new state. Nothing lives
 * only in memory: on start, on each finalisation in this process (`wake`) and every POLL_MS, the
 * read model says what is left. A PostgreSQL advisory lock per copy keeps replicas off each other's
 * builds; a failure is logged and retried with a growing delay, and never reaches the API. The PDFs
 * themselves are made in worker threads (PDF_WORKERS), off the event loop that serves the teachers.
 */
@Injectable()
export class CorrectedCopyProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private pending = false;
  private sweeping: Promise<void> | null = null;
  private stopping = false;
  private readonly backoff = new Map<string, { attempts: number; until: number }>();
  private readonly pdfs: CorrectedCopyPool;

  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {
    this.pdfs = new CorrectedCopyPool({ size: runtime.config.pdfWorkers });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
    this.wake();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // The build in hand fails at once (not logged while stopping) rather than holding the shutdown.
    await this.pdfs.close();
    await this.sweeping;
  }

  /** Looks for copies to build now (after a finalisation) rather than at the next poll. */
  wake(): void {
    if (this.stopping) return;
    this.pending = true;
    this.sweeping ??= this.sweep().finally(() => (this.sweeping = null));
  }

  /** Both variants of a copy's PDF as its streams stand, recorded or not: nothing is stored. */
  async build(copyId: string, rebuild = false): Promise<BuiltCorrectedCopy | null> {
    const source = await loadCorrectedCopySource(this.runtime, copyId, rebuild);
    if (!source) return null;
    // The images move to the worker: `source`'s page images are spent once built.
    const [anonymous, named] = await Promise.all([this.pdfs.build(source.anonymous), source.named && this.pdfs.build(source.named)]);
    return { source, anonymous, named };
  }

  private async sweep(): Promise<void> {
    while (this.pending && !this.stopping) {
      this.pending = false;
      let copyIds: string[];
      try {
        const { rows } = await this.runtime.pool.query<{ copy_id: string }>(
          `SELECT copy_id FROM copies WHERE finalised AND corrected_pdf IS NULL ORDER BY finalised_at, copy_id LIMIT $1`,
          [BATCH],
        );
        copyIds = rows.map((row) => row.copy_id);
      } catch (error) {
        if (!this.stopping) this.log(`cannot list the copies to build: ${String(error)}`);
        break;
      }
      for (const copyId of copyIds) {
        if (this.stopping) break;
        if ((this.backoff.get(copyId)?.until ?? 0) > Date.now()) continue;
        await this.work(copyId);
      }
    }
  }

  /** Builds one copy under its advisory lock, unless another process holds it. */
  private async work(copyId: string): Promise<void> {
    try {
      await whileLocked(this.runtime.pool, `korrigo:corrected-copy:${copyId}`, () => this.buildAndRecord(copyId));
      this.backoff.delete(copyId);
    } catch (error) {
      if (!this.stopping) this.failed(copyId, error);
    }
  }

  private async buildAndRecord(copyId: string): Promise<void> {
    const built = await this.build(copyId);
    if (!built) return; // recorded meanwhile (the read model lags behind its stream), or no longer finalised
    const { source } = built;
    const anonymous = await this.store(built.anonymous);
    const named = built.named ? await this.store(built.named) : null;
    const now = new Date().toISOString();
    const command: RecordCorrectedCopy = {
      type: 'RecordCorrectedCopy',
      data: { finalisedRevision: source.finalisedRevision, anonymous, named },
      metadata: { ...ACTOR, now },
    };
    const events = decideCopy(command, source.state);
    if (events.length === 0) return;
    try {
      await appendAs(this.runtime.store, copyStreamId(copyId), events, ACTOR, source.revision, now);
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      // The copy moved while it was built (reopened, identified…): built again from what it is now.
      this.pending = true;
    }
  }

  /** Content-addressed: the same PDF is stored once, and its key names exactly these bytes. */
  private async store(pdf: Uint8Array): Promise<CorrectedCopyFile> {
    const bytes = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const stored = await this.runtime.blobs.put(bytes, { expectedKey: sha256 });
    return { pdfBlobKey: stored.key, sha256, bytes: stored.size };
  }

  private failed(copyId: string, error: unknown): void {
    const attempts = (this.backoff.get(copyId)?.attempts ?? 0) + 1;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempts);
    this.backoff.set(copyId, { attempts, until: Date.now() + delay });
    // A known cause (a page image gone) needs no stack; anything else does.
    const reason = error instanceof CorrectedCopySourceError || !(error instanceof Error) ? String(error) : (error.stack ?? error.message);
    this.log(`copy ${copyId}: PDF not built (attempt ${attempts}, next in ${Math.round(delay / 1000)} s): ${reason}`);
  }

  private log(message: string): void {
    process.stderr.write(`[corrected-copies] ${message}\n`);
  }
}
