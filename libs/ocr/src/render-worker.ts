import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { Canvas, Image as CanvasImage, SKRSContext2D } from '@napi-rs/canvas';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy, PDFPageProxy, PageViewport } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { findActiveContent, inspectDocument, type PdfInspection } from './inspect-pdf.js';
import { greyPng, inkRatios, regionRect } from './page-pixels.js';
import { type ScanLimits, ScanRejectedError, maxImagePixels, rejection } from './pdf-limits.js';
import type { PageRegion } from './render-pool.js';
import { HEADER_QUALITY, MASKED_QUALITY, encodeCanvas } from './encode-canvas.js';
import type { ScanImage } from './scan-image.js';

/**
 * A render worker thread (DESIGN §7): pdf.js (legacy build, no eval, no font faces, no system fonts)
 * and @napi-rs/canvas, one task at a time, told what to do by render-pool.ts and inspect-pdf.ts.
 * Each file is opened once per job and kept until the pool closes the job. Nothing is written to disk.
 *
 * pdf.js does not fail a page whose content it could not read: it draws what it could and logs a
 * warning. A page with a missing image is lost work here, so the warnings pdf.js prints while drawing
 * a page are collected and those meaning "content dropped" refuse the page.
 */

export type WorkerRequest =
  | { type: 'inspect'; id: number; file: string; limits: ScanLimits }
  | { type: 'count'; id: number; job: string; file: string; settings: RenderSettings }
  | {
      type: 'render';
      id: number;
      job: string;
      file: string;
      settings: RenderSettings;
      page: number;
      dpi: number;
      region?: PageRegion;
      /** The exam's header region, for a page that may start a copy: the masked twin and the header crop come back too. */
      mask?: PageRegion;
    }
  | { type: 'close'; job: string };

export interface RenderSettings {
  limits: ScanLimits;
  fastPath: boolean;
  viewFormat: 'webp' | 'jpeg';
}

export type RenderOutput =
  | {
      kind: 'page';
      number: number;
      bytes: Uint8Array;
      mime: 'image/webp' | 'image/jpeg';
      width: number;
      height: number;
      inkRatio: number;
      headerInkRatio: number;
      /** With `mask`: the view with its header region painted white, in the view's format. */
      maskedBytes?: Uint8Array;
      /** With `mask`: the header region itself (JPEG), what OCR reads. */
      headerCrop?: Uint8Array;
    }
  | { kind: 'region'; number: number; bytes: Uint8Array; width: number; height: number };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'done'; id: number; result: PdfInspection | RenderOutput | number }
  | {
      type: 'failed';
      id: number;
      rejection?: { code: ScanRejectedError['code']; reason: string; page?: number };
      range?: string;
      error?: string;
    };

const PDFJS_ROOT = path.dirname(fileURLToPath(import.meta.resolve('pdfjs-dist/package.json')));
/** The @napi-rs/canvas pdf.js loads (it may be its own nested copy): images and canvases must come from one copy. */
const canvasModule = createRequire(import.meta.resolve('pdfjs-dist/legacy/build/pdf.mjs'))(
  '@napi-rs/canvas',
) as typeof import('@napi-rs/canvas');

const isRenderWorker = (workerData as { korrigoRenderWorker?: boolean } | null)?.korrigoRenderWorker === true;
/** Loaded before the worker says it is ready, so no page's time budget pays for it; inspection does without. */
const scanImages = isRenderWorker && (workerData as { fastPath?: boolean }).fastPath ? await import('./scan-image.js') : null;

const VIEW_QUALITY = 80;

export async function openPdf(bytes: Uint8Array, options: { render: boolean; limits: ScanLimits }): Promise<PDFDocumentProxy> {
  return pdfjs.getDocument({
    data: new Uint8Array(bytes),
    standardFontDataUrl: `${PDFJS_ROOT}/standard_fonts/`,
    cMapUrl: `${PDFJS_ROOT}/cmaps/`,
    cMapPacked: true,
    wasmUrl: `${PDFJS_ROOT}/wasm/`,
    iccUrl: `${PDFJS_ROOT}/iccs/`,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    maxImageSize: maxImagePixels(options.limits),
    verbosity: options.render ? pdfjs.VerbosityLevel.WARNINGS : pdfjs.VerbosityLevel.ERRORS,
  }).promise;
}

