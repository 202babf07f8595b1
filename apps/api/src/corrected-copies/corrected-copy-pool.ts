import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CorrectedCopyPdfError, type CorrectedCopyPdfInput } from './pdf/build-corrected-copy-pdf.js';
import type { PdfWorkerReply, PdfWorkerRequest } from './corrected-copy.worker.js';

/**
 * Builds corrected-copy PDFs in worker threads. pdf-lib works synchronously for ~100 ms per variant:
 * on the API's thread a class finalised at once would stall every teacher's save for seconds, in
 * ~100 ms slices (tests/bench/pdf-latency.bench.ts). Like the scan render pool (libs/ocr render-pool.ts),
 * at most `size` workers each take one build at a time, a build past its time budget or a worker that
 * crashes or runs out of memory is failed and the worker replaced, and idle workers let the process
 * exit. Kept apart from the render pool: that one's jobs keep files open across tasks, these are
 * single messages, and a shared base would have to carry both.
 */

export interface CorrectedCopyPoolOptions {
  /** Worker threads; 0 or absent: one per core. */
  size?: number;
  /** Per build; past it the worker is terminated and replaced. */
  timeoutMs?: number;
  /** Heap of a worker: a copy needing more fails alone, the API lives on. */
  maxWorkerMemoryMb?: number;
  /** An idle worker is stopped after this long: an API that builds nothing holds no pdf-lib heap. */
  idleMs?: number;
}

/** The worker module: built JavaScript beside this file, or TypeScript through the repository's loader (tests, benches). */
const startPdfWorker = (maxWorkerMemoryMb: number): Worker => {
  const fromSource = import.meta.url.endsWith('.ts');
  return new Worker(new URL(fromSource ? './corrected-copy.worker.ts' : './corrected-copy.worker.js', import.meta.url), {
    resourceLimits: { maxOldGenerationSizeMb: maxWorkerMemoryMb },
    ...(fromSource ? { execArgv: ['--import', new URL('../../../../tests/support/ts-loader.mjs', import.meta.url).href] } : {}),
  });
};

interface Task {
  readonly id: number;
  readonly input: CorrectedCopyPdfInput;
  settle(outcome: { pdf: Uint8Array } | { error: Error }): void;
}
interface Slot {
  readonly worker: Worker;
  ready: boolean;
  task: Task | null;
  timer?: NodeJS.Timeout;
}

