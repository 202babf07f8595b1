import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type ScanLimits, ScanRejectedError, rejection, scanLimits } from './pdf-limits.js';
import type { RenderOutput, RenderSettings, WorkerReply, WorkerRequest } from './render-worker.js';

/**
 * Renders scan pages in worker threads (DESIGN §7). Pages of a file are spread over the workers; a
 * worker opens a file once per job and keeps it until the job ends. Each page has a time budget: a
 * worker past it is terminated and replaced, as is one that runs out of memory or crashes, and the
 * job fails with a coded refusal naming the page; other jobs and later calls carry on.
 */

export interface RenderedPage {
  /** 1-based page number in the PDF. */
  number: number;
  /** The view image, 150 dpi by default. */
  image: { bytes: Buffer; mime: 'image/webp' | 'image/jpeg'; width: number; height: number };
  /** Share of dark pixels (0..1) inside a 4% margin: blank-page detection. */
  inkRatio: number;
  /** The same share in the header band (top quarter), for the split's "no header" check. */
  headerInkRatio?: number;
  /** For a page named in `masked`: the view with its header region painted white, in the view's format. */
  maskedImage?: Buffer;
  /** For a page named in `masked`: the header region of the view (JPEG), cut from the same pixels. */
  headerCrop?: Buffer;
}
export interface HeaderCrop {
  number: number;
  /** 8-bit greyscale PNG. */
  bytes: Buffer;
  width: number;
  height: number;
}
/** A region of a page in fractions of the page (0..1), origin top-left. */
export interface PageRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}
export const headerRegion: PageRegion = Object.freeze({ x: 0, y: 0, width: 1, height: 0.25 });

export interface RenderPoolOptions {
  /** Worker threads; default: one per core. */
  size?: number;
  limits?: Partial<ScanLimits>;
  /** View image format; default JPEG: WebP is a third smaller but takes ~6× longer to encode (tests/bench/render.bench.ts). */
  viewFormat?: 'webp' | 'jpeg';
  /** Decode copier-style JPEG pages natively (see scan-image.ts); default on. */
  fastPath?: boolean;
}

/** The worker module: built JavaScript beside this file, or TypeScript through the repository's loader. */
export function startRenderWorker(limits: ScanLimits, options: { fastPath: boolean }): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  return new Worker(new URL(fromSource ? './render-worker.ts' : './render-worker.js', import.meta.url), {
    workerData: { korrigoRenderWorker: true, fastPath: options.fastPath },
    resourceLimits: { maxOldGenerationSizeMb: limits.maxWorkerMemoryMb },
    ...(fromSource ? { execArgv: ['--import', new URL('../../../tests/support/ts-loader.mjs', import.meta.url).href] } : {}),
  });
}

/** A task as submitted: the worker request without its correlation id. */
type Request = WorkerRequest extends infer R ? (R extends { type: 'render' | 'count' } ? Omit<R, 'id'> : never) : never;
type Outcome = { ok: true; result: RenderOutput | number } | { ok: false; error: Error };

interface Job {
  id: string;
  /** Done, failed or aborted: its queued tasks are dropped, late results ignored. */
  ended: boolean;
}
interface Task {
  job: Job;
  request: Request;
  settle(outcome: Outcome): void;
}
interface Slot {
  worker: Worker;
  ready: boolean;
  task: Task | null;
  timer?: NodeJS.Timeout;
  jobs: Set<string>;
}

