import { type Image, createCanvas, loadImage } from '@napi-rs/canvas';
import { encodeCanvas } from '#ocr';
import type { HeaderRegion } from '#domain';

export interface MaskedImage {
  readonly bytes: Buffer;
  /** Share of dark pixels in the header region (before masking), ignoring the page's side margins. */
  readonly headerInkRatio: number;
  /** The header region itself (JPEG), when asked for: what OCR reads and the identification desk shows. */
  readonly header?: Buffer;
}

/** Luma under which a pixel counts as ink (off-white scanned paper is about 226–246). */
const INK = 128;
const SIDE_MARGIN = 0.04;
/** The header crop is read by OCR: a light compression, so that its artefacts do not blur thin pen strokes. */
const HEADER_QUALITY = 90;

/**
 * The view image of a copy's first page with its header region painted white (DESIGN §4: names
 * are masked on the server): correctors are only ever served this one. With `keepHeader`, the header
 * region is also cut out of the same decoded image — the page is not rendered a second time for OCR.
 */
export const maskHeader = async (
  image: Buffer,
  mime: 'image/webp' | 'image/jpeg',
  headerRegion: HeaderRegion,
  options: { keepHeader?: boolean } = {},
): Promise<MaskedImage> => {
  const picture = await loadImage(image);
  const canvas = createCanvas(picture.width, picture.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(picture, 0, 0);
  const region = regionOf(picture, headerRegion);
  const header = options.keepHeader ? await cutRegion(picture, region) : undefined;
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
  return { bytes, headerInkRatio: ink / (data.length / 4), ...(header ? { header } : {}) };
};

/** The header region of a page's view image (a resumed run reads headers from the stored views). */
export const cropHeader = async (image: Buffer, headerRegion: HeaderRegion): Promise<Buffer> => {
  const picture = await loadImage(image);
  return cutRegion(picture, regionOf(picture, headerRegion));
};

interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

const regionOf = (picture: Image, header: HeaderRegion): Region => {
  const x = Math.floor(header.x * picture.width);
  const y = Math.floor(header.y * picture.height);
  return {
    x,
    y,
    width: Math.max(1, Math.min(picture.width - x, Math.ceil(header.width * picture.width))),
    height: Math.max(1, Math.min(picture.height - y, Math.ceil(header.height * picture.height))),
  };
};

const cutRegion = (picture: Image, region: Region): Promise<Buffer> => {
  const canvas = createCanvas(region.width, region.height);
  canvas.getContext('2d').drawImage(picture, region.x, region.y, region.width, region.height, 0, 0, region.width, region.height);
  return encodeCanvas(canvas, 'jpeg', HEADER_QUALITY);
};