// ---------------------------------------------------------------------------------------------
// pdf.js warnings, per task.
// ---------------------------------------------------------------------------------------------

let warnings: string[] | null = null;
if (isRenderWorker) {
  // pdf.js prints its warnings with console.warn; they are evidence here, not log lines.
  const print = console.warn.bind(console);
  console.warn = (...args: unknown[]): void => {
    const [first] = args;
    if (typeof first === 'string' && first.startsWith('Warning: ')) warnings?.push(first.slice('Warning: '.length));
    else print(...args);
  };
}

/** pdf.js warnings that mean part of the page was not drawn (decoder fallbacks and font substitutions are not). */
const DROPPED_CONTENT =
  /^(Invalid stream|JpegImage|decodeScan|Unable to decode image|getOperatorList - ignoring (errors|XObject|operator)|getContentStream - ignoring|Filter ".*" is not supported|Image dimensions are missing|Bits per component|.*-- (attempting to re-parse|ignoring the rest of) the JPEG)/;

function refusalFromWarnings(page: number, collected: readonly string[]): ScanRejectedError | null {
  if (collected.some((w) => w.startsWith('Image exceeded maximum allowed size')))
    return rejection.renderMemory(page, new Error(collected.join('\n')));
  const dropped = collected.filter((w) => DROPPED_CONTENT.test(w));
  return dropped.length ? rejection.corruptPage(page, new Error(dropped.join('\n'))) : null;
}

// ---------------------------------------------------------------------------------------------
// Open files, by job.
// ---------------------------------------------------------------------------------------------

interface OpenFile {
  pdf: PDFDocumentProxy;
  /** pdf-lib's parse of the same bytes, for the fast path; null when it cannot parse them. */
  structure: ReturnType<NonNullable<typeof scanImages>['loadStructure']> | null;
}

const files = new Map<string, Promise<OpenFile>>();

function openForJob(job: string, file: string, settings: RenderSettings): Promise<OpenFile> {
  let open = files.get(job);
  if (!open) {
    open = readFile(file).then(async (bytes) => ({
      pdf: await openPdf(bytes, { render: true, limits: settings.limits }),
      structure: settings.fastPath && scanImages ? scanImages.loadStructure(bytes) : null,
    }));
    files.set(job, open);
  }
  return open;
}

async function closeJob(job: string): Promise<void> {
  const open = files.get(job);
  files.delete(job);
  // An idle worker holds no page: the canvases and the last decoded scan image go with the last job.
  if (files.size === 0) forgetKeptPixels();
  await open?.then((f) => f.pdf.destroy()).catch(() => undefined);
}

// ---------------------------------------------------------------------------------------------
// Drawing a page, or a region of it.
// ---------------------------------------------------------------------------------------------

interface CanvasAndContext {
  canvas: Canvas;
  context: SKRSContext2D;
}
const canvasFactory = (pdf: PDFDocumentProxy) => pdf.canvasFactory as { create(width: number, height: number): CanvasAndContext };

async function render(open: OpenFile, request: Extract<WorkerRequest, { type: 'render' }>): Promise<RenderOutput> {
  const { limits } = request.settings;
  const region = request.region ?? { x: 0, y: 0, width: 1, height: 1 };
  const page = await open.pdf.getPage(request.page);
  try {
    const full = page.getViewport({ scale: request.dpi / 72 });
    const width = Math.max(1, Math.round(full.width * region.width));
    const height = Math.max(1, Math.round(full.height * region.height));
    if (width * height > limits.maxPagePixels)
      throw rejection.pageTooManyPixels(request.page, (width * height) / 1e6, limits.maxPagePixels / 1e6);
    const viewport = page.getViewport({ scale: request.dpi / 72, offsetX: -region.x * full.width, offsetY: -region.y * full.height });
    const scan = await scanImageOf(open, page, limits);
    const kind = request.region ? 'region' : 'page';
    let drawn = scan ? await drawScanImage(scan, keptCanvas(open.pdf, kind, width, height), viewport) : null;
    if (!drawn) {
      drawn = canvasFactory(open.pdf).create(width, height);
      await drawWithPdfjs(page, drawn.canvas, drawn.context, viewport, request.page);
    }
    const { canvas, context } = drawn;
    if (request.region)
      return {
        kind: 'region',
        number: request.page,
        bytes: greyPng(context.getImageData(0, 0, width, height).data, width, height),
        width,
        height,
      };
    const format = request.settings.viewFormat;
    const ink = measureInk(open.pdf, canvas);
    const bytes = await encodeCanvas(canvas, format, VIEW_QUALITY);
    const masked = request.mask ? await maskAndCrop(open.pdf, canvas, request.mask, format) : {};
    return { kind: 'page', number: request.page, bytes, mime: `image/${format}`, width, height, ...ink, ...masked };
  } finally {
    page.cleanup();
  }
}

