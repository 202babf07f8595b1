import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The stand-in's objects: one file per key in a folder (nothing held in memory), a sorted index. */
export class ObjectFolder {
  private readonly keys = new Set<string>();
  constructor(private readonly dir: string) {}

  private fileOf(key: string): string {
    return path.join(this.dir, encodeURIComponent(key));
  }

  /** Writes the body under a temporary name, then renames it in place if its SHA-256 and length are right. */
  async write(
    key: string,
    body: Readable,
    expected: { sha256: string | null; length: number },
  ): Promise<'ok' | 'bad-digest' | 'incomplete'> {
    const temporary = path.join(this.dir, `.incoming-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let length = 0;
    try {
      await pipeline(
        body,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            length += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(temporary),
      );
      if (length !== expected.length) return 'incomplete';
      if (expected.sha256 !== null && hash.digest('hex') !== expected.sha256) return 'bad-digest';
      await rename(temporary, this.fileOf(key));
      this.keys.add(key);
      return 'ok';
    } finally {
      await rm(temporary, { force: true });
    }
  }

  async size(key: string): Promise<number | null> {
    if (!this.keys.has(key)) return null;
    return (await stat(this.fileOf(key))).size;
  }

  read(key: string): Readable {
    return createReadStream(this.fileOf(key));
  }

  /** Keys in S3's order (UTF-8 binary), with the prefix, after `startAfter`. */
  list(prefix: string, startAfter: string | undefined): string[] {
    return [...this.keys]
      .filter((key) => key.startsWith(prefix) && (startAfter === undefined || key > startAfter))
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  }

  get count(): number {
    return this.keys.size;
  }
}
