import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { allProjections } from '#projections';
import { SCHEMA_FILE } from '../../apps/api/src/app.module.js';
import { type ApiHarness, startApi } from '../support/api-harness.js';

describe('the running API', () => {
  let api: ApiHarness;
  const schemaFile = path.join(os.tmpdir(), `korrigo-schema-${randomUUID()}.gql`);
  beforeAll(async () => {
    api = await startApi({ schemaFile });
  });
  afterAll(async () => {
    await api?.close();
    await rm(schemaFile, { force: true });
  });

  it('answers the liveness probe without a session', async () => {
    const response = await fetch(`${api.base}/api/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready when the store answers and projections are caught up', async () => {
    const response = await fetch(`${api.base}/api/health/ready`);
    const body = (await response.json()) as { status: string; projections: { name: string; running: boolean }[] };
    expect(response.status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.projections.map((p) => p.name).sort()).toEqual(allProjections.map((p) => p.name).sort());
  });

  it('reports the store and each projection in systemStatus, for admins', async () => {
    const admin = await api.admin();
    const streamId = `copy-${randomUUID()}`;
    const appended = await api.runtime.store.append(
      streamId,
      [1, 2, 3].map((i) => ({ eventId: randomUUID(), type: 'ScoreAwarded', data: { points: i }, metadata: { actorId: 'teacher-1' } })),
      'no_stream',
    );
    expect(await api.runner.waitFor(appended.position)).toBe(true);
    const { data } = await admin.graphql<{
      systemStatus: {
        storeKind: string;
        eventCount: string;
        lastPosition: string;
        projections: { checkpoint: string; caughtUp: boolean }[];
      };
    }>('{ systemStatus { storeKind eventCount lastPosition projections { name checkpoint caughtUp lagSeconds eventsSeen } } }');
    const status = data!.systemStatus;
    expect(status.storeKind).toBe('postgres');
    expect(BigInt(status.eventCount)).toBe(await api.runtime.store.countEvents());
    expect(status.lastPosition).toBe(`${appended.position.commit}/${appended.position.prepare}`);
    for (const projection of status.projections) expect(projection).toMatchObject({ checkpoint: status.lastPosition, caughtUp: true });
  });

  it('refuses systemStatus without a session (UNAUTHENTICATED)', async () => {
    const { errors } = await api.client().graphql('{ systemStatus { storeKind } }');
    expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('turns not ready with a reason when a projection is not running', async () => {
    await api.runner.stop();
    const response = await fetch(`${api.base}/api/health/ready`);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { reason: string }).reason).toMatch(/audit-log/);
    await api.runner.start();
  });

  it('rejects a malformed query with a coded error, not a crash', async () => {
    const { status, errors } = await api.client().graphql('{ systemStatus { nope } }');
    expect(status).toBe(400);
    expect(errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('has the committed schema file up to date (CI fails on drift)', async () => {
    const [generated, committed] = await Promise.all([readFile(schemaFile, 'utf8'), readFile(SCHEMA_FILE, 'utf8').catch(() => '')]);
    if (process.env.UPDATE_SCHEMA === '1')
      await writeFile(SCHEMA_FILE, generated); // npm run schema
    else expect(committed).toBe(generated);
  });
});
