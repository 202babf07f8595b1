import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The anchor of `npm run bench:import`: what a school's IT person would script with Debian's native
 * tools on the same file — `pdftoppm` (poppler) renders every page at the view resolution and the
 * header region of each copy's first page at the OCR resolution, and the `tesseract` command reads
 * each header crop. Work is spread over `parallel` processes (the machine's cores), as Korrigo's
 * worker pools are, so the ratio compares pipelines, not core counts.
 */
export interface NativeRun {
  readonly wallMs: number;
  readonly renderMs: number;
  readonly ocrMs: number;
  readonly texts: readonly string[];
}

export const nativeToolsPresent = async (): Promise<boolean> => {
  try {
    await run('pdftoppm', ['-v']);
    await run('tesseract', ['--version']);
    return true;
  } catch {
    return false;
  }
};

/** Runs `tasks` with at most `parallel` at a time, keeping results in input order. */
const pooled = async <T>(tasks: readonly (() => Promise<T>)[], parallel: number): Promise<T[]> => {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, tasks.length) }, lane));
  return results;
};

export const runNativePipeline = async (
  pdf: string,
  options: { pageCount: number; firstPages: readonly number[]; viewDpi: number; ocrDpi: number; headerShare: number; parallel?: number },
): Promise<NativeRun> => {
  const parallel = options.parallel ?? os.availableParallelism();
  const work = await mkdtemp(path.join(os.tmpdir(), 'korrigo-native-'));
  try {
    const started = performance.now();
    // Pages in `parallel` contiguous ranges, one pdftoppm process each.
    const perRange = Math.ceil(options.pageCount / parallel);
    const ranges = Array.from(
      { length: parallel },
      (_, i) => [i * perRange + 1, Math.min(options.pageCount, (i + 1) * perRange)] as const,
    ).filter(([from, to]) => from <= to);
    await pooled(
      ranges.map(
        ([from, to]) =>
          () =>
            run('pdftoppm', ['-r', String(options.viewDpi), '-f', String(from), '-l', String(to), '-jpeg', pdf, path.join(work, 'view')]),
      ),
      parallel,
    );
    const rendered = performance.now();
    // A4 at the OCR resolution; the crop is the top `headerShare` of the page.
    const width = Math.round((210 / 25.4) * options.ocrDpi);
    const height = Math.round((297 / 25.4) * options.ocrDpi * options.headerShare);
    const texts = await pooled(
      options.firstPages.map((page) => async () => {
        const crop = path.join(work, `header-${page}`);
        await run('pdftoppm', [
          '-r',
          String(options.ocrDpi),
          '-f',
          String(page),
          '-l',
          String(page),
          '-x',
          '0',
          '-y',
          '0',
          '-W',
          String(width),
          '-H',
          String(height),
          '-gray',
          '-png',
          '-singlefile',
          pdf,
          crop,
        ]);
        const { stdout } = await run('tesseract', [`${crop}.png`, 'stdout', '-l', 'fra+eng', '--psm', '4'], {
          env: { ...process.env, OMP_THREAD_LIMIT: '1' },
        });
        return stdout;
      }),
      parallel,
    );
    const finished = performance.now();
    return { wallMs: finished - started, renderMs: rendered - started, ocrMs: finished - rendered, texts };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
};