export class RenderPool {
  private readonly limits: ScanLimits;
  private readonly size: number;
  private readonly settings: RenderSettings;
  private slots: Slot[] = [];
  private queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: RenderPoolOptions = {}) {
    this.limits = scanLimits(options.limits);
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
    this.settings = { limits: this.limits, fastPath: options.fastPath ?? true, viewFormat: options.viewFormat ?? 'jpeg' };
  }

  /**
   * Renders the given pages (all when omitted) at `dpi` (default 150); `onPage` is called as each finishes, in any order.
   * The pages in `masked.pages` (those that may start a copy) also come back masked, with their header crop.
   */
  async renderPages(
    file: string,
    options: {
      pages?: number[];
      dpi?: number;
      onPage?: (page: RenderedPage) => void | Promise<void>;
      signal?: AbortSignal;
      masked?: { region: PageRegion; pages: Iterable<number> };
    } = {},
  ): Promise<RenderedPage[]> {
    const dpi = checkDpi(options.dpi ?? 150);
    options.pages?.forEach(checkPage);
    const mask = options.masked && { ...options.masked.region };
    if (mask) checkRegion(mask);
    const masked = new Set(options.masked?.pages ?? []);
    const pages = await this.run(
      file,
      options.signal,
      async (job, submit) => {
        const numbers = options.pages ?? range((await submit({ type: 'count', job: job.id, file, settings: this.settings })) as number);
        return numbers.map((page) =>
          submit({ type: 'render', job: job.id, file, settings: this.settings, page, dpi, ...(mask && masked.has(page) ? { mask } : {}) }),
        );
      },
      options.onPage && ((output) => options.onPage!(toRenderedPage(output))),
    );
    return pages.map(toRenderedPage).sort((a, b) => a.number - b.number);
  }

  /** Renders only `region` of each requested page at `dpi` (default 300), for OCR. */
  async renderRegions(
    file: string,
    requests: { page: number; region: PageRegion }[],
    options: { dpi?: number; signal?: AbortSignal } = {},
  ): Promise<HeaderCrop[]> {
    const dpi = checkDpi(options.dpi ?? 300);
    requests.forEach(({ page, region }) => (checkPage(page), checkRegion(region)));
    const crops = await this.run(file, options.signal, async (job, submit) =>
      requests.map(({ page, region }) =>
        submit({ type: 'render', job: job.id, file, settings: this.settings, page, dpi, region: { ...region } }),
      ),
    );
    return crops.map((output) => {
      if (typeof output === 'number' || output.kind !== 'region') throw new Error('render worker answered a region with a page');
      return { number: output.number, bytes: asBuffer(output.bytes), width: output.width, height: output.height };
    });
  }

  /**
   * Starts the workers now rather than with the first page (each loads pdf.js and pdf-lib, a few hundred
   * milliseconds), so that they start while the caller still prepares its file.
   */
  warmUp(): void {
    if (this.closed) return;
    while (this.slots.length < this.size) this.spawn();
    this.dispatch();
  }

  async close(): Promise<void> {
    this.closed = true;
    const queued = this.queue.splice(0);
    queued.forEach((task) => task.settle({ ok: false, error: new Error('render pool closed') }));
    const slots = this.slots.splice(0);
    slots.forEach((slot) => slot.task?.settle({ ok: false, error: new Error('render pool closed') }));
    await Promise.all(slots.map((slot) => this.retire(slot)));
  }

  /** One job: `plan` submits tasks (it may wait for some first); fails at the first refusal, abort or callback error. */
  private async run(
    file: string,
    signal: AbortSignal | undefined,
    plan: (job: Job, submit: (request: Request) => Promise<RenderOutput | number>) => Promise<Promise<RenderOutput | number>[]>,
    onResult?: (output: RenderOutput) => void | Promise<void>,
  ): Promise<RenderOutput[]> {
    if (this.closed) throw new Error('render pool closed');
    signal?.throwIfAborted();
    const job: Job = { id: `${process.pid}-${this.nextId++}-${file}`, ended: false };
    const callbacks: Promise<void>[] = [];
    let abort: () => void = () => undefined;
    const aborted = new Promise<never>((_, reject) => {
      abort = () => reject(signal?.reason);
      signal?.addEventListener('abort', abort, { once: true });
    });
    const submit = (request: Request): Promise<RenderOutput | number> =>
      new Promise((resolve, reject) => {
        this.queue.push({
          job,
          request,
          settle: (outcome) => {
            if (job.ended) return;
            if (!outcome.ok) return reject(outcome.error);
            if (onResult && typeof outcome.result !== 'number')
              callbacks.push(Promise.resolve().then(() => onResult(outcome.result as RenderOutput)));
            resolve(outcome.result);
          },
        });
        this.dispatch();
      });
    const work = (async () => {
      const outputs = await Promise.all(await plan(job, submit));
      await Promise.all(callbacks);
      return outputs as RenderOutput[];
    })();
    try {
      return await Promise.race([work, aborted]);
    } finally {
      job.ended = true;
      work.catch(() => undefined);
      aborted.catch(() => undefined);
      signal?.removeEventListener('abort', abort);
      this.endJob(job);
    }
  }

  private dispatch(): void {
    if (this.closed) return;
    this.queue = this.queue.filter((task) => !task.job.ended);
    const starting = this.slots.filter((slot) => !slot.ready).length;
    const idle = this.slots.filter((slot) => slot.ready && !slot.task).length;
    for (let wanted = this.queue.length - idle - starting; wanted > 0 && this.slots.length < this.size; wanted--) this.spawn();
    for (const slot of this.slots) {
      if (!slot.ready || slot.task) continue;
      const task = this.queue.shift();
      if (!task) break;
      this.start(slot, task);
    }
    // Workers hold the process open only while there is work: an idle pool never keeps a CLI or test alive.
    for (const slot of this.slots) {
      if (slot.task || (!slot.ready && this.queue.length > 0)) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  private spawn(): void {
    const slot: Slot = {
      worker: startRenderWorker(this.limits, { fastPath: this.settings.fastPath }),
      ready: false,
      task: null,
      jobs: new Set(),
    };
    this.slots.push(slot);
    slot.worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    slot.worker.on('error', (error: Error & { code?: string }) => this.onCrash(slot, error));
    slot.worker.on('exit', (code) => this.onCrash(slot, new Error(`render worker exited with code ${code}`)));
  }

  private start(slot: Slot, task: Task): void {
    slot.task = task;
    slot.jobs.add(task.job.id);
    slot.worker.postMessage({ ...task.request, id: this.nextId++ } as WorkerRequest);
    slot.timer = setTimeout(() => {
      this.replace(slot);
      task.settle({ ok: false, error: rejection.renderTimeout(pageOf(task), this.limits.renderTimeoutMs) });
    }, this.limits.renderTimeoutMs);
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    if (reply.type === 'ready') {
      slot.ready = true;
      return this.dispatch();
    }
    const task = slot.task;
    clearTimeout(slot.timer);
    slot.task = null;
    if (task?.job.ended) this.closeOn(slot, task.job.id);
    if (task)
      task.settle(
        reply.type === 'done' ? { ok: true, result: reply.result as RenderOutput | number } : { ok: false, error: replyError(reply) },
      );
    this.dispatch();
  }

  /** Out of memory, a native crash, or a worker that cannot start: the page in hand fails, the slot is replaced. */
  private onCrash(slot: Slot, error: Error & { code?: string }): void {
    if (!this.slots.includes(slot)) return;
    const task = slot.task;
    this.replace(slot);
    if (task) {
      const page = pageOf(task);
      task.settle({
        ok: false,
        error: error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? rejection.renderMemory(page, error) : rejection.corruptPage(page, error),
      });
    } else if (!slot.ready) {
      // A worker that dies before it is ready would die again: fail what waits rather than respawn forever.
      this.queue
        .splice(0)
        .forEach((queued) => queued.settle({ ok: false, error: new Error('render worker failed to start', { cause: error }) }));
    }
    this.dispatch();
  }

  private replace(slot: Slot): void {
    clearTimeout(slot.timer);
    this.slots = this.slots.filter((other) => other !== slot);
    void this.retire(slot);
  }

  private async retire(slot: Slot): Promise<void> {
    clearTimeout(slot.timer);
    slot.worker.removeAllListeners();
    slot.worker.on('error', () => undefined);
    await slot.worker.terminate();
  }

  /** A job's file stays open in the workers that rendered its pages until the job ends (a busy worker closes it after its page). */
  private endJob(job: Job): void {
    this.queue = this.queue.filter((task) => task.job !== job);
    for (const slot of this.slots) if (!slot.task || slot.task.job !== job) this.closeOn(slot, job.id);
  }

  private closeOn(slot: Slot, jobId: string): void {
    if (!slot.jobs.delete(jobId)) return;
    slot.worker.postMessage({ type: 'close', job: jobId } satisfies WorkerRequest);
  }
}

function replyError(reply: Extract<WorkerReply, { type: 'failed' }>): Error {
  if (reply.rejection)
    return new ScanRejectedError(
      reply.rejection.code,
      reply.rejection.reason,
      reply.rejection.page === undefined ? {} : { page: reply.rejection.page },
    );
  if (reply.range) return new RangeError(`no such page: ${reply.range}`);
  return new Error(`render worker: ${reply.error}`);
}

const pageOf = (task: Task): number => (task.request.type === 'render' ? task.request.page : 1);
const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i + 1);
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function toRenderedPage(output: RenderOutput | number): RenderedPage {
  if (typeof output === 'number' || output.kind !== 'page') throw new Error('render worker answered a page with a region');
  const { number, bytes, mime, width, height, inkRatio, headerInkRatio, maskedBytes, headerCrop } = output;
  return {
    number,
    image: { bytes: asBuffer(bytes), mime, width, height },
    inkRatio,
    headerInkRatio,
    ...(maskedBytes ? { maskedImage: asBuffer(maskedBytes) } : {}),
    ...(headerCrop ? { headerCrop: asBuffer(headerCrop) } : {}),
  };
}

function checkDpi(dpi: number): number {
  if (!Number.isFinite(dpi) || dpi < 10 || dpi > 1200) throw new RangeError(`dpi must be between 10 and 1200, got ${dpi}`);
  return dpi;
}
function checkPage(page: number): void {
  if (!Number.isInteger(page) || page < 1) throw new RangeError(`page numbers start at 1, got ${page}`);
}
function checkRegion({ x, y, width, height }: PageRegion): void {
  const inside = [x, y, width, height].every((v) => Number.isFinite(v) && v >= 0 && v <= 1) && width > 0 && height > 0;
  if (!inside || x + width > 1 + 1e-9 || y + height > 1 + 1e-9)
    throw new RangeError(`a region is fractions of the page, got ${JSON.stringify({ x, y, width, height })}`);
}
