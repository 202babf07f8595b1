import { createRequire } from 'node:module';
import type { PDFArray as PDFArrayType, PDFDict, PDFDocument, PDFStream } from 'pdf-lib';

// Required, not imported: Node's ESM wrapper around pdf-lib's hundreds of CommonJS files costs ~0.4 s per worker, require ~0.08 s.
const {
  PDFArray,
  PDFBool,
  PDFDict: PDFDictClass,
  PDFDocument: PDFDocumentClass,
  PDFName,
  PDFNumber,
  PDFRawStream,
  decodePDFRawStream,
} = createRequire(import.meta.url)('pdf-lib') as typeof import('pdf-lib');

/**
 * The render fast path's eyes: finds pages that are exactly what a copier writes — one baseline JPEG
 * drawn by a `q … cm /Im Do Q` content stream, nothing else — so the worker can hand the JPEG to
 * Skia's native decoder instead of pdf.js's JavaScript one (5–10× faster on a 300 dpi page). Anything
 * it does not fully understand returns null and the page goes through pdf.js: the fast path may only
 * ever be taken when it draws the same pixels.
 *
 * pdf-lib only parses here (it never decodes the image); pdf.js decides page geometry (the caller
 * maps image space through pdf.js's viewport), so both paths agree on crop box and rotation.
 */
export interface ScanImage {
  jpeg: Uint8Array;
  width: number;
  height: number;
  /** Maps the image's unit square to the page's user space (PDF `cm`, concatenated). */
  matrix: [number, number, number, number, number, number];
}

const MAX_CONTENT_BYTES = 4096;

/** pdf-lib's parse of the file (it skips stream data by length: cheap), or null when it cannot parse it. */
export const loadStructure = (bytes: Uint8Array): Promise<PDFDocument | null> =>
  PDFDocumentClass.load(bytes, { updateMetadata: false }).catch(() => null);

export function findScanImage(
  pdf: PDFDocument,
  pageIndex: number,
  pageRef: { num: number; gen: number },
  maxPixels: number,
): ScanImage | null {
  if (pageIndex >= pdf.getPageCount()) return null;
  const page = pdf.getPage(pageIndex);
  // Both parsers must be looking at the same page object, whatever each made of a damaged page tree.
  if (page.ref.objectNumber !== pageRef.num || page.ref.generationNumber !== pageRef.gen) return null;
  const annots = page.node.Annots();
  if (annots && annots.size() > 0) return null;
  const content = contentBytes(page.node.Contents());
  if (!content) return null;
  const drawing = parseDrawing(content);
  if (!drawing) return null;
  const xobjects = page.node.Resources()?.lookupMaybe(PDFName.of('XObject'), PDFDictClass);
  const image = xobjects?.lookup(PDFName.of(drawing.name));
  if (!(image instanceof PDFRawStream) || !isPlainJpegImage(image.dict, pdf)) return null;
  const width = numberOf(image.dict, 'Width');
  const height = numberOf(image.dict, 'Height');
  if (!width || !height || width * height > maxPixels) return null;
  const frame = jpegFrame(image.contents);
  if (!frame || frame.width !== width || frame.height !== height) return null;
  return { jpeg: image.contents, width, height, matrix: drawing.matrix };
}

function contentBytes(contents: PDFStream | PDFArrayType | undefined): Uint8Array | null {
  const streams = contents instanceof PDFArray ? contents.asArray().map((_, i) => contents.lookup(i)) : [contents];
  const parts: Uint8Array[] = [];
  for (const stream of streams) {
    if (!(stream instanceof PDFRawStream)) return null;
    const decoded = decodePDFRawStream(stream).decode();
    parts.push(decoded, new Uint8Array([0x0a]));
    if (parts.reduce((sum, part) => sum + part.length, 0) > MAX_CONTENT_BYTES) return null;
  }
  return parts.length ? Buffer.concat(parts) : null;
}

type Matrix = ScanImage['matrix'];
const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5],
];

