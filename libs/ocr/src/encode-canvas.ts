/**
 * `canvas.encode()` of @napi-rs/canvas 0.1.99 runs off-thread on the canvas's pixels: when the canvas
 * is garbage-collected before the promise settles, the process segfaults (reproduced with
 * `createCanvas(2480, 900).encode('png')` then `gc()`). This keeps the canvas reachable until the
 * bytes are back; every asynchronous encode in Korrigo goes through it.
 */
interface EncodableCanvas {
  readonly width: number;
  encode(format: 'png'): Promise<Buffer>;
  encode(format: 'jpeg' | 'webp', quality?: number): Promise<Buffer>;
}

const pinned = new Set<EncodableCanvas>();

export const encodeCanvas = async (canvas: EncodableCanvas, format: 'png' | 'jpeg' | 'webp', quality?: number): Promise<Buffer> => {
  pinned.add(canvas);
  try {
    return format === 'png' ? await canvas.encode('png') : await canvas.encode(format, quality);
  } finally {
    pinned.delete(canvas);
  }
};

/** A view and its masked twin (the twin replaces the view for correctors): WebP at 80, JPEG at 85. */
export const MASKED_QUALITY = { webp: 80, jpeg: 85 } as const;
/** The header crop is read by OCR: a light compression, so that its artefacts do not blur thin pen strokes. */
export const HEADER_QUALITY = 90;
