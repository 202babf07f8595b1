import { parentPort } from 'node:worker_threads';
import { CorrectedCopyPdfError, type CorrectedCopyPdfInput, buildCorrectedCopyPdf } from './pdf/build-corrected-copy-pdf.js';

/**
 * A thread of the corrected-copy PDF pool (corrected-copy-pool.ts): runs the pure builder, one copy at
 * a time, so that its ~100 ms of synchronous pdf-lib work per variant never holds the API's event loop.
 * The page images arrive transferred; the PDF goes back transferred.
 */

export interface PdfWorkerRequest {
  readonly id: number;
  readonly input: CorrectedCopyPdfInput;
}

export type PdfWorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly id: number; readonly pdf: Uint8Array }
  /** `pageId`: a CorrectedCopyPdfError naming its page, rebuilt as one on the API's side. */
  | {
      readonly type: 'failed';
      readonly id: number;
      readonly message: string;
      readonly stack?: string;
      readonly pageId?: string;
      readonly pdfError: boolean;
    };

const port = parentPort;
if (port) {
  port.on('message', ({ id, input }: PdfWorkerRequest) => {
    buildCorrectedCopyPdf(input).then(
      // Its buffer is this build's alone: moved whole, the view keeps its offset.
      (pdf) => port.postMessage({ type: 'done', id, pdf } satisfies PdfWorkerReply, pdf.buffer instanceof ArrayBuffer ? [pdf.buffer] : []),
      (error: unknown) => {
        const known = error instanceof CorrectedCopyPdfError;
        const reply: PdfWorkerReply = {
          type: 'failed',
          id,
          message: error instanceof Error ? error.message : String(error),
          ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
          ...(known && error.pageId !== undefined ? { pageId: error.pageId } : {}),
          pdfError: known,
        };
        port.postMessage(reply);
      },
    );
  });
  port.postMessage({ type: 'ready' } satisfies PdfWorkerReply);
}