/** Accepts only q, Q, cm and exactly one Do: any other operator could change what is drawn. */
function parseDrawing(content: Uint8Array): { name: string; matrix: Matrix } | null {
  const tokens = Buffer.from(content)
    .toString('latin1')
    .replace(/%[^\r\n]*/g, ' ')
    .trim()
    .split(/\s+/);
  const stack: Matrix[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  let operands: string[] = [];
  let drawn: { name: string; matrix: Matrix } | null = null;
  for (const token of tokens) {
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(token) || /^\/[^\s/[\]()<>{}%]+$/.test(token)) {
      operands.push(token);
      continue;
    }
    if (token === 'q' && operands.length === 0) stack.push(ctm);
    else if (token === 'Q' && operands.length === 0 && stack.length > 0) ctm = stack.pop()!;
    else if (token === 'cm' && operands.length === 6 && operands.every((o) => !o.startsWith('/')))
      ctm = multiply(operands.map(Number) as Matrix, ctm);
    else if (token === 'Do' && operands.length === 1 && operands[0]!.startsWith('/') && !drawn)
      drawn = { name: operands[0]!.slice(1), matrix: ctm };
    else return null;
    operands = [];
  }
  if (operands.length || !drawn) return null;
  const [a, b, c, d] = drawn.matrix;
  return Math.abs(a * d - b * c) > 1e-9 ? drawn : null;
}

/** 8-bit grey or RGB JPEG without masks, decode arrays or colour transforms pdf.js would apply. */
function isPlainJpegImage(dict: PDFDict, pdf: PDFDocument): boolean {
  const name = (key: string): string | undefined => {
    const value = dict.lookup(PDFName.of(key));
    return value instanceof PDFName ? value.asString() : undefined;
  };
  if (name('Subtype') !== '/Image') return false;
  const filter = dict.lookup(PDFName.of('Filter'));
  const filters = filter instanceof PDFArray ? filter.asArray() : [filter];
  if (filters.length !== 1 || !(filters[0] instanceof PDFName) || filters[0].asString() !== '/DCTDecode') return false;
  for (const key of ['DecodeParms', 'Decode', 'SMask', 'Mask', 'OC', 'SMaskInData']) if (dict.has(PDFName.of(key))) return false;
  const imageMask = dict.lookup(PDFName.of('ImageMask'));
  if (imageMask !== undefined && imageMask !== PDFBool.False) return false;
  if (numberOf(dict, 'BitsPerComponent') !== 8) return false;
  const colorSpace = dict.lookup(PDFName.of('ColorSpace'));
  if (colorSpace instanceof PDFName) return colorSpace.asString() === '/DeviceGray' || colorSpace.asString() === '/DeviceRGB';
  if (colorSpace instanceof PDFArray && colorSpace.size() === 2) {
    const [family, profile] = [colorSpace.lookup(0), pdf.context.lookup(colorSpace.get(1))];
    if (!(family instanceof PDFName) || family.asString() !== '/ICCBased' || !(profile instanceof PDFRawStream)) return false;
    const components = numberOf(profile.dict, 'N');
    return components === 1 || components === 3;
  }
  return false;
}

const numberOf = (dict: PDFDict, key: string): number | undefined => {
  const value = dict.lookup(PDFName.of(key));
  return value instanceof PDFNumber ? value.asNumber() : undefined;
};

/**
 * Reads a JPEG's markers up to the scan: its size, when it is a plain 8-bit baseline, extended or
 * progressive frame of 1 or 3 components that ends with an EOI marker. EXIF data makes Skia rotate
 * images where PDF readers do not, so such files stay with pdf.js, like CMYK and arithmetic coding.
 */
export function jpegFrame(jpeg: Uint8Array): { width: number; height: number } | null {
  const view = Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
  if (view.length < 4 || view.readUInt16BE(0) !== 0xffd8) return null;
  let end = view.length;
  while (end > 2 && (view[end - 1] === 0x00 || view[end - 1] === 0x0a || view[end - 1] === 0x0d || view[end - 1] === 0x20)) end--;
  if (view.readUInt16BE(end - 2) !== 0xffd9) return null;
  let frame: { width: number; height: number } | null = null;
  for (let at = 2; at + 4 <= view.length;) {
    if (view[at] !== 0xff) return null;
    const marker = view[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0xda) return frame;
    const length = view.readUInt16BE(at + 2);
    const segment = view.subarray(at + 4, at + 2 + length);
    if (marker === 0xe1 && segment.subarray(0, 6).toString('latin1') === 'Exif\0\0') return null;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const components = segment[5];
      if (marker > 0xc2 || segment[0] !== 8 || (components !== 1 && components !== 3)) return null;
      frame = { height: segment.readUInt16BE(1), width: segment.readUInt16BE(3) };
    }
    at += 2 + length;
  }
  return null;
}
