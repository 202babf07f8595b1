import { copyFileSync, mkdtempSync, openSync, readSync, closeSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import type { Worker as Thread } from 'node:worker_threads';
import Tesseract from 'tesseract.js';

export const TESSERACT_LANGUAGES = ['fra', 'eng'] as const;
export type TesseractLanguage = (typeof TESSERACT_LANGUAGES)[number];

export interface TesseractPoolOptions {
  /** Worker threads, created as work arrives (default: os.availableParallelism()). */
  size?: number;
  /**
   * Page segmentation mode. Default 4, one column of text of varying sizes: a header's printed labels
   * and handwritten values stay in reading order, and handwriting is read better than as one uniform
   * block (6) — tests/bench/import.bench.ts.
   */
  pageSegmentation?: Tesseract.PSM;
  /** Resolution of the images it is given (default 300): tesseract sizes its expectations of text by it. */
  dpi?: number;
  /** A recognition taking longer than this kills its worker (default 60 s). */
  jobTimeoutMs?: number;
  /** Language data files (gzip traineddata); default: the @tesseract.js-data npm packages. */
  languageFiles?: Partial<Record<TesseractLanguage, string>>;
}
export interface RecognisedText {
  text: string;
  /** Tesseract's mean word confidence, 0..1. */
  confidence: number;
}

/**
 * The LSTM data of each language, from its npm package. Tesseract's loader reads one directory
 * (`langPath`), while each language lives in its own package, so the pool gathers them by symbolic link
 * (a copy where links are refused) into a temporary directory it deletes on close().
 */
export function defaultLanguageFiles(): Record<TesseractLanguage, string> {
  const require = createRequire(import.meta.url);
  const file = (lang: TesseractLanguage): string => {
    try {
      return require.resolve(`@tesseract.js-data/${lang}/4.0.0_best_int/${lang}.traineddata.gz`);
    } catch {
      return path.join('node_modules', '@tesseract.js-data', lang, '4.0.0_best_int', `${lang}.traineddata.gz`);
    }
  };
  return { fra: file('fra'), eng: file('eng') };
}

/**
 * Options that keep tesseract.js offline: without `langPath` it downloads data from a CDN, and its
 * default cache writes `*.traineddata` into the working directory. Core and worker scripts are left to
 * their defaults, which are files inside node_modules.
 */
export function tesseractWorkerOptions(langPath: string, onError: (message: unknown) => void): Partial<Tesseract.WorkerOptions> {
  if (!path.isAbsolute(langPath)) throw new Error(`langPath must be a local absolute directory, got ${JSON.stringify(langPath)}`);
  return { langPath, gzip: true, cacheMethod: 'none', errorHandler: onError };
}

interface Job {
  image: Buffer;
  prepare: ((image: Buffer) => Promise<Buffer>) | undefined;
  resolve: (result: RecognisedText) => void;
  reject: (error: Error) => void;
}

/**
 * A pool of tesseract.js workers (French + English LSTM models), started lazily and fed from one queue.
 * Each worker holds ~170 MB and takes about half a second to start, so they are reused for every header;
 * a worker that hangs or dies is dropped and replaced by the next job that needs one.
 */
export class TesseractPool {
  private readonly size: number;
  private readonly pageSegmentation: Tesseract.PSM;
  private readonly dpi: number;
  private readonly jobTimeoutMs: number;
  private readonly languageFiles: Record<TesseractLanguage, string>;
  private readonly idle: Tesseract.Worker[] = [];
  private readonly workers = new Set<Tesseract.Worker>();
  private readonly queue: Job[] = [];
  /** Per busy worker, how to abandon its job (on close). */
  private readonly running = new Map<Tesseract.Worker, () => void>();
  private starting = 0;
  private readonly starts = new Set<Promise<void>>();
  private dataDir: string | undefined;
  private closed = false;

  constructor(options: TesseractPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? availableParallelism());
    this.pageSegmentation = options.pageSegmentation ?? Tesseract.PSM.SINGLE_COLUMN;
    this.dpi = options.dpi ?? 300;
    this.jobTimeoutMs = options.jobTimeoutMs ?? 60_000;
    this.languageFiles = { ...defaultLanguageFiles(), ...options.languageFiles };
  }

  /**
   * Queues an image. `prepare` (image clean-up) runs only when a worker takes the job, so a batch of
   * hundreds of headers waits as compact PNGs rather than as prepared bitmaps.
   */
  recognize(image: Buffer, prepare?: (image: Buffer) => Promise<Buffer>): Promise<RecognisedText> {
    if (this.closed) return Promise.reject(new Error('Le lecteur OCR est fermé.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ image, prepare, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('Le lecteur OCR a été fermé avant de lire cette image.'));
    for (const abandon of [...this.running.values()]) abandon();
    // A worker still loading its language data must finish (and is then terminated) before the data goes.
    await Promise.allSettled([...this.starts]);
    await Promise.all([...this.workers].map((worker) => worker.terminate()));
    this.workers.clear();
    this.idle.length = 0;
    this.removeDataDir();
    process.off('exit', this.removeDataDir);
  }

  /**
   * Starts every worker now rather than at the first image: loading the language data takes a second
   * or two, which an upload still streaming in can hide.
   */
  warmUp(): void {
    while (!this.closed && this.workers.size + this.starting < this.size) this.spawn();
  }

  private pump(): void {
    while (this.queue.length > 0 && this.idle.length > 0) this.run(this.idle.pop()!, this.queue.shift()!);
    if (this.queue.length > this.starting && this.workers.size + this.starting < this.size) this.spawn();
  }

  private spawn(): void {
    const start = this.startWorker();
    this.starts.add(start);
    void start.finally(() => this.starts.delete(start));
  }

  private run(worker: Tesseract.Worker, job: Job): void {
    let settled = false;
    const thread = threadOf(worker);
    const finish = (outcome: () => void, keepWorker: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.running.delete(worker);
      thread?.off('exit', died);
      outcome();
      if (keepWorker && !this.closed) this.idle.push(worker);
      else this.drop(worker);
      this.pump();
    };
    const died = (): void => finish(() => job.reject(new Error('Le processus OCR s’est arrêté pendant la lecture.')), false);
    const timer = setTimeout(
      () => finish(() => job.reject(new Error(`La lecture OCR a dépassé ${this.jobTimeoutMs} ms.`)), false),
      this.jobTimeoutMs,
    );
    thread?.once('exit', died);
    this.running.set(worker, () => finish(() => job.reject(new Error('Le lecteur OCR a été fermé pendant la lecture.')), false));
    (job.prepare ? job.prepare(job.image) : Promise.resolve(job.image)).then(
      (image) => {
        // Timed out while preparing: the worker is already terminated, and tesseract.js throws
        // uncaught when a terminated worker is asked to recognise.
        if (settled) return;
        worker.recognize(image).then(
          ({ data }) => finish(() => job.resolve({ text: data.text, confidence: Math.min(1, Math.max(0, data.confidence / 100)) }), true),
          (error: unknown) => finish(() => job.reject(new Error(`Lecture OCR impossible : ${String(error)}`)), true),
        );
      },
      (error: unknown) => finish(() => job.reject(error instanceof Error ? error : new Error(String(error))), true),
    );
  }

  private drop(worker: Tesseract.Worker): void {
    this.workers.delete(worker);
    void worker.terminate();
  }

  private async startWorker(): Promise<void> {
    this.starting++;
    try {
      const worker = await this.createWorker();
      if (this.closed) {
        await worker.terminate();
        return;
      }
      this.workers.add(worker);
      this.idle.push(worker);
    } catch (error) {
      // No worker can start (missing or corrupt data): every waiting read fails now, loudly, rather than hanging.
      if (this.workers.size === 0)
        for (const job of this.queue.splice(0)) job.reject(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.starting--;
      if (!this.closed) this.pump();
    }
  }

  private async createWorker(): Promise<Tesseract.Worker> {
    const langPath = this.gatherLanguageData();
    let failInit: (error: Error) => void = () => undefined;
    // tesseract.js reports a failed language load only through errorHandler and never settles createWorker.
    const initFailed = new Promise<never>((_, reject) => (failInit = reject));
    const options = tesseractWorkerOptions(langPath, (message) =>
      failInit(new Error(`Tesseract n’a pas pu démarrer : ${String(message)}`)),
    );
    const worker = await Promise.race([Tesseract.createWorker([...TESSERACT_LANGUAGES], Tesseract.OEM.LSTM_ONLY, options), initFailed]);
    threadOf(worker)?.on('error', () => this.drop(worker));
    await worker.setParameters({
      tessedit_pageseg_mode: this.pageSegmentation,
      user_defined_dpi: String(this.dpi),
      preserve_interword_spaces: '1',
    });
    return worker;
  }

  private readonly removeDataDir = (): void => {
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
    this.dataDir = undefined;
  };

  private gatherLanguageData(): string {
    if (this.dataDir) return this.dataDir;
    for (const [lang, file] of Object.entries(this.languageFiles)) {
      if (!isGzipFile(file)) {
        throw new Error(
          `Données de langue Tesseract « ${lang} » introuvables ou illisibles (${file}) : installez le paquet @tesseract.js-data/${lang}. Korrigo ne les télécharge jamais.`,
        );
      }
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'korrigo-tessdata-'));
    for (const [lang, file] of Object.entries(this.languageFiles)) {
      const target = path.join(dir, `${lang}.traineddata.gz`);
      try {
        symlinkSync(path.resolve(file), target);
      } catch {
        copyFileSync(file, target);
      }
    }
    this.dataDir = dir;
    // A process that ends without close() (crash, exit()) still removes its links; only a kill leaves them.
    process.once('exit', this.removeDataDir);
    return dir;
  }
}

function isGzipFile(file: string): boolean {
  try {
    const fd = openSync(file, 'r');
    try {
      const magic = Buffer.alloc(2);
      return readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** The worker_threads Worker behind a tesseract.js worker (not in its typings): to hear it die. */
const threadOf = (worker: Tesseract.Worker): Thread | undefined => (worker as unknown as { worker?: Thread }).worker;
