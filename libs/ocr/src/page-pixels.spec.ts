import { createCanvas, loadImage } from '@napi-rs/canvas';
import { greyPng, inkRatios } from './page-pixels.js';

/* Ink measures and the OCR image, on pixels drawn here. */

describe('the ink of a page', () => {
  it('is nothing on blank paper, whatever its tint', () => {
    expect(inkRatios(page('#f1efe8').data, 100, 100)).toEqual({ inkRatio: 0, headerInkRatio: 0 });
  });

  it('is the share of dark pixels, the header band measured on its own', () => {
    const { data } = page('#ffffff', (ctx) => ctx.fillRect(10, 10, 80, 10)); // a dark bar in the top quarter
    const { inkRatio, headerInkRatio } = inkRatios(data, 100, 100);
    expect(inkRatio).toBeCloseTo(800 / (92 * 92), 5);
    expect(headerInkRatio).toBeCloseTo(800 / (92 * 21), 5);
  });

  it('leaves out the margins, where scanner edges and punched holes are', () => {
    const { data } = page('#ffffff', (ctx) => (ctx.fillRect(0, 0, 100, 4), ctx.fillRect(96, 0, 4, 100)));
    expect(inkRatios(data, 100, 100).inkRatio).toBe(0);
  });
});

describe('the OCR image', () => {
  it('is a greyscale PNG of the same size, grey levels kept', async () => {
    const { data } = page('#ffffff', (ctx) => ((ctx.fillStyle = '#404040'), ctx.fillRect(0, 0, 50, 100)));
    const png = greyPng(data, 100, 100);
    expect(png[25]).toBe(0); // IHDR colour type: grey
    const image = await loadImage(png);
    const canvas = createCanvas(100, 100);
    canvas.getContext('2d').drawImage(image, 0, 0);
    const decoded = canvas.getContext('2d').getImageData(0, 0, 100, 100).data;
    expect([image.width, image.height]).toEqual([100, 100]);
    expect([decoded[0], decoded[(50 * 100 + 75) * 4]]).toEqual([0x40, 0xff]);
  });
});

function page(paper: string, draw: (ctx: ReturnType<ReturnType<typeof createCanvas>['getContext']>) => void = () => undefined) {
  const canvas = createCanvas(100, 100);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = paper;
  ctx.fillRect(0, 0, 100, 100);
  ctx.fillStyle = '#000000';
  draw(ctx);
  return ctx.getImageData(0, 0, 100, 100);
}
