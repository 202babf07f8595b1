import { createCanvas, loadImage } from '@napi-rs/canvas';
import { encodeCanvas } from '#ocr';
import { HEADER_REGION } from './pipeline-context.js';

export interface MaskedImage {
  readonly bytes: Buffer;
  /** Share of dark pixels in the header region (before masking), ignoring the page's side margins. */
  readonly headerInkRatio: number;
}

/** Luma under which a pixel counts as ink (off-white scanned paper is about 226–246). */
const INK = 128;
const SIDE_MARGIN = 0.04;

/**
 * The view image of a copy's first page with its header region painted white (DESIGN §4: names
 * are masked on the server): correctors are only ever served this one.
 */
export const maskHeader = async (image: Buffer, mime: 'image/webp' | 'image/jpeg'): Promise<MaskedImage> => {
  const picture = await loadImage(image);
  const canvas = createCanvas(picture.width, picture.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(picture, 0, 0);
  const region = {
    x: Math.floor(HEADER_REGION.x * picture.width),
    y: Math.floor(HEADER_REGION.y * picture.height),
    width: Math.ceil(HEADER_REGION.width * picture.width),
    height: Math.ceil(HEADER_REGION.height * picture.height),
  };
  const margin = Math.floor(picture.width * SIDE_MARGIN);
  const inner = { x: region.x + margin, width: Math.max(1, region.width - 2 * margin) };
  const { data } = ctx.getImageData(inner.x, region.y, inner.width, region.height);
  let ink = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]! < INK) ink++;
  }
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(region.x, region.y, region.width, region.height);
  const bytes = mime === 'image/webp' ? await encodeCanvas(canvas, 'webp', 80) : await encodeCanvas(canvas, 'jpeg', 85);
  return { bytes, headerInkRatio: ink / (data.length / 4) };
};
