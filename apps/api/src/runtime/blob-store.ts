import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, opendir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Original PDFs, page images and generated PDFs (DESIGN §2). Content-addressed: a blob's key is the
 * sha256 of its bytes (64 lowercase hex), so storing the same file twice keeps one copy and a key
 * in an event names exactly one content. Two implementations: the local folder below, and an
 * S3-compatible bucket (`S3_*`, s3-blob-store.ts); tests/contract holds both to one contract.
 */
export interface BlobStore {
  /** Stores the content and resolves to its key. With `expectedKey`, refuses content that hashes otherwise. */
  put(content: Buffer | Readable, options?: { expectedKey?: string }): Promise<StoredBlob>;
  /** The content as a stream with its size, or null when the store has no such blob. */
  get(key: string): Promise<BlobContent | null>;
  has(key: string): Promise<boolean>;
  /** Every key, in no particular order. */
  list(): AsyncIterable<string>;
  /** Throws when a remote store cannot be reached or refuses these credentials (readiness). */
  probe?(): Promise<void>;
  /** Lets go of connections, when the store holds any. */
  close?(): void;
}

export interface StoredBlob {
  readonly key: string;
  readonly size: number;
}

export interface BlobContent {
  readonly size: number;
  readonly stream: Readable;
}

const KEY = /^[0-9a-f]{64}$/;
export const isBlobKey = (value: string): boolean => KEY.test(value);

export class BlobKeyMismatchError extends Error {
  readonly code = 'VALIDATION';
  constructor(
    readonly expectedKey: string,
    readonly actualKey: string,
  ) {
    super(`Blob content hashes to ${actualKey}, expected ${expectedKey}`);
    this.name = 'BlobKeyMismatchError';
  }
}

/**
 * `<root>/<first two hex>/<key>`. A put streams into `<root>/.incoming/` while hashing, then renames
 * into place: a reader never sees a half-written blob, and a crash leaves only an orphan upload.
 */
export class LocalBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  private pathOf(key: string): string {
    if (!isBlobKey(key)) throw new RangeError(`Not a blob key: "${key}"`);
    return path.join(this.root, key.slice(0, 2), key);
  }

  async put(content: Buffer | Readable, options: { expectedKey?: string } = {}): Promise<StoredBlob> {
    const incoming = path.join(this.root, '.incoming');
    await mkdir(incoming, { recursive: true });
    const temporary = path.join(incoming, `${process.pid}-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    const source = Buffer.isBuffer(content) ? Readable.from([content]) : content;
    try {
      await pipeline(
        source,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            size += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(temporary, { flags: 'wx' }),
      );
      const key = hash.digest('hex');
      if (options.expectedKey !== undefined && options.expectedKey !== key) throw new BlobKeyMismatchError(options.expectedKey, key);
      const target = this.pathOf(key);
      await mkdir(path.dirname(target), { recursive: true });
      await rename(temporary, target); // same content under the same name: replacing it is harmless
      return { key, size };
    } finally {
      await rm(temporary, { force: true });
    }
  }

  async get(key: string): Promise<BlobContent | null> {
    const file = this.pathOf(key);
    try {
      const { size } = await stat(file);
      return { size, stream: createReadStream(file, { highWaterMark: 1 << 20 }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      await stat(this.pathOf(key));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async *list(): AsyncIterable<string> {
    let top;
    try {
      top = await opendir(this.root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for await (const fan of top) {
      if (!fan.isDirectory() || !/^[0-9a-f]{2}$/.test(fan.name)) continue;
      for await (const entry of await opendir(path.join(this.root, fan.name))) {
        if (entry.isFile() && isBlobKey(entry.name)) yield entry.name;
      }
    }
  }
}
