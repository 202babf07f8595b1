import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalBlobStore } from '../../apps/api/src/runtime/blob-store.js';
import { S3BlobStore } from '../../apps/api/src/runtime/s3-blob-store.js';
import { startS3StandIn } from '../support/s3-standin/index.js';
import { blobStoreContract } from './blob-store.contract.js';

blobStoreContract('Local folder', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'korrigo-blobs-'));
  return { store: new LocalBlobStore(dir), teardown: () => rm(dir, { recursive: true, force: true }) };
});

blobStoreContract('S3 store on the S3 stand-in', async () => {
  const s3 = await startS3StandIn();
  const store = new S3BlobStore({ ...s3.settings, prefix: 'korrigo/' });
  return {
    store,
    teardown: async () => {
      store.close();
      await s3.close();
    },
  };
});

/**
 * The same contract against a real S3-compatible service, e.g. MinIO:
 *   S3_TEST_ENDPOINT=http://localhost:9000 S3_TEST_BUCKET=korrigo-test S3_TEST_ACCESS_KEY_ID=… S3_TEST_SECRET_ACCESS_KEY=…
 * (S3_TEST_REGION, S3_TEST_FORCE_PATH_STYLE=false for virtual-hosted buckets). Each run writes under a
 * fresh key prefix, left in the bucket (the store cannot delete: blobs are never removed).
 */
const endpoint = process.env.S3_TEST_ENDPOINT;
if (endpoint) {
  blobStoreContract(`S3 store at ${endpoint}`, async () => {
    const store = new S3BlobStore({
      endpoint,
      bucket: process.env.S3_TEST_BUCKET ?? 'korrigo-test',
      region: process.env.S3_TEST_REGION ?? 'us-east-1',
      accessKeyId: process.env.S3_TEST_ACCESS_KEY_ID ?? '',
      secretAccessKey: process.env.S3_TEST_SECRET_ACCESS_KEY ?? '',
      prefix: `contract-${new Date().toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}/`,
      forcePathStyle: process.env.S3_TEST_FORCE_PATH_STYLE !== 'false',
    });
    return { store, teardown: async () => store.close() };
  });
}
