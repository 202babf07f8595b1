import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { attachmentDisposition } from '../corrected-copies/file-names.js';
import type { BlobContent } from '../runtime/blob-store.js';

/** A file to save (a corrected PDF, an archive): per session, never cached, never sniffed, never shown inline. */
const attachmentHeaders = (type: string, fileName: string, size: number): Record<string, string> => ({
  'Cache-Control': 'private, no-store',
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Type': type,
  'Content-Length': String(size),
  'Content-Disposition': attachmentDisposition(fileName),
});

export const sendAttachment = async (res: Response, type: string, fileName: string, content: BlobContent | Uint8Array): Promise<void> => {
  if (content instanceof Uint8Array) {
    res
      .status(200)
      .set(attachmentHeaders(type, fileName, content.byteLength))
      .end(Buffer.from(content.buffer, content.byteOffset, content.byteLength));
    return;
  }
  res.status(200).set(attachmentHeaders(type, fileName, content.size));
  await pipeline(content.stream, res);
};
