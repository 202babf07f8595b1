import 'reflect-metadata';
import path from 'node:path';
import { rm } from 'node:fs/promises';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PostgresEventStore } from '#event-store';
import { ProjectionRunner, allProjections } from '#projections';
import { AppModule } from '../../../apps/api/src/app.module.js';
import { AuthService } from '../../../apps/api/src/auth/auth.service.js';
import { LocalBlobStore } from '../../../apps/api/src/runtime/blob-store.js';
import { loadConfig } from '../../../apps/api/src/runtime/config.js';
import { servePortal } from '../../../apps/api/src/portal.js';
import type { Runtime } from '../../../apps/api/src/runtime/runtime.js';
import { ADMIN, ApiClient, type ApiHarness } from '../../support/api-harness.js';
import type { BenchCluster } from './bench-cluster.js';

/**
 * The real API in this process, as `npm start` opens it (openRuntime: a pool of 20 on the `korrigo`
 * database, the PostgreSQL event store, the projection runner, production settings), but on the
 * bench cluster. Shaped like the test harness so that the spec fixtures work on it unchanged.
 */
export const startBenchApi = async (cluster: BenchCluster, poolSize = 20, options: { portal?: boolean } = {}): Promise<ApiHarness> => {
  const pool = await cluster.openDatabase('korrigo', poolSize);
  const store = await PostgresEventStore.create(pool);
  const blobDir = path.join(cluster.dataDir, 'blobs');
  const runtime: Runtime = {
    config: { ...loadConfig(), env: 'production', dataDir: cluster.dataDir },
    pool,
    store,
    blobs: new LocalBlobStore(blobDir),
    databaseLabel: `bench (${cluster.clusterDir})`,
    close: async () => store.close(),
  };
  const runner = new ProjectionRunner(store, pool, allProjections, { log: (line) => process.stderr.write(`[projections] ${line}\n`) });
  await runner.start();
  // Production: the schema is built in memory, no file is written.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(runtime, runner), { logger: ['error', 'warn'] });
  // The built portal on the API's origin, as `npm start` serves it (browser benches).
  if (options.portal && !servePortal(app)) throw new Error('the portal is not built: run `npm run build:portal` first');
  await app.listen(0, '127.0.0.1');
  await app.get(AuthService).bootstrapAdmin(ADMIN.email, ADMIN.password);
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    base,
    runtime,
    runner,
    app,
    db: { url: 'bench', pool, drop: async () => undefined },
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
      await rm(blobDir, { recursive: true, force: true });
    },
  };
};

/** What a browser tab of a signed-in user sends with every call: its cookies and the CSRF header. */
export interface SessionHeaders {
  readonly cookie: string;
  readonly 'x-csrf-token': string;
}

export const sessionHeaders = (client: ApiClient): SessionHeaders => {
  const session = client.cookie('korrigo_session');
  const csrf = client.cookie('korrigo_csrf');
  if (!session || !csrf) throw new Error('the client is not signed in');
  return { cookie: `korrigo_session=${session}; korrigo_csrf=${csrf}`, 'x-csrf-token': decodeURIComponent(csrf) };
};
