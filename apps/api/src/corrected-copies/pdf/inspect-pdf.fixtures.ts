import { createRequire } from 'node:module';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { PDFDocument, PDFRawStream } from 'pdf-lib';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * Reading corrected-copy PDFs back in specs, as a viewer would: pdf.js (legacy build, set up like the
 * render workers) for text and pixels, pdf-lib for the raw objects.
 */

export type Rgb = [r: number, g: number, b: number];

export const utf16 = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();

/** Every stream of the file inflated, and every literal and hex string decoded, as one searchable text. */
export const everyStreamAndString = async (bytes: Uint8Array): Promise<string> => {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const parts: string[] = [pdf.getTitle() ?? '', pdf.getSubject() ?? '', pdf.getKeywords() ?? ''];
  for (const [, object] of pdf.context.enumerateIndirectObjects()) {
    if (object instanceof PDFRawStream) {
      const raw = Buffer.from(object.getContents());
      const data = object.dict.toString().includes('/FlateDecode') ? inflateSync(raw) : raw;
      parts.push(data.toString('latin1'), data.toString('utf8'));
    } else parts.push(object.toString());
  }
  return parts.join('\n');
};

const PDFJS_ROOT = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const openPdf = (bytes: Uint8Array): Promise<PDFDocumentProxy> =>
  pdfjs.getDocument({
    data: new Uint8Array(bytes),
    standardFontDataUrl: `${PDFJS_ROOT}/standard_fonts/`,
    cMapUrl: `${PDFJS_ROOT}/cmaps/`,
    cMapPacked: true,
    wasmUrl: `${PDFJS_ROOT}/wasm/`,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  }).promise;

/** Each page's text as pdf.js reads it, items joined by spaces. */
export const pageTexts = async (bytes: Uint8Array): Promise<string[]> => {
  const pdf = await openPdf(bytes);
  try {
    const texts: string[] = [];
    for (let number = 1; number <= pdf.numPages; number++) {
      const content = await (await pdf.getPage(number)).getTextContent();
      texts.push(
        content.items
          .map((item) => ('str' in item ? item.str : ''))
          .join(' ')
          .replace(/\s+/g, ' '),
      );
    }
    return texts;
  } finally {
    await pdf.destroy();
  }
};

type CanvasAndContext = {
  canvas: unknown;
  context: { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
};

/** Renders page 1 at 72 dpi with pdf.js and returns its RGB at a page fraction. */
export const renderFirstPage = async (bytes: Uint8Array): Promise<(x: number, y: number) => Rgb> => {
  const pdf = await openPdf(bytes);
  try {
    const page = await pdf.getPage(1);
    const viewport = page.getViewport({ scale: 1 });
    const { width, height } = { width: Math.round(viewport.width), height: Math.round(viewport.height) };
    const { canvas, context } = (pdf.canvasFactory as { create(w: number, h: number): CanvasAndContext }).create(width, height);
    type RenderParameters = Parameters<typeof page.render>[0];
    await page.render({ canvas, canvasContext: context, viewport } as unknown as RenderParameters).promise;
    const { data } = context.getImageData(0, 0, width, height);
    return (x, y) => {
      const at = (Math.min(height - 1, Math.round(y * height)) * width + Math.min(width - 1, Math.round(x * width))) * 4;
      return [data[at]!, data[at + 1]!, data[at + 2]!];
    };
  } finally {
    await pdf.destroy();
  }
};
