import { createCanvas } from '@napi-rs/canvas';
import { PDFDocument, PDFName, StandardFonts } from 'pdf-lib';
import { findScanImage, jpegFrame, loadStructure } from './scan-image.js';
import { encodeCanvas } from './encode-canvas.js';

/* The render fast path is taken only for pages it draws exactly as pdf.js would; anything else goes to pdf.js. */

const A4 = [595.28, 841.89] as const;
const MAX_PIXELS = 160_000_000;
const jpeg = await encodeCanvas(createCanvas(200, 283), 'jpeg', 80);

describe('a copier-style page (one JPEG over the page)', () => {
  it('is drawn by the fast path, with the image and its placement on the page', async () => {
    const scan = await firstPage(await pdfOf());
    expect(scan).toMatchObject({ width: 200, height: 283, matrix: [A4[0], 0, 0, A4[1], 0, 0] });
    expect(Buffer.from(scan!.jpeg).equals(jpeg)).toBe(true);
  });

  it('keeps the placement of an image drawn with a margin', async () => {
    const scan = await firstPage(await pdfOf({ draw: { x: 20, y: 30, width: 500, height: 700 } }));
    expect(scan?.matrix).toEqual([500, 0, 0, 700, 20, 30]);
  });

  it('goes to pdf.js when anything else is drawn on the page', async () => {
    expect(await firstPage(await pdfOf({ extra: 'text' }))).toBeNull();
  });

  it('goes to pdf.js when the page carries annotations', async () => {
    expect(await firstPage(await pdfOf({ extra: 'annotation' }))).toBeNull();
  });

  it('goes to pdf.js when the image is larger than allowed', async () => {
    const structure = await loadStructure(await pdfOf());
    const page = structure!.getPage(0);
    expect(findScanImage(structure!, 0, { num: page.ref.objectNumber, gen: page.ref.generationNumber }, 200 * 283 - 1)).toBeNull();
  });

  it('goes to pdf.js when the two parsers do not agree on which object the page is', async () => {
    const structure = await loadStructure(await pdfOf());
    expect(findScanImage(structure!, 0, { num: 9999, gen: 0 }, MAX_PIXELS)).toBeNull();
  });
});

describe('a JPEG', () => {
  it('is read to its frame size when it is a plain 8-bit grey or colour image', () => {
    expect(jpegFrame(jpeg)).toEqual({ width: 200, height: 283 });
  });

  it('is left to pdf.js when it stops before its end marker', () => {
    expect(jpegFrame(jpeg.subarray(0, jpeg.length - 100))).toBeNull();
  });

  it('is left to pdf.js when it carries EXIF data (Skia would rotate it, PDF readers do not)', () => {
    const exif = Buffer.concat([Buffer.from([0xff, 0xe1, 0x00, 0x0a]), Buffer.from('Exif\0\0\0\0', 'latin1')]);
    expect(jpegFrame(Buffer.concat([jpeg.subarray(0, 2), exif, jpeg.subarray(2)]))).toBeNull();
  });

  it('is left to pdf.js when it has four (CMYK) components', () => {
    const cmyk = Buffer.from(jpeg);
    const sof = cmyk.indexOf(Buffer.from([0xff, 0xc0]));
    cmyk[sof + 9] = 4;
    expect(jpegFrame(cmyk)).toBeNull();
  });

  it('is not a JPEG when it does not start with one', () => {
    expect(jpegFrame(Buffer.from('%PDF-1.7'))).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------

async function pdfOf(
  options: { draw?: { x: number; y: number; width: number; height: number }; extra?: 'text' | 'annotation' } = {},
): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([A4[0], A4[1]]);
  page.drawImage(await doc.embedJpg(jpeg), options.draw ?? { x: 0, y: 0, width: A4[0], height: A4[1] });
  if (options.extra === 'text') page.drawText('Copie 12', { x: 20, y: 20, font: await doc.embedFont(StandardFonts.Helvetica) });
  if (options.extra === 'annotation') {
    page.node.set(PDFName.of('Annots'), doc.context.obj([doc.context.obj({ Type: 'Annot', Subtype: 'Square', Rect: [0, 0, 50, 50] })]));
  }
  return Buffer.from(await doc.save());
}

async function firstPage(bytes: Buffer): Promise<ReturnType<typeof findScanImage>> {
  const structure = await loadStructure(bytes);
  const page = structure!.getPage(0);
  return findScanImage(structure!, 0, { num: page.ref.objectNumber, gen: page.ref.generationNumber }, MAX_PIXELS);
}
