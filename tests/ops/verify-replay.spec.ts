import { randomUUID } from 'node:crypto';
import { ProjectionRunner, allProjections } from '#projections';
import { replay } from '../../ops/src/replay.js';
import { verify } from '../../ops/src/verify.js';
import { type TestRuntime, openTestRuntime, seedSession } from './ops-harness.js';

const quiet = { log: () => undefined };

describe('read models checked against a fresh rebuild', () => {
  let runtime: TestRuntime;
  beforeEach(async () => {
    runtime = await openTestRuntime();
    await seedSession(runtime, 20);
    await replay(runtime);
  });
  afterEach(async () => {
    await runtime?.close();
  });

  it('finds nothing to report when they were built by the runner, and leaves no scratch schema behind', async () => {
    const result = await verify(runtime);
    expect(result.ok).toBe(true);
    const tables = result.projections.flatMap((report) => report.tables);
    expect(tables.map((table) => table.table)).toEqual(expect.arrayContaining(['audit_log', 'stream_summary']));
    expect(tables.every((table) => table.missing === 0 && table.extra === 0 && table.liveChecksum === table.rebuiltChecksum)).toBe(true);
    expect(await scratchSchemas(runtime)).toEqual([]);
  });

  it('reports which table differs, by how many rows, with example keys', async () => {
    const { rows } = await runtime.pool.query<{ stream_id: string }>(
      `DELETE FROM stream_summary WHERE stream_id IN (SELECT stream_id FROM stream_summary ORDER BY stream_id LIMIT 2) RETURNING stream_id`,
    );
    const ghost = randomUUID();
    await runtime.pool.query(
      `INSERT INTO audit_log (event_id, stream_id, category, revision, type, recorded_at) VALUES ($1, 'copy-x', 'copy', 0, 'Ghost', now())`,
      [ghost],
    );

    const result = await verify(runtime);
    expect(result.ok).toBe(false);
    const tables = Object.fromEntries(result.projections.flatMap((report) => report.tables.map((table) => [table.table, table])));
    expect(tables.stream_summary).toMatchObject({ missing: 2, extra: 0, missingKeys: rows.map((row) => row.stream_id).sort() });
    expect(tables.audit_log).toMatchObject({ missing: 0, extra: 1, extraKeys: [ghost] });
    expect(tables.audit_log!.liveChecksum).not.toEqual(tables.audit_log!.rebuiltChecksum);
    expect(await scratchSchemas(runtime)).toEqual([]);
  });

  it('is repaired by a replay, of one projection or all', async () => {
    await runtime.pool.query(`UPDATE stream_summary SET revision = revision + 7`);
    await runtime.pool.query(`DELETE FROM audit_log WHERE type = 'FixturePointsNoted'`);

    await replay(runtime, { projection: 'stream-summary' });
    const partly = await verify(runtime);
    const clean = Object.fromEntries(
      partly.projections.map((report) => [report.name, report.tables.every((table) => table.missing + table.extra === 0)]),
    );
    expect(clean).toMatchObject({ 'audit-log': false, 'stream-summary': true });

    await replay(runtime);
    expect((await verify(runtime)).ok).toBe(true);
  });

  describe('while the app runs its projections', () => {
    it('compares at the live checkpoint, however far the app has gone meanwhile', async () => {
      const app = new ProjectionRunner(runtime.store, runtime.pool, allProjections, { ...quiet, batchSize: 7 });
      await app.start();
      try {
        const writing = seedSession(runtime, 30);
        const result = await verify(runtime, { pageSize: 13 });
        await writing;
        expect(result.projections.every((report) => report.problem === null)).toBe(true);
        expect(result.ok).toBe(true);
      } finally {
        await app.stop();
      }
    });

    it('replays through the app when the app holds the projections', async () => {
      const app = new ProjectionRunner(runtime.store, runtime.pool, allProjections, { ...quiet, takeoverIntervalMs: 200 });
      await app.start();
      try {
        expect(await app.catchUp(10_000)).toBe(true);
        await runtime.pool.query(`DELETE FROM stream_summary`);
        const result = await replay(runtime, { stallMs: 20_000 });
        // The app keeps its locks through the rebuild notices: it replays every read model itself.
        expect(result.replayedByApp).toEqual(allProjections.map((projection) => projection.name));
        expect((await verify(runtime)).ok).toBe(true);
      } finally {
        await app.stop();
      }
    });
  });
});

const scratchSchemas = async (runtime: TestRuntime): Promise<string[]> =>
  (await runtime.pool.query<{ name: string }>(`SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'verify\\_%'`)).rows.map(
    (row) => row.name,
  );