async function scanImageOf(open: OpenFile, page: PDFPageProxy, limits: ScanLimits): Promise<ScanImage | null> {
  const structure = await open.structure;
  if (!structure || !page.ref || !scanImages) return null;
  try {
    return scanImages.findScanImage(structure, page.pageNumber - 1, page.ref, maxImagePixels(limits));
  } catch {
    return null; // pdf-lib could not follow something pdf.js can: pdf.js draws the page.
  }
}

async function drawWithPdfjs(
  page: PDFPageProxy,
  canvas: Canvas,
  context: SKRSContext2D,
  viewport: PageViewport,
  number: number,
): Promise<void> {
  warnings = [];
  try {
    // pdf.js types its canvas as the DOM's; in Node it draws on the @napi-rs/canvas its own factory made.
    type DomCanvas = Parameters<PDFPageProxy['render']>[0]['canvas'];
    type DomContext = Parameters<PDFPageProxy['render']>[0]['canvasContext'];
    const params = { canvas: canvas as unknown as DomCanvas, canvasContext: context as unknown as DomContext };
    await page.render({ ...params, viewport, annotationMode: pdfjs.AnnotationMode.ENABLE }).promise;
    const refusal = refusalFromWarnings(number, warnings);
    if (refusal) throw refusal;
  } finally {
    warnings = null;
  }
}

/**
 * The fast path: Skia decodes the JPEG natively (libjpeg-turbo) and draws it where pdf.js would, through
 * the same viewport, on `target`; null (nothing drawn) when the JPEG does not decode to its declared size.
 */
async function drawScanImage(scan: ScanImage, target: CanvasAndContext, viewport: PageViewport): Promise<CanvasAndContext | null> {
  const image = await decodeImage(scan.jpeg).catch(() => null);
  if (!image || image.width !== scan.width || image.height !== scan.height) return null;
  const { context } = target;
  context.save();
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, context.canvas.width, context.canvas.height);
  context.imageSmoothingEnabled = true;
  // Mipmapped bilinear: within a few grey levels of pdf.js's own downscaling (see the spec), a quarter of bicubic's cost.
  context.imageSmoothingQuality = 'medium';
  context.setTransform(...(viewport.transform as [number, number, number, number, number, number]));
  context.transform(...scan.matrix);
  // Image space: the first row is the top of the unit square (y = 1).
  context.transform(1 / scan.width, 0, 0, -1 / scan.height, 0, 1);
  context.drawImage(image, 0, 0);
  context.restore();
  return target;
}

/**
 * The fast path's canvases and decoded image are kept from one page to the next (a worker draws one
 * page at a time, and a scan's pages share a size): new ones for every page made V8 collect garbage on
 * every page under their native memory's pressure, each time a full mark of pdf.js's heap.
 * pdf.js, which may stop halfway through a page, always draws on a new canvas.
 */
const kept = new Map<'page' | 'region' | 'ink' | 'crop', CanvasAndContext>();

function keptCanvas(pdf: PDFDocumentProxy, role: 'page' | 'region' | 'ink' | 'crop', width: number, height: number): CanvasAndContext {
  const found = kept.get(role);
  if (found && found.canvas.width === width && found.canvas.height === height) return found;
  const made = canvasFactory(pdf).create(width, height);
  kept.set(role, made);
  return made;
}

let keptImage: CanvasImage | null = null;

function forgetKeptPixels(): void {
  kept.clear();
  keptImage = null;
}

const decodeImage = async (bytes: Uint8Array): Promise<CanvasImage> => {
  const image = keptImage ?? new canvasModule.Image();
  keptImage = null; // an image whose decoding failed is not reused
  await new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = reject;
    image.src = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  });
  keptImage = image;
  return image;
};

