import type { RecordedEvent } from '#event-store';
import { COPY_LOCK_CHANNEL, type Projection, checksumTables, copiesProjection, examCopiesProjection, handles } from '#projections';
import { COPY_EVENT_TYPES } from '../../libs/projections/src/copies/copies.schema.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { copyHistory } from './copy-history.js';
import { copiesPerEventProjection, examCopiesPerEventProjection } from './copies-per-event.reference.js';

/**
 * The copies projection (and exam-copies) applies a batch set-based (load, fold in JS, write back); it must leave
 * exactly the rows the event-by-event apply it replaced leaves (kept as copies-per-event.reference.ts),
 * and announce the same lock changes, over a decider-made history with every copy event type, in
 * batches of random sizes that cut copies' histories anywhere, and when batches are applied again
 * (the runner replays from its checkpoint after a crash).
 */
const SLOW = 300_000;

const seeded = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
};

interface Applied {
  readonly dump: Record<string, string[]>;
  readonly checksums: Record<string, string>;
  readonly notices: string[];
  /** Batches that ended between two events of the same copy. */
  readonly cutCopies: number;
}

/** Applies `events` in transactions of 1..maxBatch events; with `replay`, now and then applies again a stretch already committed. */
const applyAll = async (
  db: TestDatabase,
  projection: Projection,
  events: readonly RecordedEvent[],
  options: { seed: number; maxBatch: number; replay: boolean },
): Promise<Applied> => {
  const random = seeded(options.seed);
  const listener = await db.pool.connect();
  const notices: string[] = [];
  listener.on('notification', (message) => notices.push(message.payload ?? ''));
  await listener.query(`LISTEN ${COPY_LOCK_CHANNEL}`);
  const inTransaction = async (batch: readonly RecordedEvent[]): Promise<void> => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await projection.apply(
        client,
        batch.filter((event) => handles(projection, event)),
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  };
  let cutCopies = 0;
  try {
    const setup = await db.pool.connect();
    await projection.setup(setup).finally(() => setup.release());
    let from = 0;
    while (from < events.length) {
      const to = Math.min(events.length, from + 1 + Math.floor(random() * options.maxBatch));
      await inTransaction(events.slice(from, to));
      if (to < events.length && events.slice(0, to).some((event) => event.streamId === events[to]!.streamId)) cutCopies++;
      if (options.replay && random() < 0.25) await inTransaction(events.slice(Math.max(0, from - Math.floor(random() * 500)), to));
      from = to;
    }
    await listener.query('SELECT 1'); // notifications of the last commit arrive before this answer
    const dump: Record<string, string[]> = {};
    for (const table of projection.tables) {
      const { rows } = await db.pool.query<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM ${table.name} t ORDER BY ${table.key}`);
      dump[table.name] = rows.map((r) => r.row);
    }
    const client = await db.pool.connect();
    const checksums = await checksumTables(client, projection).finally(() => client.release());
    return { dump, checksums, notices, cutCopies };
  } finally {
    await listener.query(`UNLISTEN ${COPY_LOCK_CHANNEL}`);
    listener.release();
  }
};

describe('the copies projection applied by batch', () => {
  const databases: TestDatabase[] = [];
  const database = async (): Promise<TestDatabase> => {
    const db = await createTestDatabase();
    databases.push(db);
    return db;
  };
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });

  const history = copyHistory(300);
  let reference: Applied;
  beforeAll(async () => {
    reference = await applyAll(await database(), copiesPerEventProjection, history, { seed: 1, maxBatch: 200, replay: false });
  }, SLOW);

  it('is tried on a history with every copy event', () => {
    const types = new Set(history.map((event) => event.type));
    expect(COPY_EVENT_TYPES.filter((type) => !types.has(type))).toEqual([]);
    expect([...types].filter((type) => type.startsWith('AiSuggestion')).length).toBeGreaterThan(1);
    const copies = new Set(history.map((event) => event.streamId));
    expect(copies.size).toBeGreaterThan(300);
    expect(reference.dump.copies!.length).toBeGreaterThan(250);
    expect(reference.dump.copy_annotations!.length).toBeGreaterThan(100);
    expect(reference.dump.copy_page_transfers!.length).toBeGreaterThan(5);
    expect(reference.notices.length).toBeGreaterThan(20);
  });

  it(
    'leaves the same rows and announces the same lock changes as the event-by-event apply',
    async () => {
      const batched = await applyAll(await database(), copiesProjection, history, { seed: 2, maxBatch: 1500, replay: false });
      expect(batched.cutCopies).toBeGreaterThan(0);
      for (const table of Object.keys(reference.dump))
        expect({ table, rows: batched.dump[table] }).toEqual({ table, rows: reference.dump[table] });
      expect(batched.checksums).toEqual(reference.checksums);
      expect(batched.notices).toEqual(reference.notices);
    },
    SLOW,
  );

  it(
    'leaves the same rows when batches are applied again',
    async () => {
      const replayed = await applyAll(await database(), copiesProjection, history, { seed: 3, maxBatch: 400, replay: true });
      for (const table of Object.keys(reference.dump))
        expect({ table, rows: replayed.dump[table] }).toEqual({ table, rows: reference.dump[table] });
      expect(replayed.checksums).toEqual(reference.checksums);
    },
    SLOW,
  );

  it(
    'leaves the same rows one event per batch',
    async () => {
      const single = await applyAll(await database(), copiesProjection, history.slice(0, 4000), { seed: 4, maxBatch: 1, replay: true });
      const partial = await applyAll(await database(), copiesPerEventProjection, history.slice(0, 4000), {
        seed: 5,
        maxBatch: 50,
        replay: false,
      });
      expect(single.dump).toEqual(partial.dump);
    },
    SLOW,
  );

  it(
    'exam-copies leaves the same rows as its event-by-event apply, batches applied again included',
    async () => {
      const perEvent = await applyAll(await database(), examCopiesPerEventProjection, history, { seed: 6, maxBatch: 200, replay: false });
      const batched = await applyAll(await database(), examCopiesProjection, history, { seed: 7, maxBatch: 1200, replay: true });
      expect(perEvent.dump.exam_copies!.length).toBeGreaterThan(250);
      expect(batched.dump).toEqual(perEvent.dump);
      expect(batched.checksums).toEqual(perEvent.checksums);
    },
    SLOW,
  );
});
