import { availableParallelism, loadavg } from 'node:os';
import { type CorrectedCopyPdfInput, buildCorrectedCopyPdf } from '../../apps/api/src/corrected-copies/pdf/build-corrected-copy-pdf.js';
import { mixedAnnotations, pageImage, sampleCopy } from '../../apps/api/src/corrected-copies/pdf/corrected-copy.fixtures.js';

/**
 * Corrected-copy PDFs (issue 6): the build time of one copy — 4 scanned pages as 150 dpi A4 JPEG view
 * images (1240 × 1754, q80), 100 annotations of every kind, pen strokes of ~50 points — as the median
 * of several runs, its size, and a class of 35 such copies (each with its own page images) built one
 * after the other, as the job does. Bar: the class in at most 15 s. Not part of `npm test`.
 *
 *   node --import ./tests/support/ts-loader.mjs tests/bench/corrected-pdf.bench.ts [--runs 9] [--copies 35]
 */

const argument = (flag: string, fallback: number): number => {
  const at = process.argv.indexOf(flag);
  const value = at === -1 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${flag} needs a positive whole number`);
  return value;
};
const RUNS = argument('--runs', 9);
const COPIES = argument('--copies', 35);
const PAGES = 4;
const ANNOTATIONS = 100;
const CLASS_BAR_MS = 15_000;

const copyOf = async (index: number) => {
  const pages = await Promise.all(
    Array.from({ length: PAGES }, async (_, page) => ({
      pageId: `c${index}-p${page + 1}`,
      image: await pageImage(index * PAGES + page + 1),
    })),
  );
  const annotations = mixedAnnotations(
    pages.map(({ pageId }) => pageId),
    ANNOTATIONS,
    index + 1,
  );
  return sampleCopy(pages, { anonymousCode: `K7-${String(index).padStart(4, '0')}`, annotations });
};

const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const main = async (): Promise<void> => {
  console.error(`${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}; preparing ${COPIES} copies of ${PAGES} pages…`);
  const copies: CorrectedCopyPdfInput[] = [];
  for (let index = 0; index < COPIES; index++) copies.push(await copyOf(index));
  const first = copies[0]!;
  const imageBytes = first.pages.reduce((sum, page) => sum + (page.image?.length ?? 0), 0);
  const points = first.annotations.reduce((sum, a) => sum + ('points' in a ? a.points.length : 0), 0);

  const [, cold] = await timed(() => buildCorrectedCopyPdf(first));
  const runs: number[] = [];
  let size = 0;
  for (let run = 0; run < RUNS; run++) {
    const [bytes, ms] = await timed(() => buildCorrectedCopyPdf(first));
    runs.push(ms);
    size = bytes.length;
  }
  const [anonymous, anonymousMs] = await timed(() => buildCorrectedCopyPdf({ ...first, student: null }));

  let classBytes = 0;
  const [, classMs] = await timed(async () => {
    for (const copy of copies) classBytes += (await buildCorrectedCopyPdf(copy)).length;
  });

  const rows = [
    ['measure', 'figure'],
    ['one copy: pages / annotations / stroke points', `${PAGES} / ${ANNOTATIONS} / ${points}`],
    ['one copy: page images (JPEG)', `${(imageBytes / 1024).toFixed(0)} KiB`],
    ['one copy: first build (fonts read, code warm-up)', `${cold.toFixed(0)} ms`],
    [
      `one copy: median of ${RUNS} builds (min–max)`,
      `${median(runs).toFixed(0)} ms (${Math.min(...runs).toFixed(0)}–${Math.max(...runs).toFixed(0)})`,
    ],
    ['one copy: anonymous variant', `${anonymousMs.toFixed(0)} ms`],
    ['one copy: PDF size', `${(size / 1024).toFixed(0)} KiB (anonymous ${(anonymous.length / 1024).toFixed(0)} KiB)`],
    [`class of ${COPIES} copies, sequential`, `${(classMs / 1000).toFixed(2)} s (${(classMs / COPIES).toFixed(0)} ms/copy)`],
    ['class: total size', `${(classBytes / 1024 / 1024).toFixed(1)} MiB`],
    [`class bar ≤ ${CLASS_BAR_MS / 1000} s`, classMs <= CLASS_BAR_MS ? 'met' : 'MISSED'],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  console.log(rows.map((row) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`).join('\n'));
};

await main();
