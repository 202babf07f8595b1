import { type ScanPage, type ScanState, copyFirstPages } from '#domain';
import type { HeaderReader, RenderedPage } from '#ocr';
import { type ScanRun, VIEW_DPI } from './pipeline-context.js';
import { metrics } from '../../metrics/metrics.js';

/** Pages per PagesRendered: the progress step, and about this much rendering is redone after a crash. */
export const RENDER_CHUNK = 8;
/**
 * Pages per render job. Each job opens the PDF once in every worker (a few hundred milliseconds of CPU
 * for a class scan, pdf.js and pdf-lib parsing it), and holds its rendered pages until it ends: large
 * windows, two at a time, keep the workers busy without holding a thousand-page scan in memory, and a
 * class scan (35 copies × 4 pages) is one job, its file opened once per worker.
 */
const WINDOW = 200;

/**
 * Renders the pages the scan's stream does not have yet (all of them on a first run, the rest after
 * a crash) in a few large jobs, so that the render workers never wait for the bookkeeping: each view
 * image goes to the blob store as it arrives, with a masked twin for the pages that start a copy —
 * whose header OCR starts at once, on a crop of the same decoded image — and the pages are recorded
 * every RENDER_CHUNK, in the order they finish.
 */
export const renderPages = async (run: ScanRun, scan: ScanState): Promise<void> => {
  run.stage = 'rendering';
  const firstPages = new Set(copyFirstPages(scan));
  // Copies' first pages first: their header OCR then runs alongside the rest of the rendering, and is
  // done when the last page is, rather than read after it.
  const missing = Array.from({ length: scan.pageCount }, (_, i) => i + 1)
    .filter((n) => !Object.hasOwn(scan.pages, String(n)))
    .sort((a, b) => Number(firstPages.has(b)) - Number(firstPages.has(a)) || a - b);
  // The workers start while the scan's PDF is copied out of the blob store.
  if (missing.length > 0) run.engines.renderPool().warmUp();
  const file = await run.file.path();
  const reader = run.engines.headerReader();
  let pending: ScanPage[] = [];
  let recorded = Promise.resolve();
  // One append at a time, each at the revision the previous one left.
  const flush = (): void => {
    const pages = pending;
    pending = [];
    if (pages.length === 0) return;
    recorded = recorded.then(() => run.record({ type: 'RecordRenderedPages', data: { pages } }).then(() => undefined));
    // Awaited below; a render failure first must not leave it unhandled.
    recorded.catch(() => undefined);
  };
  // A job that fails stops the other one: the run is over.
  const stop = new AbortController();
  const signal = AbortSignal.any([run.signal, stop.signal]);
  const render = (pages: number[]) =>
    run.engines.renderPool().renderPages(file, {
      pages,
      dpi: VIEW_DPI,
      signal,
      // Masked and cropped in the worker, from the pixels it drew: no second decode here.
      masked: { region: run.headerRegion, pages: firstPages },
      onPage: async (page) => {
        const kept = await keepPage(run, page, firstPages.has(page.number) ? reader : null);
        // `pending` read after the await: a flush meanwhile gave the previous batch away.
        pending.push(kept);
        metrics.pagesRendered.inc({});
        if (pending.length >= RENDER_CHUNK) flush();
      },
    });
  const windows = Math.ceil(missing.length / WINDOW);
  const size = Math.ceil(missing.length / Math.max(1, windows));
  const jobs = Array.from({ length: windows }, (_, i) => missing.slice(i * size, (i + 1) * size));
  const lane = async (first: number): Promise<void> => {
    for (let i = first; i < jobs.length; i += 2) {
      try {
        await render(jobs[i]!);
      } catch (error) {
        stop.abort(error);
        throw error;
      }
    }
  };
  await Promise.all([lane(0), lane(1)]);
  flush();
  await recorded;
};

/** Stores a rendered page; a copy's first page is also masked, and its header handed to `reader` at once. */
const keepPage = async (run: ScanRun, page: RenderedPage, reader: HeaderReader | null): Promise<ScanPage> => {
  const { image } = page;
  const view = await run.runtime.blobs.put(image.bytes);
  const kept: ScanPage = {
    number: page.number,
    imageBlobKey: view.key,
    width: image.width,
    height: image.height,
    inkRatio: clamp(page.inkRatio),
    ...(page.headerInkRatio === undefined ? {} : { headerInkRatio: clamp(page.headerInkRatio) }),
  };
  if (!reader) return kept;
  // The pool masks and crops every page named in `masked` from the pixels it drew (render-worker.ts).
  if (!page.maskedImage || !page.headerCrop) throw new Error(`the render pool sent page ${page.number} without its masked twin`);
  run.headers.start(view.key, page.headerCrop, reader);
  return { ...kept, maskedImageBlobKey: (await run.runtime.blobs.put(page.maskedImage)).key };
};

const clamp = (ratio: number): number => Math.min(1, Math.max(0, Number.isFinite(ratio) ? ratio : 0));
