/**
 * How fast, and in how much memory, the S3 blob store moves a large scan through the S3 stand-in
 * (loopback, objects on disk): peak RSS growth shows whether a put or get buffers the blob.
 *
 *   node --import ./tests/support/ts-loader.mjs tests/bench/s3-blobs.bench.ts [megabytes=200]
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { S3BlobStore } from '../../apps/api/src/runtime/s3-blob-store.js';
import { startS3StandIn } from '../support/s3-standin/index.js';

const megabytes = Number(process.argv[2] ?? 200);
const size = megabytes * 1024 * 1024;

// One random mebibyte, its first bytes numbered per chunk: cheap to produce, no two chunks alike.
const block = randomBytes(1 << 20);
const generated = (): Readable =>
  Readable.from(
    (function* () {
      for (let sent = 0; sent < size; sent += block.length) {
        const chunk = Buffer.from(block.subarray(0, Math.min(block.length, size - sent)));
        chunk.writeUInt32BE(sent / block.length, 0);
        yield chunk;
      }
    })(),
  );

const measured = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  try {
    return await work();
  } finally {
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    const growth = (Math.max(peak, process.memoryUsage().rss) - before) / 1024 / 1024;
    process.stdout.write(
      `${label.padEnd(12)} ${megabytes} MB in ${seconds.toFixed(2)} s (${(megabytes / seconds).toFixed(0)} MB/s), peak RSS +${growth.toFixed(0)} MB\n`,
    );
  }
};

const s3 = await startS3StandIn();
const store = new S3BlobStore({ ...s3.settings, prefix: 'bench/' });
try {
  const { key } = await measured('put stream', () => store.put(generated()));
  const read = await measured('get stream', async () => {
    const blob = await store.get(key);
    const hash = createHash('sha256');
    for await (const chunk of blob!.stream as AsyncIterable<Buffer>) hash.update(chunk);
    return hash.digest('hex');
  });
  if (read !== key) throw new Error(`read back ${read}, stored ${key}`);
  await measured('put again', () => store.put(generated())); // spooled and hashed, upload skipped
} finally {
  store.close();
  await s3.close();
}
