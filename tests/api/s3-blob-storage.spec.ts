import { randomBytes, randomUUID } from 'node:crypto';
import { createCanvas } from '@napi-rs/canvas';
import { encodeCanvas } from '#ocr';
import { loadConfig } from '../../apps/api/src/runtime/config.js';
import { openBlobStore } from '../../apps/api/src/runtime/runtime.js';
import { type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import { IMPORT_COPIES, createExam } from '../support/copy-fixtures.js';
import { type S3StandIn, startS3StandIn } from '../support/s3-standin/index.js';
import { ok } from '../support/school-fixtures.js';

/** The API with S3_* set (here, the S3 stand-in): page images go to the bucket and come back through the file route. */
describe('the API storing its blobs in an S3-compatible bucket', () => {
  let s3: S3StandIn;
  let api: ApiHarness;
  let admin: ApiClient;

  beforeAll(async () => {
    s3 = await startS3StandIn({ bucket: 'korrigo-lycee' });
    api = await startApi({ s3: { ...s3.settings, prefix: 'blobs/' } });
    admin = await api.admin();
  });
  afterAll(async () => {
    await api?.close();
    await s3?.close();
  });

  const cookieOf = (client: ApiClient): string =>
    ['korrigo_session', 'korrigo_csrf'].flatMap((name) => (client.cookie(name) ? [`${name}=${client.cookie(name)}`] : [])).join('; ');

  it('serves an admin a page image whose blob lives in the bucket', async () => {
    const image = await pageImage();
    const { key } = await api.runtime.blobs.put(image);
    expect(await s3.objects.size(`blobs/${key}`)).toBe(image.length);
    const examId = await createExam(api, []);
    const pageId = randomUUID();
    const missingPageId = randomUUID();
    ok(
      await admin.graphql(IMPORT_COPIES, {
        examId,
        scanId: randomUUID(),
        copies: [
          { pages: [{ pageId, number: 1, imageBlobKey: key }] },
          { pages: [{ pageId: missingPageId, number: 2, imageBlobKey: 'e'.repeat(64) }] },
        ],
      }),
    );
    const response = await fetch(`${api.base}/api/files/pages/${pageId}`, { headers: { cookie: cookieOf(admin) } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/webp');
    expect(Buffer.from(await response.arrayBuffer()).equals(image)).toBe(true);
    expect(s3.requests).toContain(`GET /korrigo-lycee/blobs/${key}`);

    const missing = await fetch(`${api.base}/api/files/pages/${missingPageId}`, { headers: { cookie: cookieOf(admin) } });
    expect(missing.status).toBe(404);
  });

  it('is ready while the bucket answers, and says why not when it fails', async () => {
    const ready = await fetch(`${api.base}/api/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', blobs: { kind: 's3', reachable: true } });
    s3.failNext(1, 500, 'InternalError');
    const failing = await fetch(`${api.base}/api/health/ready`);
    expect(failing.status).toBe(503);
    const body = (await failing.json()) as { blobs: unknown; reason: string };
    expect(body.blobs).toEqual({ kind: 's3', reachable: false });
    expect(body.reason).toMatch(/HeadBucket on bucket "korrigo-lycee" at http:\/\/127\.0\.0\.1:\d+ failed: HTTP 500$/); // a HEAD answer has no body, hence no S3 code
  });

  it('refuses to start on a bucket it cannot use, saying what to check', async () => {
    const config = { ...loadConfig(), s3: { ...s3.settings, prefix: '', secretAccessKey: randomBytes(20).toString('base64') } };
    await expect(openBlobStore(config)).rejects.toThrow(
      /S3 blob storage unusable \(check S3_ENDPOINT, S3_BUCKET and the keys\): S3 HeadBucket .* HTTP 403/,
    );
  });
});

const pageImage = async (): Promise<Buffer> => {
  const canvas = createCanvas(300, 420);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, 300, 420);
  context.fillStyle = '#111111';
  for (let y = 200; y < 260; y += 12) context.fillRect(20, y, 260, 6);
  return encodeCanvas(canvas, 'webp', 90);
};
