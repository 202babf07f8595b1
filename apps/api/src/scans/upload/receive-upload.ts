import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import busboy from 'busboy';
import { UploadError } from './upload-error.js';

/** A file of the form, streamed to a temporary file while hashed and counted. */
export interface ReceivedFile {
  readonly fileName: string;
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

export interface ReceivedUpload {
  readonly files: readonly ReceivedFile[];
  readonly fields: Readonly<Record<string, string>>;
  /** Set when the upload went past the size cap: nothing of it was kept. */
  readonly tooLarge: { readonly fileName: string; readonly received: number } | null;
}

export interface ReceiveOptions {
  readonly tmpDir: string;
  /** For all the files of the request together. */
  readonly maxBytes: number;
  readonly maxFiles: number;
}

const FIELDS = 10;
const FIELD_BYTES = 1_000;
const FILE_NAME_MAX = 200;

/**
 * Streams a multipart upload to `<tmpDir>` (DESIGN §6: streamed, size-capped): nothing is held in
 * memory, and past `maxBytes` nothing more is written — the rest is read and dropped so the client
 * gets its answer, unless it keeps sending well past the cap, when the connection is cut. Resolves
 * once every file is on disk; on any failure the temporary files are already removed. The caller
 * removes the files it received (`discard`).
 */
export const receiveUpload = async (req: Request, options: ReceiveOptions): Promise<ReceivedUpload> => {
  await mkdir(options.tmpDir, { recursive: true });
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      limits: { files: options.maxFiles, fields: FIELDS, fieldSize: FIELD_BYTES, parts: options.maxFiles + FIELDS },
    });
  } catch {
    throw new UploadError(400, 'BAD_USER_INPUT', 'Envoyez le PDF dans un formulaire multipart/form-data.');
  }
  const files: ReceivedFile[] = [];
  const writing: Promise<void>[] = [];
  const streams: Readable[] = [];
  const created: string[] = [];
  const fields: Record<string, string> = {};
  let total = 0;
  let tooLarge: { fileName: string; received: number } | null = null;

  const done = new Promise<void>((resolve, reject) => {
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (_field, stream, info) => {
      const fileName = cleanFileName(info.filename);
      const target = path.join(options.tmpDir, `upload-${randomUUID()}.pdf`);
      created.push(target);
      streams.push(stream);
      const hash = createHash('sha256');
      let size = 0;
      const capped = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          total += chunk.length;
          if (total > options.maxBytes) {
            tooLarge ??= { fileName, received: total };
            tooLarge.received = total;
            callback(); // dropped: the request is read to its end, nothing more is kept
            return;
          }
          size += chunk.length;
          hash.update(chunk);
          callback(null, chunk);
        },
      });
      writing.push(
        pipeline(stream, capped, createWriteStream(target, { flags: 'wx' })).then(() => {
          files.push({ fileName, path: target, size, sha256: hash.digest('hex') });
        }),
      );
    });
    parser.on('filesLimit', () => reject(new UploadError(400, 'BAD_USER_INPUT', `Au plus ${options.maxFiles} fichiers par envoi.`)));
    parser.on('error', () => reject(new UploadError(400, 'BAD_USER_INPUT', 'Le formulaire envoyé est illisible : renvoyez le fichier.')));
    parser.on('close', () => resolve());
    // A request that ends before its form did: the client gave up, or was cut off past the cap.
    req.on('close', () => {
      if (!req.complete) reject(new UploadError(400, 'BAD_USER_INPUT', 'L’envoi a été interrompu avant la fin.'));
    });
  });
  // A client that goes on sending far past the cap is not read to the end: the connection is cut.
  const ceiling = options.maxBytes * 2 + 16 * 1024 * 1024;
  let read = 0;
  const watch = (chunk: Buffer): void => {
    read += chunk.length;
    if (read > ceiling) req.destroy();
  };
  req.on('data', watch);
  req.pipe(parser);
  try {
    await done;
    await Promise.all(writing);
  } catch (error) {
    req.unpipe(parser);
    req.resume();
    // Files the form left half-sent never end by themselves: ended here, so their writes settle.
    for (const stream of streams) stream.destroy();
    await Promise.allSettled(writing);
    await discard(created);
    if (tooLarge) return { files: [], fields, tooLarge };
    throw error; // an UploadError, or the disk failing (an internal error)
  } finally {
    req.off('data', watch);
  }
  if (tooLarge) {
    await discard(created);
    return { files: [], fields, tooLarge };
  }
  // In the order the form listed them, not the order they finished writing.
  files.sort((a, b) => created.indexOf(a.path) - created.indexOf(b.path));
  return { files, fields, tooLarge: null };
};

/** Removes temporary files; a file already gone is fine. */
export const discard = async (paths: readonly string[]): Promise<void> => {
  await Promise.all(paths.map((file) => rm(file, { force: true })));
};

/** The name as the admin will read it: no folder, no control characters, not endless. */
const cleanFileName = (raw: string | undefined): string => {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return [...(clean || 'scan.pdf')].slice(0, FILE_NAME_MAX).join('');
};
