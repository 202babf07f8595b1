import { open, stat } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { type ScanLimits, ScanRejectedError, rejection, scanLimits } from './pdf-limits.js';
import { startRenderWorker } from './render-pool.js';
import type { WorkerReply, WorkerRequest } from './render-worker.js';

/**
 * Cheap structural checks of an uploaded scan before anything is imported (DESIGN §7): size and
 * magic bytes here, from a few kilobytes of the file; then, in a throwaway worker thread with a time
 * and memory budget (a hostile file must not stall or exhaust the API process), pdf.js opens it and
 * every page's size, the encryption, the page count and active content are checked.
 */
export interface PdfInspection {
  pageCount: number;
  pages: { number: number; widthMm: number; heightMm: number }[];
}

const END_WINDOW = 2048;
const HEADER_WINDOW = 1024;

export async function inspectPdf(file: string, limits: Partial<ScanLimits> = {}): Promise<PdfInspection> {
  const settings = scanLimits(limits);
  const { size } = await stat(file);
  if (size === 0) throw rejection.empty();
  if (size > settings.maxBytes) throw rejection.tooLarge(size, settings.maxBytes);
  const { head, tail } = await readEnds(file, size);
  const other = otherFormat(head);
  if (other) throw rejection.notPdf(other);
  if (head.indexOf('%PDF-') === -1) throw rejection.notPdf();
  if (tail.lastIndexOf('%%EOF') === -1) throw rejection.truncated();
  return inWorker(file, settings);
}

async function readEnds(file: string, size: number): Promise<{ head: Buffer; tail: Buffer }> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, HEADER_WINDOW));
    const tail = Buffer.alloc(Math.min(size, END_WINDOW));
    await handle.read(head, 0, head.length, 0);
    await handle.read(tail, 0, tail.length, size - tail.length);
    return { head, tail };
  } finally {
    await handle.close();
  }
}

/** What people send instead of a PDF, named in the refusal so they know what to look for. */
function otherFormat(head: Buffer): string | null {
  const starts = (hex: string): boolean => head.subarray(0, hex.length / 2).equals(Buffer.from(hex, 'hex'));
  if (starts('89504e47')) return 'une image PNG';
  if (starts('ffd8ff')) return 'une image JPEG';
  if (starts('49492a00') || starts('4d4d002a')) return 'une image TIFF';
  if (starts('47494638')) return 'une image GIF';
  if (starts('504b0304') || starts('504b0506')) return 'une archive ZIP ou un document Office';
  if (starts('d0cf11e0')) return 'un document Office';
  if (/^\s*<(!doctype|html|\?xml)/i.test(head.subarray(0, 64).toString('latin1'))) return 'une page web';
  return null;
}

function inWorker(file: string, limits: ScanLimits): Promise<PdfInspection> {
  const worker = startRenderWorker(limits, { fastPath: false });
  return new Promise<PdfInspection>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') {
        // The budget is the file's, not the thread's start-up.
        timer = setTimeout(
          () => reject(rejection.tooComplex(new Error(`inspection took over ${limits.renderTimeoutMs} ms`))),
          limits.renderTimeoutMs,
        );
        worker.postMessage({ type: 'inspect', id: 1, file, limits } satisfies WorkerRequest);
      } else if (reply.type === 'done') resolve(reply.result as PdfInspection);
      else if (reply.rejection) reject(new ScanRejectedError(reply.rejection.code, reply.rejection.reason, { page: reply.rejection.page }));
      else reject(new Error(`PDF inspection failed: ${reply.error ?? reply.range}`));
      if (reply.type !== 'ready') clearTimeout(timer);
    });
    worker.on('error', (error) => {
      clearTimeout(timer);
      reject(rejection.tooComplex(error));
    });
    worker.on('exit', (code) => {
      clearTimeout(timer);
      reject(rejection.tooComplex(new Error(`inspection worker exited with code ${code}`)));
    });
  }).finally(() => void worker.terminate());
}

// ---------------------------------------------------------------------------------------------
// In the worker: the checks on the document pdf.js opened.
// ---------------------------------------------------------------------------------------------

const MM_PER_POINT = 25.4 / 72;

