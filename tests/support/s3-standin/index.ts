/**
 * An S3 stand-in for tests: PutObject, GetObject, HeadObject, ListObjectsV2 and
 * HeadBucket on one bucket, objects in a temporary folder, every request's SigV4 signature verified
 * against the one secret it knows, and S3's XML errors. Faults can be injected: the next requests
 * answer 500, or stall before answering. Virtual-hosted requests are recognised by their Host header
 * (`<bucket>.localhost:<port>`); path-style is what `settings` says.
 *
 *   const s3 = await startS3StandIn();  new S3BlobStore({ ...s3.settings, prefix: '' })
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { S3Settings } from '../../../apps/api/src/runtime/s3-request.js';
import { ObjectFolder } from './object-folder.js';
import { type Fault, handleS3Request } from './s3-handler.js';

export interface S3StandIn {
  /** Endpoint, bucket, region and the credentials it accepts (path-style). */
  readonly settings: Omit<S3Settings, 'prefix'>;
  readonly objects: ObjectFolder;
  /** Every request received, as `PUT /bucket/key`, `GET /bucket?list-type=2…`: what the client really did. */
  readonly requests: string[];
  /** The next `count` requests (that pass authentication) answer this status with S3's XML error. */
  failNext(count: number, status?: number, code?: string): void;
  /** The next `count` requests wait `ms` before answering (a client's timeout fires first). */
  stallNext(count: number, ms: number): void;
  close(): Promise<void>;
}

export const startS3StandIn = async (options: { bucket?: string; region?: string } = {}): Promise<S3StandIn> => {
  const bucket = options.bucket ?? 'korrigo-test';
  const region = options.region ?? 'us-east-1';
  const credentials = {
    accessKeyId: `STANDIN${randomBytes(6).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64'),
  };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'korrigo-s3-standin-'));
  const objects = new ObjectFolder(dir);
  const faults: Fault[] = [];
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    handleS3Request(request, response, { bucket, region, credentials, objects, nextFault: () => faults.shift() }).catch(
      (error: unknown) => {
        if (!response.headersSent) response.writeHead(500).end();
        else response.destroy(error as Error);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    settings: { endpoint: `http://127.0.0.1:${port}`, bucket, region, forcePathStyle: true, ...credentials },
    objects,
    requests,
    failNext: (count, status = 500, code = 'InternalError') => faults.push(...Array.from({ length: count }, () => ({ status, code }))),
    stallNext: (count, ms) => faults.push(...Array.from({ length: count }, () => ({ stallMs: ms }))),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
};
