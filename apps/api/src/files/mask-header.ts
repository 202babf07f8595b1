import { createCanvas, loadImage } from '@napi-rs/canvas';
import { encodeCanvas } from '#ocr';

/**
 * The header region the scan pipeline masks (libs/ocr contract: the top quarter of the page), in
 * fractions of the page. Used only when a page a corrector may see has no masked image of its own:
 * a copy's first page after a split or a reorder. Masking happens here, on the server (DESIGN §10:
 * the old system hid names with a CSS overlay).
 */
export const HEADER_MASK = { x: 0, y: 0, width: 1, height: 0.25 } as const;

export type ImageMime = 'image/webp' | 'image/jpeg' | 'image/png';

/** Paints the header region white and encodes the page again in its own format. */
export const maskHeader = async (image: Buffer, mime: ImageMime): Promise<Buffer> => {
  const picture = await loadImage(image);
  const canvas = createCanvas(picture.width, picture.height);
  const context = canvas.getContext('2d');
  context.drawImage(picture, 0, 0);
  context.fillStyle = '#ffffff';
  context.fillRect(
    Math.floor(HEADER_MASK.x * picture.width),
    Math.floor(HEADER_MASK.y * picture.height),
    Math.ceil(HEADER_MASK.width * picture.width),
    Math.ceil(HEADER_MASK.height * picture.height),
  );
  if (mime === 'image/png') return encodeCanvas(canvas, 'png');
  return encodeCanvas(canvas, mime === 'image/webp' ? 'webp' : 'jpeg', 85);
};
