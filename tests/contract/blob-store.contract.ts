/**
 * The contract every blob store passes (DESIGN §2, §9): the local folder, the S3 store on the S3
 * stand-in, and a real S3-compatible service when S3_TEST_ENDPOINT is set.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { BlobKeyMismatchError, type BlobStore } from '../../apps/api/src/runtime/blob-store.js';

export interface BlobStoreHarness {
  /** A store that starts empty (its own folder, bucket or key prefix). */
  readonly store: BlobStore;
  teardown(): Promise<void>;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

const readAll = async (stream: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
};

const listAll = async (store: BlobStore): Promise<string[]> => {
  const keys: string[] = [];
  for await (const key of store.list()) keys.push(key);
  return keys;
};

/** `total` bytes, deterministic but incompressible, produced 64 KiB at a time and never held whole. */
const generated = (total: number, seed: string): Readable =>
  Readable.from(
    (function* () {
      let block = createHash('sha512').update(seed).digest();
      for (let sent = 0; sent < total; sent += 65_536) {
        const chunk = Buffer.alloc(Math.min(65_536, total - sent));
        for (let at = 0; at < chunk.length; at += block.length) {
          block = createHash('sha512').update(block).digest();
          block.copy(chunk, at);
        }
        yield chunk;
      }
    })(),
  );

export const blobStoreContract = (name: string, open: () => Promise<BlobStoreHarness>): void => {
  describe(`${name} — blob store contract`, () => {
    let harness: BlobStoreHarness;
    let store: BlobStore;
    beforeAll(async () => {
      harness = await open();
      store = harness.store;
    });
    afterAll(async () => {
      await harness?.teardown();
    });

    it('gives back the bytes it stored, under their sha256, from a buffer or a stream', async () => {
      const bytes = randomBytes(70_000);
      const fromBuffer = await store.put(bytes);
      expect(fromBuffer).toEqual({ key: sha256(bytes), size: bytes.length });
      const other = randomBytes(1234);
      const fromStream = await store.put(Readable.from([other.subarray(0, 1000), other.subarray(1000)]));
      expect(fromStream).toEqual({ key: sha256(other), size: other.length });
      for (const [key, content] of [
        [fromBuffer.key, bytes],
        [fromStream.key, other],
      ] as const) {
        const blob = await store.get(key);
        expect(blob?.size).toBe(content.length);
        expect((await readAll(blob!.stream)).equals(content)).toBe(true);
        expect(await store.has(key)).toBe(true);
      }
    });

    it('keeps one object when the same content is stored twice', async () => {
      const bytes = randomBytes(5000);
      const before = (await listAll(store)).length;
      const first = await store.put(bytes);
      const second = await store.put(Readable.from([bytes]));
      expect(second).toEqual(first);
      const keys = await listAll(store);
      expect(keys.length).toBe(before + 1);
      expect(keys.filter((key) => key === first.key)).toHaveLength(1);
    });

    it('stores an empty blob', async () => {
      const stored = await store.put(Buffer.alloc(0));
      expect(stored).toEqual({ key: sha256(Buffer.alloc(0)), size: 0 });
      expect((await readAll((await store.get(stored.key))!.stream)).length).toBe(0);
    });

    it('refuses content that does not hash to the expected key, and stores nothing', async () => {
      const bytes = randomBytes(3000);
      const expectedKey = sha256(randomBytes(16));
      const before = await listAll(store);
      await expect(store.put(Readable.from([bytes]), { expectedKey })).rejects.toThrow(BlobKeyMismatchError);
      await expect(store.put(bytes, { expectedKey })).rejects.toMatchObject({ code: 'VALIDATION', expectedKey, actualKey: sha256(bytes) });
      expect(await store.has(sha256(bytes))).toBe(false);
      expect((await listAll(store)).sort()).toEqual(before.sort());
      expect(await store.put(bytes, { expectedKey: sha256(bytes) })).toEqual({ key: sha256(bytes), size: bytes.length });
    });

    it('answers null and false for a key it does not have, and refuses what is not a key', async () => {
      const missing = sha256(randomBytes(8));
      expect(await store.get(missing)).toBeNull();
      expect(await store.has(missing)).toBe(false);
      await expect(store.get('../../etc/passwd')).rejects.toThrow(RangeError);
      await expect(store.has('ABC')).rejects.toThrow(RangeError);
    });

    it('lists every key past a thousand (paged listings)', async () => {
      const stored = new Set<string>();
      const contents = Array.from({ length: 1010 }, (_, i) => Buffer.from(`blob ${i} ${randomBytes(8).toString('hex')}`));
      for (let at = 0; at < contents.length; at += 25)
        for (const blob of await Promise.all(contents.slice(at, at + 25).map((content) => store.put(content)))) stored.add(blob.key);
      const listed = await listAll(store);
      expect(new Set(listed).size).toBe(listed.length);
      expect(listed.filter((key) => stored.has(key)).length).toBe(1010);
    });

    it('streams a 20 MB blob in and out', async () => {
      const size = 20 * 1024 * 1024;
      const expected = createHash('sha256');
      for await (const chunk of generated(size, name) as AsyncIterable<Buffer>) expected.update(chunk);
      const key = expected.digest('hex');
      expect(await store.put(generated(size, name), { expectedKey: key })).toEqual({ key, size });
      const blob = await store.get(key);
      expect(blob?.size).toBe(size);
      const read = createHash('sha256');
      let length = 0;
      for await (const chunk of blob!.stream as AsyncIterable<Buffer>) {
        read.update(chunk);
        length += chunk.length;
      }
      expect(length).toBe(size);
      expect(read.digest('hex')).toBe(key);
    });
  });
};
