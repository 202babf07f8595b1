import { buffer } from 'node:stream/consumers';
import type { ScanCopy, ScanPage, ScanState } from '#domain';
import { maskHeader, splitCopies } from '#ocr';
import { scanCopyId, scanPageId } from '../scan-ids.js';
import type { ScanRun } from './pipeline-context.js';

/**
 * Cuts the rendered pages into copies (fixed pages per copy; the split flags what looks wrong and
 * never guesses) and records the copies with ids derived from the scan, so that a resumed run
 * imports the very same copies.
 */
export const splitScan = async (run: ScanRun, scan: ScanState): Promise<void> => {
  run.stage = 'splitting';
  const pages = Object.values(scan.pages).sort((a, b) => a.number - b.number);
  const { copies, warnings } = splitCopies(
    pages.map(({ number, inkRatio, headerInkRatio }) => ({
      number,
      inkRatio,
      ...(headerInkRatio === undefined ? {} : { headerInkRatio }),
    })),
    scan.pagesPerCopy,
  );
  const byNumber = new Map(pages.map((page) => [page.number, page]));
  const scanCopies: ScanCopy[] = [];
  for (const [index, copy] of copies.entries()) {
    const copyPages = [];
    for (const [position, number] of copy.pages.entries()) {
      const page = byNumber.get(number);
      if (!page) throw new Error(`the split names page ${number}, which was not rendered`);
      const masked = position === 0 ? await maskedKey(run, page) : undefined;
      copyPages.push({
        pageId: scanPageId(run.scanId, number),
        number,
        imageBlobKey: page.imageBlobKey,
        ...(masked ? { maskedImageBlobKey: masked } : {}),
      });
    }
    scanCopies.push({ copyId: scanCopyId(run.scanId, index), pages: copyPages, flags: [...copy.flags] });
  }
  await run.record({ type: 'SplitScan', data: { copies: scanCopies, warnings } });
};

/** Made while rendering for the pages expected to start a copy; made here for any other first page. */
const maskedKey = async (run: ScanRun, page: ScanPage): Promise<string> => {
  if (page.maskedImageBlobKey) return page.maskedImageBlobKey;
  const blob = await run.runtime.blobs.get(page.imageBlobKey);
  if (!blob) throw new Error(`the image of page ${page.number} (blob ${page.imageBlobKey}) is missing from the blob store`);
  const bytes = await buffer(blob.stream);
  const mime = bytes.subarray(8, 12).toString('latin1') === 'WEBP' ? 'image/webp' : 'image/jpeg';
  return (await run.runtime.blobs.put(await maskHeader(bytes, mime, run.headerRegion))).key;
};