export async function inspectDocument(
  pdf: PDFDocumentProxy,
  limits: ScanLimits,
  scanBytes: () => 'script' | 'attachment' | null,
): Promise<PdfInspection> {
  const { info } = (await pdf.getMetadata()) as { info: { EncryptFilterName?: string | null; IsXFAPresent?: boolean } };
  if (info.EncryptFilterName) throw rejection.encrypted();
  if (info.IsXFAPresent || (await pdf.getJSActions())) throw rejection.activeContent('script');
  if (await pdf.getAttachments()) throw rejection.activeContent('attachment');
  const found = scanBytes();
  if (found) throw rejection.activeContent(found);
  if (pdf.numPages === 0) throw rejection.noPages();
  if (pdf.numPages > limits.maxPages) throw rejection.tooManyPages(pdf.numPages, limits.maxPages);
  const pages: PdfInspection['pages'] = [];
  for (let number = 1; number <= pdf.numPages; number++) {
    const page = await pdf.getPage(number).catch((error: unknown) => {
      throw error instanceof RangeError ? rejection.tooComplex(error) : rejection.corruptPage(number, error);
    });
    const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = page.view;
    const across = Math.abs(x1 - x0) * page.userUnit * MM_PER_POINT;
    const down = Math.abs(y1 - y0) * page.userUnit * MM_PER_POINT;
    const [widthMm, heightMm] = page.rotate % 180 === 0 ? [across, down] : [down, across];
    if (!(widthMm > 0 && heightMm > 0)) throw rejection.corruptPage(number);
    if (Math.max(widthMm, heightMm) > limits.maxPageSizeMm) throw rejection.pageTooLarge(number, widthMm, heightMm, limits.maxPageSizeMm);
    pages.push({ number, widthMm: Math.round(widthMm * 10) / 10, heightMm: Math.round(heightMm * 10) / 10 });
    page.cleanup();
  }
  return { pageCount: pdf.numPages, pages };
}

/**
 * pdf.js reports document-level scripts and attachments, not links that launch programs or scripts
 * on pages and annotations: every name token outside streams is checked too, `#xx` escapes decoded,
 * object streams (where objects hide compressed) inflated. Stream data is skipped: a scan's image
 * bytes would match by chance.
 */
const ACTIVE_NAMES = new Map<string, 'script' | 'attachment'>([
  ['JavaScript', 'script'],
  ['JS', 'script'],
  ['Launch', 'script'],
  ['RichMedia', 'script'],
  ['EmbeddedFile', 'attachment'],
  ['EmbeddedFiles', 'attachment'],
  ['EF', 'attachment'],
]);
const MAX_OBJECT_STREAM_BYTES = 64 * 1024 * 1024;

export function findActiveContent(bytes: Buffer): 'script' | 'attachment' | null {
  let at = 0;
  while (at < bytes.length) {
    const streamAt = nextStreamKeyword(bytes, at);
    const found = activeName(bytes, at, streamAt === -1 ? bytes.length : streamAt);
    if (found || streamAt === -1) return found;
    const dataAt = streamAt + (bytes[streamAt + 6] === 0x0d ? 8 : 7);
    const endAt = bytes.indexOf('endstream', dataAt, 'latin1');
    if (endAt === -1) return null;
    const dict = bytes.subarray(bytes.lastIndexOf(' obj', streamAt, 'latin1') + 1, streamAt).toString('latin1');
    if (/\/Type\s*\/ObjStm/.test(dict) && /\/FlateDecode/.test(dict)) {
      const objects = inflate(bytes.subarray(dataAt, endAt));
      const inner = objects && activeName(objects, 0, objects.length);
      if (inner) return inner;
    }
    at = endAt + 'endstream'.length;
  }
  return null;
}

/** A `stream` keyword that opens stream data: after a dictionary's `>>`, before an end of line. */
function nextStreamKeyword(bytes: Buffer, from: number): number {
  for (let at = bytes.indexOf('stream', from, 'latin1'); at !== -1; at = bytes.indexOf('stream', at + 6, 'latin1')) {
    let before = at - 1;
    while (before > 0 && isWhitespace(bytes[before]!)) before--;
    const after = bytes[at + 6];
    if (bytes[before] === 0x3e && bytes[before - 1] === 0x3e && (after === 0x0a || after === 0x0d)) return at;
  }
  return -1;
}

function activeName(bytes: Buffer, from: number, to: number): 'script' | 'attachment' | null {
  for (let at = bytes.indexOf(0x2f, from); at !== -1 && at < to; at = bytes.indexOf(0x2f, at + 1)) {
    let end = at + 1;
    while (end < to && isRegular(bytes[end]!)) end++;
    const name = bytes
      .subarray(at + 1, end)
      .toString('latin1')
      .replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    const found = ACTIVE_NAMES.get(name);
    if (found) return found;
  }
  return null;
}

function inflate(data: Buffer): Buffer | null {
  try {
    return inflateSync(data, { maxOutputLength: MAX_OBJECT_STREAM_BYTES });
  } catch {
    return null;
  }
}

const isWhitespace = (byte: number): boolean =>
  byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09 || byte === 0x0c || byte === 0x00;
/** Not whitespace and not one of the delimiters ( ) < > [ ] { } / %. */
const isRegular = (byte: number): boolean => !isWhitespace(byte) && !'()<>[]{}/%'.includes(String.fromCharCode(byte));
