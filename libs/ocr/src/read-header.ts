import { createCanvas, loadImage, type Image } from '@napi-rs/canvas';
import { parseHeaderFields, type HeaderFields } from './header-fields.js';
import { TesseractPool, type TesseractPoolOptions } from './tesseract-pool.js';

export interface HeaderReading {
  /** `tesseract.js-7/fra+eng` or `vision:<model>`. */
  engine: string;
  text: string;
  /** 0..1. */
  confidence: number;
  fields: HeaderFields;
}
export interface HeaderReader {
  read(image: Buffer): Promise<HeaderReading>;
  /** Gets ready for a batch about to come (models loaded), when the reader has anything to load. */
  warmUp?(): void;
  close(): Promise<void>;
}

export const TESSERACT_ENGINE = 'tesseract.js-7/fra+eng';

/**
 * Reads a header crop (PNG or JPEG, at the pool's `dpi`) with the offline tesseract.js pool: scanner
 * specks are removed first — on a noisy scan they turn into stray letters that break label and value
 * apart — then the text is recognised and parsed into fields.
 */
export class TesseractHeaderReader implements HeaderReader {
  private readonly pool: TesseractPool;
  private readonly dpi: number;
  private closed = false;

  constructor(options: TesseractPoolOptions = {}) {
    this.pool = new TesseractPool(options);
    this.dpi = options.dpi ?? 300;
  }

  async read(image: Buffer): Promise<HeaderReading> {
    if (this.closed) throw new Error('Le lecteur OCR est fermé.');
    const { text, confidence } = await this.pool.recognize(image, (bytes) => removeSpecks(bytes, { dpi: this.dpi }));
    return { engine: TESSERACT_ENGINE, text: text.trim(), confidence, fields: parseHeaderFields(text) };
  }

  warmUp(): void {
    if (!this.closed) this.pool.warmUp();
  }

  close(): Promise<void> {
    this.closed = true;
    return this.pool.close();
  }
}

/** Dark blobs smaller than this (pixels at 300 dpi, ≈ 0.4 mm across) are specks: an i's dot or a colon's is larger. */
const SPECK_MAX_AREA_300_DPI = 20;
/** A whole A3 page at 300 dpi is 17 Mpx: a header crop never comes near. */
const MAX_PIXELS = 40_000_000;

/**
 * Greyscale, then every dark connected blob (8-connected, dark by Otsu's threshold) smaller than a
 * speck (its area scaled to the image's `dpi`, default 300) is painted white. The rest keeps its grey levels: thresholding here as well measurably hurt
 * thin handwriting, tesseract binarises better on its own. Returns a binary PGM, which tesseract's
 * image library reads natively: no PNG encoding on the way.
 */
export async function removeSpecks(image: Buffer, options: { dpi?: number } = {}): Promise<Buffer> {
  const speckMaxArea = Math.max(2, Math.round(SPECK_MAX_AREA_300_DPI * ((options.dpi ?? 300) / 300) ** 2));
  let decoded: Image;
  // @napi-rs/canvas never settles loadImage() on an empty buffer.
  if (image.length === 0) throw new Error('Image d’en-tête illisible : le fichier est vide.');
  try {
    decoded = await loadImage(image);
  } catch (error) {
    throw new Error(`Image d’en-tête illisible : ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const { width, height } = decoded;
  if (width * height > MAX_PIXELS) throw new Error(`Image d’en-tête trop grande : ${width} × ${height} pixels.`);
  const context = createCanvas(width, height).getContext('2d');
  // Transparent pixels would read as black ink.
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.drawImage(decoded, 0, 0);
  const rgba = context.getImageData(0, 0, width, height).data;
  const grey = new Uint8Array(width * height);
  const histogram = new Float64Array(256);
  for (let p = 0; p < grey.length; p++) {
    const value = (rgba[p * 4]! * 299 + rgba[p * 4 + 1]! * 587 + rgba[p * 4 + 2]! * 114) / 1000;
    grey[p] = value;
    histogram[grey[p]!]!++;
  }
  const dark = otsuThreshold(histogram, grey.length);
  const seen = new Uint8Array(grey.length);
  const stack = new Int32Array(grey.length);
  const blob: number[] = [];
  for (let start = 0; start < grey.length; start++) {
    if (seen[start] || grey[start]! > dark) continue;
    seen[start] = 1;
    let top = 0;
    stack[top++] = start;
    blob.length = 0;
    while (top > 0) {
      const p = stack[--top]!;
      blob.push(p);
      const x = p % width;
      for (let dy = -width; dy <= width; dy += width) {
        for (let dx = x > 0 ? -1 : 0; dx <= (x < width - 1 ? 1 : 0); dx++) {
          const q = p + dy + dx;
          if (q < 0 || q >= grey.length || seen[q] || grey[q]! > dark) continue;
          seen[q] = 1;
          stack[top++] = q;
        }
      }
    }
    if (blob.length < speckMaxArea) for (const p of blob) grey[p] = 255;
  }
  return Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`, 'latin1'), grey]);
}

/** The grey level that best splits ink from paper (Otsu): maximal between-class variance. */
function otsuThreshold(histogram: Float64Array, total: number): number {
  let sum = 0;
  for (let level = 0; level < 256; level++) sum += level * histogram[level]!;
  let darkSum = 0;
  let darkCount = 0;
  let best = -1;
  let threshold = 127;
  for (let level = 0; level < 256; level++) {
    darkCount += histogram[level]!;
    if (darkCount === 0) continue;
    const lightCount = total - darkCount;
    if (lightCount === 0) break;
    darkSum += level * histogram[level]!;
    const between = darkCount * lightCount * (darkSum / darkCount - (sum - darkSum) / lightCount) ** 2;
    if (between > best) [best, threshold] = [between, level];
  }
  return threshold;
}
