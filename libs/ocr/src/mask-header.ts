import { type Image, createCanvas, loadImage } from '@napi-rs/canvas';
import { HEADER_QUALITY, MASKED_QUALITY, encodeCanvas } from './encode-canvas.js';
import { regionRect } from './page-pixels.js';
import type { PageRegion } from './render-pool.js';

export type ImageMime = 'image/webp' | 'image/jpeg' | 'image/png';

/**
 * A stored page image with the exam's header region painted white, encoded again in its own format
 * (DESIGN §4, §10: names are masked on the server, never by a CSS overlay). The render worker masks
 * the pages expected to start a copy from the pixels it drew; this serves any other first page (after
 * a split or a reorder), in the pipeline and on the file route, with the same rectangle.
 */
export const maskHeader = async (image: Buffer, mime: ImageMime, region: PageRegion): Promise<Buffer> => {
  const picture = await loadImage(image);
  const canvas = createCanvas(picture.width, picture.height);
  const context = canvas.getContext('2d');
  context.drawImage(picture, 0, 0);
  const rect = rectOf(picture, region);
  context.fillStyle = '#ffffff';
  context.fillRect(rect.x, rect.y, rect.width, rect.height);
  if (mime === 'image/png') return encodeCanvas(canvas, 'png');
  const format = mime === 'image/webp' ? 'webp' : 'jpeg';
  return encodeCanvas(canvas, format, MASKED_QUALITY[format]);
};

/** The header region of a stored page image (JPEG), what OCR reads: a resumed run reads headers from the stored views. */
export const cropHeader = async (image: Buffer, region: PageRegion): Promise<Buffer> => {
  const picture = await loadImage(image);
  const rect = rectOf(picture, region);
  const canvas = createCanvas(rect.width, rect.height);
  canvas.getContext('2d').drawImage(picture, rect.x, rect.y, rect.width, rect.height, 0, 0, rect.width, rect.height);
  return encodeCanvas(canvas, 'jpeg', HEADER_QUALITY);
};

const rectOf = (picture: Image, region: PageRegion) => regionRect(region, picture.width, picture.height);
