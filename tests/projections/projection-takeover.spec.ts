import { randomUUID } from 'node:crypto';
import { type ImportedEvent, PostgresEventStore } from '#event-store';
import { ProjectionRunner, allProjections, readCheckpoints } from '#projections';
import { type TestDatabase, createTestDatabase } from '../support/pg.js';

/*
 * Regression: the takeover timer could fire while an earlier attempt was still starting a loop. The
 * advisory lock is re-entrant within the runner's session, so both attempts "won" it and the same
 * projection ran twice in one process (batches applied twice, events_seen inflated, a loop left
 * running after stop()).
 */
describe('projection takeover', () => {
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

  it('starts each projection once when the holder releases it, however often the timer fires', async () => {
    const events: ImportedEvent[] = [];
    for (let s = 0; s < 40; s++) {
      const streamId = `copy-${randomUUID()}`;
      for (let r = 0; r < 50; r++) {
        events.push({
          eventId: randomUUID(),
          type: 'ScoreAwarded',
          data: { points: r % 5 },
          metadata: { actorId: 'teacher-1', actorRole: 'corrector', occurredAt: new Date().toISOString() },
          streamId,
          revision: BigInt(r),
          recordedAt: new Date().toISOString(),
        });
      }
    }
    await store.importEvents(events);

    // Another replica holds every projection; it dies a little later and this runner takes over.
    const holder = await db.pool.connect();
    for (const projection of allProjections) {
      await holder.query('SELECT pg_advisory_lock(hashtext($1))', [`korrigo:projection:${projection.name}`]);
    }
    const logs: string[] = [];
    const runner = new ProjectionRunner(store, db.pool, allProjections, { batchSize: 50, takeoverIntervalMs: 1, log: (m) => logs.push(m) });
    await runner.start();
    setTimeout(() => holder.release(true), 300);
    try {
      expect(await runner.catchUp(20_000)).toBe(true);
    } finally {
      await runner.stop();
    }
    await new Promise((resolve) => setTimeout(resolve, 300)); // a leaked loop would log after stop()

    const checkpoints = await readCheckpoints(db.pool);
    expect(checkpoints.map((c) => [c.name, c.eventsSeen])).toEqual(allProjections.map((p) => [p.name, 2000n]).sort());
    expect(logs).toEqual([]);
  });
});
