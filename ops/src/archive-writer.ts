import { createHash } from 'node:crypto';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { type Manifest, type ManifestEntry, MANIFEST_ENTRY, SUMS_ENTRY, sumsFile } from './archive-format.js';
import { END_OF_ARCHIVE, encodeHeader, paddingOf } from './tar.js';

const PADDING = Buffer.alloc(512);

/**
 * Writes a snapshot's tar entries one after the other, hashing each entry and the whole file as it
 * goes. The file is written as `<file>.partial` and renamed at the end, so a snapshot that failed
 * half-way never looks like a complete one.
 */
export class ArchiveWriter {
  private readonly fileHash = createHash('sha256');
  private readonly written: ManifestEntry[] = [];
  private bytes = 0;
  private readonly mtime = new Date();

  private constructor(
    private readonly file: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(file: string): Promise<ArchiveWriter> {
    return new ArchiveWriter(file, await open(`${file}.partial`, 'w'));
  }

  get bytesWritten(): number {
    return this.bytes;
  }

  get entries(): readonly ManifestEntry[] {
    return this.written;
  }

  private async write(buffers: Buffer[]): Promise<void> {
    for (const buffer of buffers) {
      this.fileHash.update(buffer);
      this.bytes += buffer.length;
    }
    await this.handle.writev(buffers);
  }

  /** A whole entry held in memory (an events entry, the manifest). */
  async addBuffer(name: string, content: Buffer, extra: Partial<ManifestEntry> = {}): Promise<ManifestEntry> {
    const entry: ManifestEntry = { name, size: content.length, sha256: createHash('sha256').update(content).digest('hex'), ...extra };
    await this.write([
      encodeHeader({ name, size: content.length, mtime: this.mtime }),
      content,
      PADDING.subarray(0, paddingOf(content.length)),
    ]);
    this.written.push(entry);
    return entry;
  }

  /** An entry streamed from elsewhere (a blob); `size` must be known up front, as tar headers come first. */
  async addStream(name: string, size: number, content: AsyncIterable<Buffer>, onBytes?: (bytes: number) => void): Promise<ManifestEntry> {
    const hash = createHash('sha256');
    await this.write([encodeHeader({ name, size, mtime: this.mtime })]);
    let seen = 0;
    for await (const chunk of content) {
      seen += chunk.length;
      if (seen > size) break;
      hash.update(chunk);
      await this.write([chunk]);
      onBytes?.(chunk.length);
    }
    if (seen !== size) throw new Error(`${name} changed while it was archived (${size} bytes announced, ${seen} read)`);
    await this.write([PADDING.subarray(0, paddingOf(size))]);
    const entry: ManifestEntry = { name, size, sha256: hash.digest('hex') };
    this.written.push(entry);
    return entry;
  }

  /** Writes the manifest (built from the entries so far) and SHA256SUMS, then renames the file into place. */
  async finish(manifest: (entries: readonly ManifestEntry[]) => Manifest): Promise<{ bytes: number; sha256: string }> {
    await this.addBuffer(MANIFEST_ENTRY, Buffer.from(`${JSON.stringify(manifest([...this.written]), null, 2)}\n`));
    await this.addBuffer(SUMS_ENTRY, Buffer.from(sumsFile(this.written)));
    await this.write([END_OF_ARCHIVE]);
    await this.handle.sync();
    await this.handle.close();
    await rename(`${this.file}.partial`, this.file);
    return { bytes: this.bytes, sha256: this.fileHash.digest('hex') };
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(`${this.file}.partial`, { force: true });
  }
}
