import 'reflect-metadata';
import { readFile, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { PostgresEventStore } from '#event-store';
import { ProjectionRunner, allProjections } from '#projections';
import { AppModule, SCHEMA_FILE } from '../../apps/api/src/app.module.js';
import type { Runtime } from '../../apps/api/src/runtime/runtime.js';
import { LocalBlobStore } from '../../apps/api/src/runtime/blob-store.js';
import { loadConfig } from '../../apps/api/src/runtime/config.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

describe('the running API', () => {
  let db: TestDatabase;
  let runtime: Runtime;
  let runner: ProjectionRunner;
  let app: INestApplication;
  let base: string;
  const schemaFile = path.join(os.tmpdir(), `korrigo-schema-${randomUUID()}.gql`);

  beforeAll(async () => {
    db = await createTestDatabase();
    const store = await PostgresEventStore.create(db.pool, { pollIntervalMs: 100 });
    runtime = {
      config: { ...loadConfig(), env: 'test', readyMaxLagSeconds: 30 },
      pool: db.pool,
      store,
      blobs: new LocalBlobStore(path.join(os.tmpdir(), `korrigo-blobs-${randomUUID()}`)),
      databaseLabel: 'test',
      close: async () => store.close(),
    };
    runner = new ProjectionRunner(store, db.pool, allProjections, { log: () => undefined });
    await runner.start();
    app = await NestFactory.create(AppModule.register(runtime, runner, { schemaFile }), { logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
    await runner?.stop();
    await runtime?.close();
    await db?.drop();
    await rm(schemaFile, { force: true });
  });

  const graphql = async (query: string) => {
    const response = await fetch(`${base}/api/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return { status: response.status, body: (await response.json()) as { data?: Record<string, never>; errors?: unknown[] } };
  };

  it('answers the liveness probe', async () => {
    const response = await fetch(`${base}/api/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready when the store answers and projections are caught up', async () => {
    const response = await fetch(`${base}/api/health/ready`);
    const body = (await response.json()) as { status: string; projections: { name: string; running: boolean }[] };
    expect(response.status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.projections.map((p) => p.name).sort()).toEqual(allProjections.map((p) => p.name).sort());
  });

  it('reports the store and each projection in systemStatus', async () => {
    const streamId = `copy-${randomUUID()}`;
    const appended = await runtime.store.append(
      streamId,
      [1, 2, 3].map((i) => ({ eventId: randomUUID(), type: 'ScoreAwarded', data: { points: i }, metadata: { actorId: 'teacher-1' } })),
      'no_stream',
    );
    expect(await runner.waitFor(appended.position)).toBe(true);
    const { body } = await graphql('{ systemStatus { storeKind eventCount lastPosition projections { name checkpoint caughtUp lagSeconds eventsSeen } } }');
    const status = (body.data as unknown as { systemStatus: { storeKind: string; eventCount: string; lastPosition: string; projections: { checkpoint: string; caughtUp: boolean; eventsSeen: string }[] } }).systemStatus;
    expect(status.storeKind).toBe('postgres');
    expect(status.eventCount).toBe('3');
    expect(status.lastPosition).toBe(`${appended.position.commit}/${appended.position.prepare}`);
    for (const projection of status.projections) {
      expect(projection).toMatchObject({ checkpoint: status.lastPosition, caughtUp: true, eventsSeen: '3' });
    }
  });

  it('turns not ready with a reason when a projection is not running', async () => {
    await runner.stop();
    const response = await fetch(`${base}/api/health/ready`);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { reason: string }).reason).toMatch(/audit-log/);
    await runner.start();
  });

  it('rejects a malformed query with a GraphQL error, not a crash', async () => {
    const { status, body } = await graphql('{ systemStatus { nope } }');
    expect(status).toBe(400);
    expect(body.errors).toBeDefined();
  });

  it('has the committed schema file up to date (CI fails on drift)', async () => {
    const [generated, committed] = await Promise.all([readFile(schemaFile, 'utf8'), readFile(SCHEMA_FILE, 'utf8').catch(() => '')]);
    expect(committed).toBe(generated);
  });
});
