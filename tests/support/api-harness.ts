import 'reflect-metadata';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PostgresEventStore } from '#event-store';
import { ProjectionRunner, allProjections } from '#projections';
import { AppModule } from '../../apps/api/src/app.module.js';
import { AuthService } from '../../apps/api/src/auth/auth.service.js';
import { type Runtime, openBlobStore } from '../../apps/api/src/runtime/runtime.js';
import { type BlobStore, LocalBlobStore } from '../../apps/api/src/runtime/blob-store.js';
import { type S3Config, loadConfig } from '../../apps/api/src/runtime/config.js';
import { servePortal } from '../../apps/api/src/portal.js';
import { createTestDatabase, type TestDatabase } from './pg.js';

export const ADMIN = { email: 'admin@lycee.test', password: 'Correct-Horse-42' };

export interface GraphQLResult<T = Record<string, unknown>> {
  readonly status: number;
  readonly data?: T;
  readonly errors?: { message: string; extensions?: { code?: string } }[];
}

/** A browser-like GraphQL client: keeps cookies and echoes the CSRF token, as the portal does. */
export class ApiClient {
  private cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<GraphQLResult<T>> {
    const response = await fetch(`${this.base}/api/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...(this.cookies.has('korrigo_csrf') ? { 'x-csrf-token': decodeURIComponent(this.cookies.get('korrigo_csrf')!) } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const [name, ...value] = pair!.split('=');
      if (/expires=Thu, 01 Jan 1970/i.test(header)) this.cookies.delete(name!);
      else this.cookies.set(name!, value.join('='));
    }
    const body = (await response.json()) as GraphQLResult<T>;
    return { status: response.status, data: body.data ?? undefined, errors: body.errors };
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  async signIn(portal: 'ADMIN' | 'TEACHER' | 'STUDENT', login: string, password: string): Promise<GraphQLResult> {
    return this.graphql(
      `mutation($portal: Portal!, $login: String!, $password: String!) { signIn(portal: $portal, login: $login, password: $password) { id role mustChangePassword } }`,
      { portal, login, password },
    );
  }
}

export interface ApiHarness {
  readonly base: string;
  readonly runtime: Runtime;
  readonly runner: ProjectionRunner;
  readonly app: INestApplication;
  readonly db: TestDatabase;
  client(): ApiClient;
  admin(): Promise<ApiClient>;
  close(): Promise<void>;
}

/** The real API on a fresh test database (or the given one), with an admin created as on first start. */
export const startApi = async (
  options: {
    schemaFile?: string;
    env?: 'test' | 'production' | 'development';
    /** A database that already holds a store and read models (e.g. a restore's target); dropped on close. */
    database?: TestDatabase;
    /** Serve the built portal (apps/portal/dist) on the API's origin, as `npm start` does: browser tests. */
    portal?: boolean;
    /** Blobs in this bucket (e.g. the S3 stand-in's), opened as `npm start` opens S3_*, instead of a temp folder. */
    s3?: S3Config;
    /** Blobs in this folder, kept on close (shared by replicas on one database), instead of a new temp folder. */
    blobDir?: string;
  } = {},
): Promise<ApiHarness> => {
  const db = options.database ?? (await createTestDatabase());
  const store = await PostgresEventStore.create(db.pool, { pollIntervalMs: 100 });
  const blobDir = options.blobDir ?? path.join(os.tmpdir(), `korrigo-blobs-${randomUUID()}`);
  const config = { ...loadConfig(), env: options.env ?? 'test', readyMaxLagSeconds: 30, s3: options.s3 ?? null };
  const blobs: BlobStore = config.s3 ? await openBlobStore({ ...config, dataDir: blobDir }) : new LocalBlobStore(blobDir);
  const runtime: Runtime = {
    config,
    pool: db.pool,
    store,
    blobs,
    databaseLabel: 'test',
    close: async () => {
      await store.close();
      blobs.close?.();
    },
  };
  const runner = new ProjectionRunner(store, db.pool, allProjections, { log: () => undefined });
  await runner.start();
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register(runtime, runner, { schemaFile: options.schemaFile ?? path.join(os.tmpdir(), `korrigo-schema-${randomUUID()}.gql`) }),
    { logger: false },
  );
  if (options.portal && !servePortal(app)) throw new Error('the portal is not built: run `npm run build:portal` first');
  await app.listen(0, '127.0.0.1');
  await app.get(AuthService).bootstrapAdmin(ADMIN.email, ADMIN.password);
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    base,
    runtime,
    runner,
    app,
    db,
    client: () => new ApiClient(base),
    admin: async () => {
      const client = new ApiClient(base);
      const result = await client.signIn('ADMIN', ADMIN.email, ADMIN.password);
      if (result.errors) throw new Error(`admin sign-in failed: ${JSON.stringify(result.errors)}`);
      return client;
    },
    close: async () => {
      await app.close();
      await runner.stop();
      await runtime.close();
      await db.drop();
      if (!options.blobDir) await rm(blobDir, { recursive: true, force: true });
    },
  };
};
