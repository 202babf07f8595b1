import { crc32, deflateSync } from 'node:zlib';

/**
 * What the render worker computes from a drawn page's pixels (RGBA, as `getImageData` returns them):
 * how much ink it holds, and the greyscale PNG handed to OCR. Pure functions, no canvas.
 */

/** Luminance below which a pixel is ink (of 255): pencil and blue pen count, paper grain does not. */
export const INK_LUMINANCE = 160;
/** The band of a page's margins left out of ink measures: scanner edges and punched holes are not writing. */
export const INK_MARGIN = 0.04;
/** The header band: the top quarter of the page, where students write their name. */
export const HEADER_SHARE = 0.25;

const luminance = (data: Uint8ClampedArray, i: number): number => (data[i]! * 77 + data[i + 1]! * 150 + data[i + 2]! * 29) >> 8;

/** Dark pixel shares inside the margin: the whole page, and its header band. */
export function inkRatios(data: Uint8ClampedArray, width: number, height: number): { inkRatio: number; headerInkRatio: number } {
  const [left, right] = [Math.floor(width * INK_MARGIN), Math.ceil(width * (1 - INK_MARGIN))];
  const [top, bottom, headerBottom] = [
    Math.floor(height * INK_MARGIN),
    Math.ceil(height * (1 - INK_MARGIN)),
    Math.round(height * HEADER_SHARE),
  ];
  let ink = 0;
  let headerInk = 0;
  for (let y = top; y < bottom; y++) {
    for (let x = left, i = (y * width + left) * 4; x < right; x++, i += 4) {
      if (luminance(data, i) < INK_LUMINANCE) {
        ink++;
        if (y < headerBottom) headerInk++;
      }
    }
  }
  const columns = Math.max(1, right - left);
  return { inkRatio: ink / (columns * Math.max(1, bottom - top)), headerInkRatio: headerInk / (columns * Math.max(1, headerBottom - top)) };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * An 8-bit greyscale PNG, written here rather than by Skia: OCR reads grey anyway, and a quarter of
 * the data at a fast deflate level encodes a 300 dpi header band several times faster.
 */
export function greyPng(data: Uint8ClampedArray, width: number, height: number): Buffer {
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width + 1); // each row starts with its filter byte: 0, none
    for (let x = 0, i = y * width * 4; x < width; x++, i += 4) raw[row + 1 + x] = luminance(data, i);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // bit depth 8, colour type 0 (grey), deflate, no filter method choice, no interlace
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 3 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, body: Buffer): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  body.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}

/**
 * The pixel rectangle of a region given in fractions of an image: rounded outwards (a pixel half
 * inside the region is masked too), kept inside the image, never empty. The worker's masked twin,
 * the pipeline's fallback mask and the file route's mask all cut and paint this one rectangle.
 */
export function regionRect(
  region: { x: number; y: number; width: number; height: number },
  width: number,
  height: number,
): { x: number; y: number; width: number; height: number } {
  const x = Math.min(width - 1, Math.max(0, Math.floor(region.x * width)));
  const y = Math.min(height - 1, Math.max(0, Math.floor(region.y * height)));
  const right = Math.min(width, Math.ceil((region.x + region.width) * width));
  const bottom = Math.min(height, Math.ceil((region.y + region.height) * height));
  return { x, y, width: Math.max(1, right - x), height: Math.max(1, bottom - y) };
}
