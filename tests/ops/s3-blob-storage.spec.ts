import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { BlobStore } from '../../apps/api/src/runtime/blob-store.js';
import { S3BlobStore } from '../../apps/api/src/runtime/s3-blob-store.js';
import type { OpsRuntime } from '../../ops/src/ops-runtime.js';
import { restore } from '../../ops/src/restore.js';
import { snapshot, snapshotSucceeded } from '../../ops/src/snapshot.js';
import { type S3StandIn, startS3StandIn } from '../support/s3-standin/index.js';
import {
  type Session,
  type TestRuntime,
  openTestRuntime,
  readEverything,
  scratchDir,
  seedSession,
  withoutPositions,
} from './ops-harness.js';

/**
 * Snapshots and restores read and write blobs through the BlobStore interface only: a session whose
 * blobs are in a bucket restores into another bucket prefix, and into a plain blob folder.
 */
describe('a snapshot of a session whose blobs are in S3', () => {
  let s3: S3StandIn;
  let dir: string;
  let archive: string;
  let source: OpsRuntime;
  let session: Session;
  const opened: TestRuntime[] = [];
  const buckets: S3BlobStore[] = [];
  const inBucket = async (prefix: string): Promise<OpsRuntime> => {
    const base = await openTestRuntime();
    opened.push(base);
    const blobs = new S3BlobStore({ ...s3.settings, prefix });
    buckets.push(blobs);
    return { store: base.store, pool: base.pool, blobs };
  };
  const bytesOf = async (blobs: BlobStore, key: string): Promise<Buffer> => Buffer.concat(await (await blobs.get(key))!.stream.toArray());

  beforeAll(async () => {
    s3 = await startS3StandIn();
    dir = await scratchDir();
    archive = path.join(dir, 'session.tar');
    source = await inBucket('source/');
    session = await seedSession(source, 6);
    const result = await snapshot(source, { out: archive });
    expect(snapshotSucceeded(result)).toBe(true);
  });
  afterAll(async () => {
    for (const blobs of buckets) blobs.close();
    await Promise.all(opened.map((runtime) => runtime.close()));
    await s3?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['another bucket prefix', () => inBucket('restored/')],
    ['a local blob folder', async () => opened[opened.push(await openTestRuntime()) - 1]!],
  ])('restores into %s with every blob byte for byte', async (_, target) => {
    const into = await target();
    const result = await restore(into, archive);
    expect(result.problems).toEqual([]);
    expect(result.blobsCopied).toBe(session.blobKeys.length);
    expect(withoutPositions(await readEverything(into.store))).toEqual(withoutPositions(await readEverything(source.store)));
    for (const key of session.blobKeys) expect((await bytesOf(into.blobs, key)).equals(await bytesOf(source.blobs, key))).toBe(true);
  });
});