export class CorrectedCopyPool {
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly memoryMb: number;
  private readonly idleMs: number;
  private slots: Slot[] = [];
  private queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: CorrectedCopyPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size || availableParallelism()));
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.memoryMb = options.maxWorkerMemoryMb ?? 512;
    this.idleMs = options.idleMs ?? 60_000;
  }

  /**
   * The same bytes as `buildCorrectedCopyPdf(input)`. The page images are moved to the worker, not
   * copied: once called, `input.pages[*].image` may be empty (detached) in this thread.
   */
  build(input: CorrectedCopyPdfInput): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new Error('corrected-copy PDF pool closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, input, settle: (outcome) => ('pdf' in outcome ? resolve(outcome.pdf) : reject(outcome.error)) });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const closed = { error: new Error('corrected-copy PDF pool closed') };
    this.queue.splice(0).forEach((task) => task.settle(closed));
    const slots = this.slots.splice(0);
    slots.forEach((slot) => slot.task?.settle(closed));
    await Promise.all(slots.map((slot) => this.retire(slot)));
  }

  private dispatch(): void {
    if (this.closed) return;
    const waiting = this.queue.length - this.slots.filter((slot) => !slot.task).length;
    for (let wanted = waiting; wanted > 0 && this.slots.length < this.size; wanted--) this.spawn();
    for (const slot of this.slots) {
      if (!slot.ready || slot.task) continue;
      const task = this.queue.shift();
      if (!task) break;
      this.start(slot, task);
    }
    for (const slot of this.slots) {
      if (slot.task) continue;
      clearTimeout(slot.timer);
      // Idle: it neither keeps the process alive nor its heap for long.
      if (slot.ready) slot.timer = setTimeout(() => this.replace(slot), this.idleMs).unref();
      if (slot.ready || this.queue.length === 0) slot.worker.unref();
    }
  }

  private spawn(): void {
    const slot: Slot = { worker: startPdfWorker(this.memoryMb), ready: false, task: null };
    this.slots.push(slot);
    slot.worker.on('message', (reply: PdfWorkerReply) => this.onReply(slot, reply));
    slot.worker.on('error', (error: Error & { code?: string }) => this.onCrash(slot, error));
    slot.worker.on('exit', (code) => this.onCrash(slot, new Error(`corrected-copy PDF worker exited with code ${code}`)));
  }

  private start(slot: Slot, task: Task): void {
    clearTimeout(slot.timer);
    slot.task = task;
    slot.worker.ref();
    slot.worker.postMessage({ id: task.id, input: task.input } satisfies PdfWorkerRequest, transferable(task.input));
    slot.timer = setTimeout(() => {
      this.replace(slot);
      task.settle({ error: new Error(`corrected-copy PDF not built within ${this.timeoutMs / 1000} s: the worker was stopped`) });
      this.dispatch();
    }, this.timeoutMs);
  }

  private onReply(slot: Slot, reply: PdfWorkerReply): void {
    if (reply.type === 'ready') {
      slot.ready = true;
      return this.dispatch();
    }
    const task = slot.task;
    clearTimeout(slot.timer);
    slot.task = null;
    if (task?.id === reply.id) task.settle(reply.type === 'done' ? { pdf: reply.pdf } : { error: workerError(reply) });
    this.dispatch();
  }

  /** Out of memory, a native crash, or a worker that cannot start: the copy in hand fails, the slot is replaced. */
  private onCrash(slot: Slot, error: Error & { code?: string }): void {
    if (!this.slots.includes(slot)) return;
    const task = slot.task;
    this.replace(slot);
    const reason = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `ran out of memory (${this.memoryMb} MiB)` : `crashed: ${error.message}`;
    if (task) task.settle({ error: new Error(`corrected-copy PDF worker ${reason}`, { cause: error }) });
    // A worker that dies before it is ready would die again: fail what waits rather than respawn forever.
    else if (!slot.ready)
      this.queue
        .splice(0)
        .forEach((queued) => queued.settle({ error: new Error('corrected-copy PDF worker failed to start', { cause: error }) }));
    this.dispatch();
  }

  private replace(slot: Slot): void {
    this.slots = this.slots.filter((other) => other !== slot);
    void this.retire(slot);
  }

  private async retire(slot: Slot): Promise<void> {
    clearTimeout(slot.timer);
    slot.worker.removeAllListeners();
    slot.worker.on('error', () => undefined);
    await slot.worker.terminate();
  }
}

/**
 * The images' memory, moved rather than copied. Only a view that owns its whole buffer is moved: a
 * slice of a shared one (Node's small-Buffer pool) would take its neighbours with it; each buffer once.
 */
const transferable = (input: CorrectedCopyPdfInput): ArrayBuffer[] => {
  const buffers = new Set<ArrayBuffer>();
  for (const { image } of input.pages)
    if (image && image.buffer instanceof ArrayBuffer && image.byteOffset === 0 && image.byteLength === image.buffer.byteLength)
      buffers.add(image.buffer);
  return [...buffers];
};

/** A refusal naming its page stays one (the processor logs it as such); anything else keeps the worker's stack. */
const workerError = (reply: Extract<PdfWorkerReply, { type: 'failed' }>): Error => {
  const error = reply.pdfError
    ? new CorrectedCopyPdfError(reply.message, reply.pageId)
    : new Error(`corrected-copy PDF worker: ${reply.message}`);
  // The frames are the worker's: the API's side of the call (a message) has none worth showing.
  if (reply.stack) error.stack = [`${error.name}: ${error.message} (in a PDF worker)`, ...reply.stack.split('\n').slice(1)].join('\n');
  return error;
};
