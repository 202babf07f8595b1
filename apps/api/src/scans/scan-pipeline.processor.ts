import path from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { examDecider, examStreamId, headerRegionOf, scanDecider, scanStreamId } from '#domain';
import { ScanRejectedError } from '#ocr';
import { loadStream } from '../shared/execute-command.js';
import { whileLocked } from '../shared/advisory-lock.js';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { failureOf, isTransient } from './pipeline/pipeline-errors.js';
import { HeaderReadings } from './pipeline/header-readings.js';
import { OcrEngines } from './pipeline/ocr-engines.js';
import { type ScanRun, scanRecorder } from './pipeline/pipeline-context.js';
import { runScan } from './pipeline/run-scan.js';
import { ScanFile, removeAbandonedTemporaryFiles } from './pipeline/scan-file.js';
import { metrics } from '../metrics/metrics.js';

const POLL_MS = 2_000;
/** A scan that keeps meeting an unavailable store or database is retried this many times, then failed. */
const MAX_TRANSIENT_ATTEMPTS = 6;
const ABANDONED_TMP_MS = 60 * 60_000;
/** How long warm engines wait for the upload that asked for them (prepare). */
const PREPARED_MS = 60_000;

/**
 * The scan import pipeline (DESIGN §2, §7): event-driven and crash-safe. Every unfinished scan in the
 * `scans` read model is resumed from its own stream (render → split → import → read → match), on
 * start, on every upload or retry in this process (`wake`), and every POLL_MS for the others'.
 * A PostgreSQL advisory lock per scan, on a session held for the run, keeps one process on a scan at
 * a time; a process that dies loses its session and with it the lock. Every step is an event
 * appended at the revision read, so what a crash interrupts is redone from the last recorded step.
 * A failure is recorded (ScanFailed, with a reason for the admin) rather than retried for ever.
 */
@Injectable()
export class ScanPipeline implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly engines: OcrEngines;
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private pending = false;
  private sweeping: Promise<void> | null = null;
  private stopping = false;
  private readonly backoff = new Map<string, { attempts: number; until: number }>();
  /** When an upload last asked for warm engines: an idle sweep meanwhile must not stop them. */
  private preparedAt = 0;

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {
    this.engines = new OcrEngines(runtime.config.scans);
  }

  onApplicationBootstrap(): void {
    if (!this.runtime.config.scans.pipeline) return;
    void removeAbandonedTemporaryFiles(this.tmpDir(), ABANDONED_TMP_MS);
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
    this.wake();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping;
    await this.engines.close();
  }

  /**
   * Starts the render workers and OCR models while a scan is still being uploaded, so the import
   * starts warm; they stop again at the first idle sweep once PREPARED_MS has passed.
   */
  prepare(): void {
    if (this.stopping || !this.runtime.config.scans.pipeline) return;
    this.preparedAt = Date.now();
    this.engines.warmUp();
  }

  /** Looks for work now (after an upload or a retry) rather than at the next poll. */
  wake(): void {
    if (this.stopping || !this.runtime.config.scans.pipeline) return;
    this.pending = true;
    this.sweeping ??= this.sweep().finally(() => (this.sweeping = null));
  }

  private async sweep(): Promise<void> {
    while (this.pending && !this.stopping) {
      this.pending = false;
      let scanIds: string[];
      try {
        const { rows } = await this.runtime.pool.query<{ scan_id: string }>(
          `SELECT scan_id FROM scans WHERE NOT (completed OR failed OR rejected) ORDER BY uploaded_at, scan_id`,
        );
        scanIds = rows.map((row) => row.scan_id);
      } catch (error) {
        if (!this.stopping) this.log(`cannot list the scans to import: ${String(error)}`);
        break;
      }
      for (const scanId of scanIds) {
        if (this.stopping) break;
        if ((this.backoff.get(scanId)?.until ?? 0) > Date.now()) continue;
        await this.work(scanId);
      }
    }
    // Idle: the render workers and OCR models go until the next scan.
    if (!this.stopping && Date.now() - this.preparedAt > PREPARED_MS) await this.engines.close();
  }

  /** Works one scan under its advisory lock, unless another process holds it. */
  private async work(scanId: string): Promise<void> {
    try {
      await whileLocked(this.runtime.pool, `korrigo:scan-pipeline:${scanId}`, () => this.run(scanId));
    } catch (error) {
      if (!this.stopping) this.log(`scan ${scanId}: ${String(error)}`);
    }
  }

  private async run(scanId: string): Promise<void> {
    const { state } = await loadStream(this.runtime.store, scanStreamId(scanId), scanDecider);
    if (!state.pdfBlobKey || !state.examId) return;
    // Frozen once a corrector holds a copy (DefineHeaderRegion), so one run reads one region throughout.
    const exam = (await loadStream(this.runtime.store, examStreamId(state.examId), examDecider)).state;
    const run: ScanRun = {
      scanId,
      runtime: this.runtime,
      commands: this.commands,
      engines: this.engines,
      file: new ScanFile(this.runtime.blobs, state.pdfBlobKey, this.tmpDir()),
      signal: this.abort.signal,
      headerRegion: headerRegionOf(exam),
      stage: 'rendering',
      fields: new Map(),
      headers: new HeaderReadings(),
      record: scanRecorder(this.runtime, scanId),
    };
    try {
      await runScan(run);
      this.backoff.delete(scanId);
    } catch (error) {
      await this.failed(run, error);
    } finally {
      await run.file.dispose();
    }
  }

  /** A stop, or a store or database briefly away, is not the scan's fault: it is resumed later. Anything else fails it. */
  private async failed(run: ScanRun, error: unknown): Promise<void> {
    if (this.stopping || this.abort.signal.aborted) return;
    if (isTransient(error)) {
      const attempts = (this.backoff.get(run.scanId)?.attempts ?? 0) + 1;
      if (attempts < MAX_TRANSIENT_ATTEMPTS) {
        this.backoff.set(run.scanId, { attempts, until: Date.now() + 1000 * 2 ** attempts });
        this.log(`scan ${run.scanId} paused at ${run.stage} (attempt ${attempts}): ${String(error)}`);
        metrics.scans.inc({ outcome: 'paused' });
        return;
      }
    }
    this.backoff.delete(run.scanId);
    if (!(error instanceof ScanRejectedError)) {
      this.log(`scan ${run.scanId} failed at ${run.stage}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    metrics.scans.inc({ outcome: error instanceof ScanRejectedError ? 'rejected' : 'failed' });
    await run.record({ type: 'FailScan', data: failureOf(run.stage, error) });
  }

  private tmpDir(): string {
    return path.join(this.runtime.config.dataDir, 'tmp');
  }

  private log(message: string): void {
    process.stderr.write(`[scan-pipeline] ${message}\n`);
  }
}
