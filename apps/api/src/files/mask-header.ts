import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { HeaderRegion } from '#domain';
import { encodeCanvas } from '#ocr';

export type ImageMime = 'image/webp' | 'image/jpeg' | 'image/png';

/**
 * Paints the exam's header region (fractions of the page) white and encodes the page again in its
 * own format. Used only when a page a corrector may see has no masked image of its own: a copy's
 * first page after a split or a reorder. Masking happens here, on the server (DESIGN §10: the old
 * system hid names with a CSS overlay).
 */
export const maskHeader = async (image: Buffer, mime: ImageMime, region: HeaderRegion): Promise<Buffer> => {
  const picture = await loadImage(image);
  const canvas = createCanvas(picture.width, picture.height);
  const context = canvas.getContext('2d');
  context.drawImage(picture, 0, 0);
  context.fillStyle = '#ffffff';
  // Rounded outwards: a pixel column or row half inside the region is masked too.
  const left = Math.floor(region.x * picture.width);
  const top = Math.floor(region.y * picture.height);
  const right = Math.ceil((region.x + region.width) * picture.width);
  const bottom = Math.ceil((region.y + region.height) * picture.height);
  context.fillRect(left, top, right - left, bottom - top);
  if (mime === 'image/png') return encodeCanvas(canvas, 'png');
  return encodeCanvas(canvas, mime === 'image/webp' ? 'webp' : 'jpeg', 85);
};
