import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createCanvas } from '@napi-rs/canvas';
import { PDFDocument } from 'pdf-lib';
import { RenderPool, headerRegion } from '#ocr';
import { sampleCpu } from './support/cpu-seconds.js';

/**
 * Scan rendering against poppler (DESIGN §7: upload → identified no slower than the native pipeline,
 * `pdftoppm` + `tesseract`). Generates a copier-like scan (one JPEG per A4 page) in a temporary folder,
 * removed at the end, and prints ms per page for the RenderPool (fast path and pdf.js only, WebP and
 * JPEG view images, every fourth page masked with its header cut out as the import does, header crops
 * at 300 dpi) next to `pdftoppm` at the same resolution, one process per core like the pool: wall time,
 * and CPU time (all threads of this process — workers, encoders, garbage collector — against the
 * pdftoppm processes), which a shared machine disturbs much less. Not part of `npm test`.
 *
 *   node --import ./tests/support/ts-loader.mjs tests/bench/render.bench.ts [--pages 20] [--scan-dpi 300] [--runs 3]
 */

const run = promisify(execFile);
const argument = (flag: string, fallback: number): number => {
  const at = process.argv.indexOf(flag);
  const value = at === -1 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} needs a positive number`);
  return value;
};
const PAGES = argument('--pages', 20);
const SCAN_DPI = argument('--scan-dpi', 300);
const CORES = availableParallelism();
const RUNS = argument('--runs', 3);

interface Figure {
  measure: string;
  korrigo: Timing;
  anchor: Timing;
}
/** Per page: wall and CPU milliseconds. */
interface Timing {
  wall: number;
  cpu: number;
}

const main = async (): Promise<void> => {
  const dir = await mkdtemp(path.join(tmpdir(), 'korrigo-render-bench-'));
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const file = path.join(dir, 'scan.pdf');
    await writeFile(file, await scanPdf(PAGES, SCAN_DPI));
    console.error(
      `${PAGES} pages, A4 RGB JPEG at ${SCAN_DPI} dpi, ${CORES} cores, load average ${loadavg()[0]!.toFixed(1)}; best of ${RUNS} runs`,
    );
    const poppler150 = await best(() => pdftoppm(file, dir, 150));
    const poppler300Header = await best(() => pdftoppm(file, dir, 300, 0.25));
    const figures: Figure[] = [];
    // As the import asks: the pages that may start a copy (one in four) masked, their header cut out.
    const masked = { region: headerRegion, pages: Array.from({ length: Math.ceil(PAGES / 4) }, (_, i) => 4 * i + 1) };
    for (const [label, options, mask] of [
      ['pages 150 dpi, fast path, JPEG (default)', { fastPath: true, viewFormat: 'jpeg' }, false],
      ['pages 150 dpi, fast path, JPEG, 1 in 4 masked + header crop', { fastPath: true, viewFormat: 'jpeg' }, true],
      ['pages 150 dpi, fast path, WebP', { fastPath: true, viewFormat: 'webp' }, false],
      ['pages 150 dpi, pdf.js only, JPEG', { fastPath: false, viewFormat: 'jpeg' }, false],
    ] as const) {
      const pool = new RenderPool({ ...options, size: CORES });
      const render = () => pool.renderPages(file, mask ? { masked } : {});
      try {
        const cold = await timed(render);
        figures.push({ measure: `${label}, workers starting`, korrigo: perPage(cold), anchor: poppler150 });
        figures.push({ measure: label, korrigo: perPage(await best(() => timed(render))), anchor: poppler150 });
      } finally {
        await pool.close();
      }
    }
    const pool = new RenderPool({ size: CORES });
    try {
      const requests = Array.from({ length: PAGES }, (_, i) => ({ page: i + 1, region: headerRegion }));
      await pool.renderRegions(file, requests.slice(0, CORES));
      const regions = await best(() => timed(() => pool.renderRegions(file, requests)));
      figures.push({ measure: 'header crops 300 dpi (grey PNG)', korrigo: perPage(regions), anchor: poppler300Header });
    } finally {
      await pool.close();
    }
    console.log(table(figures));
  } finally {
    await cleanup();
  }
};

/** Wall and CPU milliseconds of `work`: CPU of this process's threads, plus that of the child processes it waited for. */
const timed = async (work: () => Promise<unknown>): Promise<Timing> => {
  const before = sampleCpu();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  await work();
  const wall = performance.now() - start;
  const after = sampleCpu();
  const { user, system } = process.cpuUsage(cpuBefore);
  return { wall, cpu: (user + system) / 1000 + (before && after ? (after.children - before.children) * 1000 : 0) };
};

const perPage = ({ wall, cpu }: Timing): Timing => ({ wall: wall / PAGES, cpu: cpu / PAGES });

/** The machine may be shared: the least of a few runs is the closest to the cost of the work itself. */
const best = async (measure: () => Promise<Timing>): Promise<Timing> => {
  let least: Timing = { wall: Infinity, cpu: Infinity };
  for (let run = 0; run < RUNS; run++) {
    const timing = await measure();
    least = { wall: Math.min(least.wall, timing.wall), cpu: Math.min(least.cpu, timing.cpu) };
  }
  return least;
};

/** Per page, `pdftoppm` (PPM output), the pages split over one process per core; `share` crops the top of each page. */
const pdftoppm = async (file: string, dir: string, dpi: number, share?: number): Promise<Timing> => {
  const crop = share ? ['-x', '0', '-y', '0', '-W', String(Math.round(8.27 * dpi)), '-H', String(Math.round(11.69 * dpi * share))] : [];
  const chunk = Math.ceil(PAGES / CORES);
  return timed(() =>
    Promise.all(
      Array.from({ length: CORES }, (_, i) => {
        const [first, last] = [i * chunk + 1, Math.min(PAGES, (i + 1) * chunk)];
        return first > last
          ? null
          : run('pdftoppm', ['-r', String(dpi), '-f', String(first), '-l', String(last), ...crop, file, path.join(dir, `p${dpi}-${i}`)]);
      }),
    ),
  ).then(perPage);
};

/** A copier's scan: each page its own JPEG (no shared image for pdf.js to cache), text and pen strokes. */
const scanPdf = async (pages: number, dpi: number): Promise<Buffer> => {
  const doc = await PDFDocument.create();
  const [width, height] = [Math.round(8.27 * dpi), Math.round(11.69 * dpi)];
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  for (let page = 1; page <= pages; page++) {
    ctx.fillStyle = '#f3f2ee';
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = '#1c1c1c';
    ctx.font = `${Math.round(dpi / 6)}px sans-serif`;
    ctx.fillText(`Nom : Élève ${page}    Prénom : Camille    Classe : 1reB`, dpi / 2, dpi * 0.8);
    ctx.strokeStyle = '#1d2b6b';
    ctx.lineWidth = dpi / 150;
    for (let line = 0; line < 28; line++) {
      const y = dpi * 1.6 + line * dpi * 0.33;
      ctx.beginPath();
      ctx.moveTo(dpi / 2, y);
      for (let x = dpi / 2; x < width - dpi / 2; x += dpi / 12) ctx.lineTo(x, y + Math.sin(x * 0.05 + page + line) * dpi * 0.05);
      ctx.stroke();
    }
    const image = await doc.embedJpg(await canvas.encode('jpeg', 80));
    doc.addPage([595.28, 841.89]).drawImage(image, { x: 0, y: 0, width: 595.28, height: 841.89 });
  }
  return Buffer.from(await doc.save());
};

const table = (figures: readonly Figure[]): string => {
  const rows = [
    ['measure', 'korrigo ms/page', 'pdftoppm ms/page', 'ratio', 'korrigo CPU ms/page', 'pdftoppm CPU ms/page', 'CPU ratio'],
    ...figures.map(({ measure, korrigo, anchor }) => [
      measure,
      korrigo.wall.toFixed(1),
      anchor.wall.toFixed(1),
      `${(korrigo.wall / anchor.wall).toFixed(2)}×`,
      korrigo.cpu.toFixed(1),
      anchor.cpu.toFixed(1),
      `${(korrigo.cpu / anchor.cpu).toFixed(2)}×`,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`).join('\n');
};

await main();
