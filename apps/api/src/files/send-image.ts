import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { HeaderRegion } from '#domain';
import { type ImageMime, maskHeader } from '#ocr';
import type { BlobContent, BlobStore } from '../runtime/blob-store.js';

/** A page image is a few hundred kilobytes; a blob this large to mask in memory is not one. */
const MAX_MASKED_BYTES = 64 * 1024 * 1024;

/** Headers every file answer carries: per session, never stored by a cache, never sniffed, same origin only. */
const PRIVATE_HEADERS: Record<string, string> = {
  'Cache-Control': 'private, no-store',
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Disposition': 'inline',
};

export const sendError = (res: Response, status: number, code: string, message: string): void => {
  res.status(status).set(PRIVATE_HEADERS).json({ error: code, message });
};

/** The image type from the first bytes: blobs are stored by content hash, without a type. */
export const sniffImage = (head: Buffer): ImageMime | null => {
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
};

const matches = (ifNoneMatch: string | undefined, etag: string): boolean =>
  !!ifNoneMatch && ifNoneMatch.split(',').some((tag) => ['*', etag, `W/${etag}`].includes(tag.trim()));

/**
 * Streams a blob as an image. The ETag is the blob key (content-addressed: one key, one content),
 * so a matching If-None-Match is answered 304 without reading the blob; `masked` answers carry their
 * own tag. The region need not be in that tag: the exam decider freezes it before any corrector
 * holds a copy, and only correctors get masked answers. A blob that is gone is a 404, as if the page
 * did not exist.
 */
export const sendImage = async (
  req: Request,
  res: Response,
  blobs: BlobStore,
  grant: { key: string; mask: HeaderRegion | null },
): Promise<void> => {
  const etag = `"${grant.key}${grant.mask ? '.masked' : ''}"`;
  if (matches(req.headers['if-none-match'], etag)) {
    res
      .status(304)
      .set({ ...PRIVATE_HEADERS, ETag: etag })
      .end();
    return;
  }
  const blob = await blobs.get(grant.key);
  if (!blob) return sendError(res, 404, 'NOT_FOUND', 'Image introuvable.');
  const { head, stream } = await peek(blob);
  const mime = sniffImage(head);
  if (grant.mask) {
    if (!mime || blob.size > MAX_MASKED_BYTES) {
      // A corrector's first page that cannot be masked is not sent at all.
      stream.destroy();
      return sendError(res, 404, 'NOT_FOUND', 'Image introuvable.');
    }
    const masked = await maskHeader(await buffer(stream), mime, grant.mask);
    res
      .status(200)
      .set({ ...PRIVATE_HEADERS, 'Content-Type': mime, 'Content-Length': String(masked.length), ETag: etag })
      .end(masked);
    return;
  }
  res.status(200).set({
    ...PRIVATE_HEADERS,
    'Content-Type': mime ?? 'application/octet-stream',
    'Content-Length': String(blob.size),
    ETag: etag,
  });
  await pipeline(stream, res);
};

/** The first chunk of the blob, and a stream that still yields every byte from the start. */
const peek = async (blob: BlobContent): Promise<{ head: Buffer; stream: Readable }> => {
  const chunks = blob.stream[Symbol.asyncIterator]();
  const first = await chunks.next();
  const head: Buffer = first.done ? Buffer.alloc(0) : Buffer.from(first.value as Buffer);
  const rest = async function* () {
    yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value as Buffer;
  };
  const stream = Readable.from(rest(), { objectMode: false });
  stream.on('close', () => blob.stream.destroy());
  return { head, stream };
};
