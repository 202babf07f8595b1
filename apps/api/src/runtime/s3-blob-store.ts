import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type BlobContent, BlobKeyMismatchError, type BlobStore, type StoredBlob, isBlobKey } from './blob-store.js';
import { S3Connection, S3Error, type S3Settings, xmlValues } from './s3-request.js';

export { S3Error, type S3Settings } from './s3-request.js';

/**
 * Blobs in an S3-compatible bucket (S3_*), one object per content under `<prefix><sha256>`.
 *
 * A put needs the content's hash before it can decide anything (the key, `expectedKey`, whether the
 * bucket already has it), so a stream is first spooled to a temporary file while hashing: memory
 * stays flat for a 300 MB scan, and each retry re-reads the file. The upload is then one PutObject
 * signed with the payload's real SHA-256 (which is the key): the service checks the bytes it got
 * against it, over plain HTTP (a MinIO next to the API) as over HTTPS, where UNSIGNED-PAYLOAD would
 * leave that check to TLS alone. One PUT takes up to 5 GB, far above SCAN_MAX_BYTES.
 */
export class S3BlobStore implements BlobStore {
  private readonly connection: S3Connection;
  private readonly prefix: string;

  constructor(
    settings: S3Settings,
    private readonly options: { spoolDir?: string; listPageSize?: number } = {},
  ) {
    this.prefix = settings.prefix === '' || settings.prefix.endsWith('/') ? settings.prefix : `${settings.prefix}/`;
    this.connection = new S3Connection({ ...settings, prefix: this.prefix });
  }

  /** For messages: `bucket "korrigo" at https://s3.example`. */
  get label(): string {
    return this.connection.label;
  }

  private objectKey(key: string): string {
    if (!isBlobKey(key)) throw new RangeError(`Not a blob key: "${key}"`);
    return `${this.prefix}${key}`;
  }

  async put(content: Buffer | Readable, options: { expectedKey?: string } = {}): Promise<StoredBlob> {
    if (Buffer.isBuffer(content)) {
      const key = createHash('sha256').update(content).digest('hex');
      return this.upload(key, content.length, () => Readable.from([content]), options.expectedKey);
    }
    const spoolDir = this.options.spoolDir ?? os.tmpdir();
    await mkdir(spoolDir, { recursive: true });
    const spool = path.join(spoolDir, `korrigo-s3-${process.pid}-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    try {
      await pipeline(
        content,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            size += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(spool, { flags: 'wx' }),
      );
      return await this.upload(hash.digest('hex'), size, () => createReadStream(spool, { highWaterMark: 1 << 20 }), options.expectedKey);
    } finally {
      await rm(spool, { force: true });
    }
  }

  private async upload(key: string, size: number, open: () => Readable, expectedKey: string | undefined): Promise<StoredBlob> {
    if (expectedKey !== undefined && expectedKey !== key) throw new BlobKeyMismatchError(expectedKey, key);
    // Content-addressed: an object under this key already holds exactly these bytes.
    if (await this.has(key)) return { key, size };
    const response = await this.connection.send({
      method: 'PUT',
      key: this.objectKey(key),
      body: { open, length: size, sha256: key },
      accept: [200],
      what: `PutObject ${key}`,
    });
    response.resume();
    return { key, size };
  }

  async get(key: string): Promise<BlobContent | null> {
    const response = await this.connection.send({ method: 'GET', key: this.objectKey(key), accept: [200, 404], what: `GetObject ${key}` });
    if (response.statusCode === 404) {
      let body = '';
      for await (const chunk of response as AsyncIterable<Buffer>) body += chunk.toString('utf8');
      const code = xmlValues(body, 'Code')[0];
      // A missing bucket is a misconfiguration, not a missing blob.
      if (code && code !== 'NoSuchKey')
        throw new S3Error(`S3 GetObject ${key} on ${this.label} failed: HTTP 404 ${code}`, 404, code, false);
      return null;
    }
    const size = Number(response.headers['content-length']);
    if (!Number.isSafeInteger(size)) {
      response.destroy();
      throw new S3Error(`S3 GetObject ${key} on ${this.label} answered without a Content-Length`, 200, undefined, false);
    }
    return { size, stream: response };
  }

  async has(key: string): Promise<boolean> {
    const response = await this.connection.send({
      method: 'HEAD',
      key: this.objectKey(key),
      accept: [200, 404],
      what: `HeadObject ${key}`,
    });
    response.resume();
    return response.statusCode === 200;
  }

  async *list(): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const query: [string, string][] = [
        ['list-type', '2'],
        ['prefix', this.prefix],
      ];
      if (this.options.listPageSize) query.push(['max-keys', String(this.options.listPageSize)]);
      if (token) query.push(['continuation-token', token]);
      const response = await this.connection.send({ method: 'GET', query, accept: [200], what: 'ListObjectsV2' });
      let xml = '';
      for await (const chunk of response as AsyncIterable<Buffer>) xml += chunk.toString('utf8');
      for (const objectKey of xmlValues(xml, 'Key')) {
        const key = objectKey.slice(this.prefix.length);
        if (objectKey.startsWith(this.prefix) && isBlobKey(key)) yield key;
      }
      token = xmlValues(xml, 'IsTruncated')[0] === 'true' ? xmlValues(xml, 'NextContinuationToken')[0] : undefined;
    } while (token);
  }

  /** HeadBucket, once and within 5 s: the bucket exists and these credentials may use it (startup, readiness). */
  async probe(): Promise<void> {
    const response = await this.connection.send({ method: 'HEAD', accept: [200], what: 'HeadBucket', attempts: 1, timeoutMs: 5000 });
    response.resume();
  }

  close(): void {
    this.connection.close();
  }
}
