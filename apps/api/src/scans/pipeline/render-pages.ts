import { type ScanPage, type ScanState, copyFirstPages } from '#domain';
import type { RenderedPage } from '#ocr';
import { maskHeader } from './header-mask.js';
import { type ScanRun, VIEW_DPI } from './pipeline-context.js';

/** Pages per PagesRendered: the progress step, and at most this much rendering is redone after a crash. */
export const RENDER_CHUNK = 8;

/**
 * Renders the pages the scan's stream does not have yet (all of them on a first run, the rest after
 * a crash): each view image goes to the blob store, with a masked twin for the pages that start a
 * copy, and every RENDER_CHUNK pages are recorded at once.
 */
export const renderPages = async (run: ScanRun, scan: ScanState): Promise<void> => {
  run.stage = 'rendering';
  const missing = Array.from({ length: scan.pageCount }, (_, i) => i + 1).filter((n) => !Object.hasOwn(scan.pages, String(n)));
  const firstPages = new Set(copyFirstPages(scan));
  const file = await run.file.path();
  for (let start = 0; start < missing.length; start += RENDER_CHUNK) {
    run.signal.throwIfAborted();
    const chunk = missing.slice(start, start + RENDER_CHUNK);
    const rendered = await run.engines.renderPool().renderPages(file, { pages: chunk, dpi: VIEW_DPI, signal: run.signal });
    const pages: ScanPage[] = [];
    for (const page of rendered.sort((a, b) => a.number - b.number)) pages.push(await keepPage(run, page, firstPages.has(page.number)));
    await run.record({ type: 'RecordRenderedPages', data: { pages } });
  }
};

const keepPage = async (run: ScanRun, page: RenderedPage, startsCopy: boolean): Promise<ScanPage> => {
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
  if (!startsCopy) return kept;
  const masked = await maskHeader(image.bytes, image.mime);
  const stored = await run.runtime.blobs.put(masked.bytes);
  return { ...kept, maskedImageBlobKey: stored.key, headerInkRatio: kept.headerInkRatio ?? clamp(masked.headerInkRatio) };
};

const clamp = (ratio: number): number => Math.min(1, Math.max(0, Number.isFinite(ratio) ? ratio : 0));
