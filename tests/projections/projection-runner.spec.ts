import type { PoolClient } from 'pg';
import { randomUUID } from 'node:crypto';
import { type EventData, PostgresEventStore } from '#event-store';
import {
  type Projection,
  ProjectionRunner,
  allProjections,
  auditLogProjection,
  checksumTables,
  readCheckpoint,
  rebuildProjection,
} from '#projections';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const scoreAwarded = (points: number): EventData => ({
  eventId: randomUUID(),
  type: 'ScoreAwarded',
  data: { points },
  metadata: { actorId: 'teacher-1', actorRole: 'teacher', occurredAt: new Date().toISOString() },
});

/** One client runs one query at a time: checksums are read in turn. */
const checksumsOf = async (client: PoolClient): Promise<Record<string, string>[]> => {
  const sums: Record<string, string>[] = [];
  for (const projection of allProjections) sums.push(await checksumTables(client, projection));
  return sums;
};

const quiet = { log: () => undefined, takeoverIntervalMs: 100 };

describe('the projection runner', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeEach(async () => {
    db = await createTestDatabase();
    store = await PostgresEventStore.create(db.pool, { pollIntervalMs: 100 });
  });
  afterEach(async () => {
    await store.close();
    await db.drop();
  });

  const countRows = async (table: string): Promise<number> => Number((await db.pool.query(`SELECT count(*) FROM ${table}`)).rows[0].count);

  it('projects history, then live events, and answers read-your-writes', async () => {
    await store.append(`copy-${randomUUID()}`, [scoreAwarded(1), scoreAwarded(2)], 'no_stream');
    const runner = new ProjectionRunner(store, db.pool, allProjections, { ...quiet, batchSize: 1 });
    await runner.start();
    try {
      const live = await store.append(`copy-${randomUUID()}`, [scoreAwarded(3)], 'no_stream');
      expect(await runner.waitFor(live.position, undefined, 5000)).toBe(true);
      expect(await countRows('audit_log')).toBe(3);
      const statuses = await runner.status();
      expect(statuses.every((s) => s.caughtUp && s.lagSeconds === 0 && s.running)).toBe(true);
    } finally {
      await runner.stop();
    }
  });

  it('times out read-your-writes when the projection cannot pass the position', async () => {
    const runner = new ProjectionRunner(store, db.pool, allProjections, quiet);
    const future = { commit: 10n ** 12n, prepare: 1n };
    expect(await runner.waitFor(future, undefined, 200)).toBe(false);
  });

  it('applies an event twice without changing the read model (idempotent apply)', async () => {
    await store.append(`copy-${randomUUID()}`, [scoreAwarded(1), scoreAwarded(2)], 'no_stream');
    const events = await store.readAll();
    const client = await db.pool.connect();
    try {
      for (const projection of allProjections) await projection.setup(client);
      for (const projection of allProjections) await projection.apply(client, events);
      const once = await checksumsOf(client);
      for (const projection of allProjections) await projection.apply(client, events);
      for (const projection of allProjections) await projection.apply(client, events.slice(0, 1));
      expect(await checksumsOf(client)).toEqual(once);
    } finally {
      client.release();
    }
  });

  const checksum = async (): Promise<Record<string, string>> => {
    const client = await db.pool.connect();
    try {
      return await checksumTables(client, auditLogProjection);
    } finally {
      client.release();
    }
  };

  it('rebuilds a projection while its loop runs and ends with the same rows', async () => {
    for (let i = 0; i < 20; i++) await store.append(`copy-${randomUUID()}`, [scoreAwarded(i), scoreAwarded(i + 1)], 'no_stream');
    const runner = new ProjectionRunner(store, db.pool, allProjections, quiet);
    await runner.start();
    try {
      expect(await runner.catchUp(10_000)).toBe(true);
      const before = await checksum();
      await rebuildProjection(db.pool, auditLogProjection); // as `ops replay` does from another process
      expect(await readCheckpoint(db.pool, 'audit-log')).toMatchObject({ eventsSeen: 0n });
      // The runner hears of the reset by notification: until then its own checkpoint still says "caught up".
      let after = await checksum();
      for (const deadline = Date.now() + 10_000; JSON.stringify(after) !== JSON.stringify(before) && Date.now() < deadline;) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        after = await checksum();
      }
      expect(after).toEqual(before);
      expect(await runner.catchUp(10_000)).toBe(true);
    } finally {
      await runner.stop();
    }
  });

  it('rebuilds a projection whose version changed', async () => {
    await store.append(`copy-${randomUUID()}`, [scoreAwarded(1)], 'no_stream');
    const first = new ProjectionRunner(store, db.pool, [auditLogProjection], quiet);
    await first.start();
    expect(await first.catchUp(5000)).toBe(true);
    await first.stop();
    await db.pool.query(`INSERT INTO audit_log SELECT * FROM audit_log LIMIT 0`); // table exists
    await db.pool.query(`UPDATE audit_log SET type = 'Tampered'`);
    const bumped: Projection = { ...auditLogProjection, version: auditLogProjection.version + 1 };
    const second = new ProjectionRunner(store, db.pool, [bumped], quiet);
    await second.start();
    try {
      expect(await second.catchUp(5000)).toBe(true);
      expect((await db.pool.query(`SELECT type FROM audit_log`)).rows).toEqual([{ type: 'ScoreAwarded' }]);
      expect(await readCheckpoint(db.pool, 'audit-log')).toMatchObject({ version: bumped.version });
    } finally {
      await second.stop();
    }
  });

  it('runs each projection in one runner at a time and lets another take over when it stops', async () => {
    const a = new ProjectionRunner(store, db.pool, allProjections, quiet);
    const b = new ProjectionRunner(store, db.pool, allProjections, quiet);
    await a.start();
    await b.start();
    try {
      expect((await a.status()).every((s) => s.running)).toBe(true);
      expect((await b.status()).some((s) => s.running)).toBe(false);
      await a.stop();
      const appended = await store.append(`copy-${randomUUID()}`, [scoreAwarded(5)], 'no_stream');
      expect(await b.waitFor(appended.position, undefined, 5000)).toBe(true);
      expect((await b.status()).every((s) => s.running)).toBe(true);
      expect(await countRows('audit_log')).toBe(1);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('reports lag while behind', async () => {
    const runner = new ProjectionRunner(store, db.pool, allProjections, quiet);
    await store.append(`copy-${randomUUID()}`, [scoreAwarded(1)], 'no_stream');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await store.append(`copy-${randomUUID()}`, [scoreAwarded(2)], 'no_stream');
    const statuses = await runner.status(); // not started: nothing applied yet
    expect(statuses.every((s) => !s.caughtUp && s.lagSeconds >= 1)).toBe(true);
  });
});
