import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, newContext, signIn } from '../e2e/support/browser.js';
import { benchCopy } from './portal/bench-copy.js';
import { initialJs } from './portal/bundle-size.js';
import { type StrokeTiming, instrumentStrokes, timeStrokes } from './portal/stroke-timing.js';
import { startBenchApi } from './support/bench-api.js';
import { startBenchCluster } from './support/bench-cluster.js';

/**
 * `npm run bench:portal` (builds the portal, then runs
 * `node --import ./tests/support/ts-loader.mjs tests/bench/portal.bench.ts [--strokes N]`):
 * the correction workspace in Debian's Chromium against the real API (production settings) on an
 * embedded PostgreSQL cluster with its default, durable settings, as `npm start` runs it.
 *  - pointer-up of a pen stroke → its SVG element in the DOM (bar: p95 < 50 ms)
 *  - pointer-up → the save acknowledged: the addAnnotation response (bar: p95 < 200 ms), and the
 *    save status back to "Enregistré"
 *  - the JavaScript a first visit loads, gzipped (bar: ≤ 250 KB)
 * Progress goes to stderr, the figures to stdout.
 */

const BARS = { domMs: 50, ackMs: 200, initialKb: 250 };
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const parseStrokes = (argv: readonly string[]): number => {
  const at = argv.indexOf('--strokes');
  if (at < 0) return 50;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < 5) throw new Error('--strokes needs a whole number of at least 5');
  return value;
};

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

const row = (cells: readonly string[], widths: readonly number[]): string =>
  `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;

const table = (rows: readonly (readonly string[])[]): string => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((cells) => cells[i]!.length)));
  return [
    row(rows[0]!, widths),
    `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
    ...rows.slice(1).map((cells) => row(cells, widths)),
  ].join('\n');
};

const latencyRow = (measure: string, values: readonly number[], bar: number | null): string[] => {
  const [p50, p95, max] = [percentile(values, 50), percentile(values, 95), Math.max(...values)];
  return [
    measure,
    p50.toFixed(1),
    p95.toFixed(1),
    max.toFixed(1),
    bar === null ? '—' : `p95 < ${bar} ms`,
    bar === null ? '—' : p95 < bar ? 'yes' : 'NO',
  ];
};

const main = async (): Promise<void> => {
  const strokes = parseStrokes(process.argv.slice(2));
  const bundle = await initialJs(path.resolve('apps/portal/dist'));
  const cluster = await startBenchCluster(log);
  let browser: Browser | undefined;
  let close = async (): Promise<void> => undefined;
  try {
    log('starting the API (production settings) on the bench cluster…');
    const api = await startBenchApi(cluster, 20, { portal: true });
    close = api.close;
    const copy = await benchCopy(api);
    browser = await launchBrowser();
    const context = await newContext(browser, api.base);
    context.setDefaultTimeout(20_000);
    await instrumentStrokes(context);
    const page = await context.newPage();
    await signIn(page, 'correcteur', copy.teacher.email, copy.teacher.password);
    await page.goto(`/correcteur/copies/${copy.copyId}`);
    await page.locator('.copy-lock-banner[data-status="held"]').waitFor();
    await page.locator('.copy-page-viewer .page img').waitFor();
    // Two strokes first: the first draw pays for fonts, code paths and connections warming up.
    await timeStrokes(page, 2);
    log(`drawing ${strokes} strokes…`);
    const timings: StrokeTiming[] = await timeStrokes(page, strokes);
    const saved = await api.runtime.pool.query<{ count: string }>(`SELECT count(*) FROM copy_annotations WHERE copy_id = $1`, [
      copy.copyId,
    ]);

    const gzip = bundle.reduce((sum, file) => sum + file.gzipBytes, 0) / 1024;
    const raw = bundle.reduce((sum, file) => sum + file.bytes, 0) / 1024;
    process.stdout.write(
      [
        `Portal bench: ${strokes} pen strokes in the correction workspace, ${os.cpus().length} cores, ${browser.version()} (headless),`,
        `API in production settings on embedded PostgreSQL (durable defaults); ${saved.rows[0]?.count ?? '?'} annotations stored.`,
        '',
        table([
          ['from pointer-up to', 'p50 ms', 'p95 ms', 'max ms', 'bar', 'ok'],
          latencyRow(
            'stroke in the DOM',
            timings.map((t) => t.dom),
            BARS.domMs,
          ),
          latencyRow(
            'save acknowledged (response)',
            timings.map((t) => t.ack),
            BARS.ackMs,
          ),
          latencyRow(
            'status "Enregistré"',
            timings.map((t) => t.saved),
            null,
          ),
        ]),
        '',
        table([
          ['initial JS (index.html + preloads)', 'raw KB', 'gzip KB'],
          ...bundle.map((file) => [file.file, (file.bytes / 1024).toFixed(1), (file.gzipBytes / 1024).toFixed(1)]),
          [`total (bar: gzip ≤ ${BARS.initialKb} KB: ${gzip <= BARS.initialKb ? 'yes' : 'NO'})`, raw.toFixed(1), gzip.toFixed(1)],
        ]),
        '',
      ].join('\n'),
    );
  } finally {
    await browser?.close();
    await close();
    await cluster.close();
  }
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`portal bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