/** Ink is measured on a half-size copy (75 dpi for a view): averaging keeps thin pen strokes, at a quarter of the pixels. */
function measureInk(pdf: PDFDocumentProxy, canvas: Canvas): { inkRatio: number; headerInkRatio: number } {
  const width = Math.max(1, Math.round(canvas.width / 2));
  const height = Math.max(1, Math.round(canvas.height / 2));
  const small = keptCanvas(pdf, 'ink', width, height);
  small.context.clearRect(0, 0, width, height);
  small.context.imageSmoothingEnabled = true;
  small.context.drawImage(canvas, 0, 0, width, height);
  return inkRatios(small.context.getImageData(0, 0, width, height).data, width, height);
}

/**
 * A copy's first page, from the pixels already drawn (no second decode on the main thread): the header
 * region is cut out for OCR, then painted white on the view canvas (its view is already encoded).
 * The rectangle is regionRect's, as in maskHeader (mask-header.ts), so either path masks the same pixels.
 */
async function maskAndCrop(
  pdf: PDFDocumentProxy,
  canvas: Canvas,
  header: PageRegion,
  format: 'webp' | 'jpeg',
): Promise<{ maskedBytes: Uint8Array; headerCrop: Uint8Array }> {
  const { x, y, width, height } = regionRect(header, canvas.width, canvas.height);
  const crop = keptCanvas(pdf, 'crop', width, height);
  crop.context.clearRect(0, 0, width, height);
  crop.context.drawImage(canvas, x, y, width, height, 0, 0, width, height);
  const headerCrop = encodeCanvas(crop.canvas, 'jpeg', HEADER_QUALITY);
  const context = canvas.getContext('2d');
  context.save();
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.fillStyle = '#ffffff';
  context.fillRect(x, y, width, height);
  context.restore();
  const maskedBytes = encodeCanvas(canvas, format, MASKED_QUALITY[format]);
  return { maskedBytes: await maskedBytes, headerCrop: await headerCrop };
}

// ---------------------------------------------------------------------------------------------
// Inspection, and the message loop.
// ---------------------------------------------------------------------------------------------

async function inspect(file: string, limits: ScanLimits): Promise<PdfInspection> {
  const bytes = await readFile(file);
  const pdf = await openPdf(bytes, { render: false, limits }).catch((error: unknown) => {
    throw openFailure(error);
  });
  try {
    return await inspectDocument(pdf, limits, () => findActiveContent(bytes));
  } finally {
    await pdf.destroy();
  }
}

function openFailure(error: unknown): ScanRejectedError {
  if (error instanceof ScanRejectedError) return error;
  const { name, message } = error instanceof Error ? error : { name: '', message: String(error) };
  if (name === 'PasswordException') return rejection.passwordProtected();
  if (/encrypt/i.test(message)) return rejection.encrypted();
  if (/call stack|too much recursion/i.test(message)) return rejection.tooComplex(error);
  return rejection.corrupt(error);
}

function failure(error: unknown, page?: number): Extract<WorkerReply, { type: 'failed' }> {
  const refusal =
    error instanceof ScanRejectedError
      ? error
      : page === undefined
        ? openFailure(error)
        : error instanceof RangeError && /allocation|array length|memory/i.test(error.message)
          ? rejection.renderMemory(page, error)
          : rejection.corruptPage(page, error);
  return {
    type: 'failed',
    id: -1,
    rejection: { code: refusal.code, reason: refusal.reason, ...(refusal.page === undefined ? {} : { page: refusal.page }) },
  };
}

async function handle(request: Exclude<WorkerRequest, { type: 'close' }>): Promise<WorkerReply> {
  try {
    if (request.type === 'inspect') return { type: 'done', id: request.id, result: await inspect(request.file, request.limits) };
    const open = await openForJob(request.job, request.file, request.settings).catch((error: unknown) => {
      throw openFailure(error);
    });
    if (request.type === 'count') return { type: 'done', id: request.id, result: open.pdf.numPages };
    if (request.page > open.pdf.numPages) return { type: 'failed', id: request.id, range: `page ${request.page} of ${open.pdf.numPages}` };
    return { type: 'done', id: request.id, result: await render(open, request) };
  } catch (error) {
    return { ...failure(error, request.type === 'render' ? request.page : undefined), id: request.id };
  }
}

if (parentPort && isRenderWorker) {
  const port = parentPort;
  port.on('message', (request: WorkerRequest) => {
    if (request.type === 'close') void closeJob(request.job);
    else void handle(request).then((reply) => port.postMessage(reply));
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}
