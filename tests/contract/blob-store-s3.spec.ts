import { createHash, randomBytes } from 'node:crypto';
import dns from 'node:dns';
import { Readable } from 'node:stream';
import { S3BlobStore, S3Error, type S3Settings } from '../../apps/api/src/runtime/s3-blob-store.js';
import { type S3StandIn, startS3StandIn } from '../support/s3-standin/index.js';

/** What only an S3 store has to get right: the wire (requests made), faults, credentials, prefixes. */
describe('the S3 blob store against the S3 stand-in', () => {
  let s3: S3StandIn;
  const opened: S3BlobStore[] = [];
  const storeWith = (overrides: Partial<S3Settings> = {}, options: { listPageSize?: number } = {}): S3BlobStore => {
    const store = new S3BlobStore({ ...s3.settings, prefix: 'korrigo', retryBaseMs: 10, timeoutMs: 2000, ...overrides }, options);
    opened.push(store);
    return store;
  };
  const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
  const requestsDuring = async (work: () => Promise<unknown>): Promise<string[]> => {
    const from = s3.requests.length;
    await work();
    return s3.requests.slice(from);
  };

  beforeAll(async () => {
    s3 = await startS3StandIn({ bucket: 'lycee-kerichen', region: 'eu-west-3' });
  });
  afterAll(async () => {
    for (const store of opened) store.close();
    await s3?.close();
  });

  it('stores under the prefix, path-style, and skips the upload of content the bucket already has', async () => {
    const store = storeWith();
    const bytes = randomBytes(2048);
    const first = await requestsDuring(() => store.put(bytes));
    expect(first).toEqual([`HEAD /lycee-kerichen/korrigo/${sha256(bytes)}`, `PUT /lycee-kerichen/korrigo/${sha256(bytes)}`]);
    const again = await requestsDuring(() => store.put(Readable.from([bytes])));
    expect(again).toEqual([`HEAD /lycee-kerichen/korrigo/${sha256(bytes)}`]);
  });

  it('makes no request at all for content that does not match its expected key', async () => {
    const store = storeWith();
    const made = await requestsDuring(() =>
      expect(store.put(randomBytes(100), { expectedKey: sha256(randomBytes(1)) })).rejects.toThrow(/expected/),
    );
    expect(made).toEqual([]);
  });

  it('pages a listing with continuation tokens, and lists only its own prefix', async () => {
    const store = storeWith({ prefix: 'paged/' }, { listPageSize: 3 });
    const keys = await Promise.all(Array.from({ length: 7 }, () => storeWith({ prefix: 'paged/' }).put(randomBytes(64)))).then((all) =>
      all.map((b) => b.key),
    );
    await storeWith({ prefix: 'elsewhere/' }).put(randomBytes(64));
    const listed: string[] = [];
    const made = await requestsDuring(async () => {
      for await (const key of store.list()) listed.push(key);
    });
    expect(listed.sort()).toEqual(keys.sort());
    expect(made).toHaveLength(3);
    expect(made.slice(1).every((request) => /[?&]continuation-token=[^&]+/.test(request))).toBe(true);
  });

  it('retries after a 500 and succeeds', async () => {
    const store = storeWith();
    const bytes = randomBytes(4096);
    s3.failNext(2);
    const made = await requestsDuring(() => store.put(bytes));
    expect(made).toHaveLength(4); // HEAD 500, HEAD 500, HEAD 404, PUT
    s3.failNext(1);
    const blob = await store.get(sha256(bytes));
    expect(Buffer.concat(await blob!.stream.toArray()).equals(bytes)).toBe(true);
  });

  it('gives up after its attempts with an error naming the bucket, the endpoint and the S3 code', async () => {
    const store = storeWith({ maxAttempts: 3 });
    s3.failNext(3, 503, 'SlowDown');
    const error = (await store.has(sha256(randomBytes(8))).catch((e: unknown) => e)) as S3Error;
    expect(error).toBeInstanceOf(S3Error);
    expect(error.message).toContain(`bucket "lycee-kerichen" at ${s3.settings.endpoint}`);
    expect(error.message).toMatch(/HeadObject [0-9a-f]{64}.*after 3 attempts.*HTTP 503/);
    expect(error.status).toBe(503);
  });

  it('abandons a request that stalls past its timeout and tries again', async () => {
    const store = storeWith({ timeoutMs: 150 });
    const bytes = randomBytes(512);
    await store.put(bytes);
    s3.stallNext(1, 1000);
    const made = await requestsDuring(async () => expect(await store.has(sha256(bytes))).toBe(true));
    expect(made).toHaveLength(2);
  });

  it('refuses a wrong secret with S3’s SignatureDoesNotMatch, without retrying', async () => {
    const store = storeWith({ secretAccessKey: 'not-the-secret' });
    let error: unknown;
    const made = await requestsDuring(async () => {
      error = await store.get(sha256(randomBytes(8))).catch((e: unknown) => e);
    });
    expect(made).toHaveLength(1);
    expect(error).toMatchObject({ name: 'S3Error', status: 403, s3Code: 'SignatureDoesNotMatch' });
    expect((error as Error).message).toMatch(
      /GetObject .* on bucket "lycee-kerichen" at http:\/\/127\.0\.0\.1:\d+ failed: HTTP 403 SignatureDoesNotMatch/,
    );
    await expect(store.probe()).rejects.toMatchObject({ status: 403 });
  });

  it('refuses a wrong region and an unknown access key', async () => {
    await expect(storeWith({ region: 'us-east-1' }).has(sha256(randomBytes(8)))).rejects.toMatchObject({ status: 400 });
    await expect(storeWith({ accessKeyId: 'AKIANOBODY' }).get(sha256(randomBytes(8)))).rejects.toMatchObject({
      s3Code: 'InvalidAccessKeyId',
    });
  });

  it('treats a missing bucket as an error, not as a missing blob', async () => {
    const store = storeWith({ bucket: 'no-such-bucket' });
    await expect(store.get(sha256(randomBytes(8)))).rejects.toMatchObject({ s3Code: 'NoSuchBucket' });
    await expect(store.probe()).rejects.toMatchObject({ status: 404 });
    await expect(storeWith().probe()).resolves.toBeUndefined();
  });

  it('addresses the bucket in the host name when path style is off', async () => {
    // <bucket>.localhost resolves to loopback in browsers, not in getaddrinfo: this test's own resolver does.
    const lookup = dns.lookup;
    const patched = (host: string, ...rest: unknown[]) =>
      (lookup as (...args: unknown[]) => void)(host.endsWith('.localhost') ? '127.0.0.1' : host, ...rest);
    dns.lookup = patched as typeof dns.lookup;
    try {
      const store = storeWith({ endpoint: s3.settings.endpoint.replace('127.0.0.1', 'localhost'), forcePathStyle: false });
      const bytes = randomBytes(300);
      const made = await requestsDuring(async () => {
        await store.put(bytes);
        expect(Buffer.concat(await (await store.get(sha256(bytes)))!.stream.toArray()).equals(bytes)).toBe(true);
        await store.probe();
      });
      expect(made).toEqual([`HEAD /korrigo/${sha256(bytes)}`, `PUT /korrigo/${sha256(bytes)}`, `GET /korrigo/${sha256(bytes)}`, 'HEAD /']);
    } finally {
      dns.lookup = lookup;
    }
  });

  it('reports an endpoint nobody listens on after its retries', async () => {
    const store = storeWith({ endpoint: 'http://127.0.0.1:9', maxAttempts: 2 });
    await expect(store.has(sha256(randomBytes(8)))).rejects.toThrow(
      /HeadObject .* at http:\/\/127\.0\.0\.1:9 failed after 2 attempts: ECONNREFUSED/,
    );
  });
});
