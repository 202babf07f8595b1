import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type EventData, type EventStore, type Position, PostgresEventStore, type RecordedEvent, START } from '#event-store';
import { LocalBlobStore } from '../../apps/api/src/runtime/blob-store.js';
import type { OpsRuntime } from '../../ops/src/ops-runtime.js';
import { type TestDatabase, createTestDatabase } from '../support/pg.js';

/** A runtime for the ops commands around a fresh test database, its PostgreSQL store and a blob folder. */
export interface TestRuntime extends OpsRuntime {
  readonly db: TestDatabase;
  readonly blobs: LocalBlobStore;
  close(): Promise<void>;
}

export const scratchDir = (): Promise<string> => mkdtemp(path.join(os.tmpdir(), 'korrigo-ops-'));

export const openTestRuntime = async (
  store?: (db: TestDatabase) => Promise<EventStore> | EventStore,
  blobDir?: string,
): Promise<TestRuntime> => {
  const db = await createTestDatabase();
  const eventStore = store ? await store(db) : await PostgresEventStore.create(db.pool, { pollIntervalMs: 100 });
  blobDir ??= await scratchDir();
  return {
    db,
    pool: db.pool,
    store: eventStore,
    blobs: new LocalBlobStore(blobDir),
    close: async () => {
      await eventStore.close();
      await db.drop();
      await rm(blobDir!, { recursive: true, force: true });
    },
  };
};

export const readEverything = async (store: EventStore): Promise<RecordedEvent[]> => {
  const all: RecordedEvent[] = [];
  let after: Position = START;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 1000 });
    if (page.length === 0) return all;
    all.push(...page);
    after = page[page.length - 1]!.position;
  }
};

/** What must survive a restore: everything but the position, which the target store assigns. */
export const withoutPositions = (events: readonly RecordedEvent[], keepTimes = true) =>
  events.map(({ position: _position, recordedAt, ...rest }) => (keepTimes ? { ...rest, recordedAt } : rest));

export interface Session {
  readonly blobKeys: readonly string[];
  readonly events: number;
}

/**
 * An exam session's worth of streams: an exam, a scan that refers to its PDF and page images by
 * blob key, and copies corrected over several events each. The event types are the fixture's own
 * (`Fixture…`): the commands under test are generic over events, and the domain's read models must
 * not trip over data shaped for this test.
 */
export const seedSession = async (runtime: OpsRuntime, copies = 12): Promise<Session> => {
  const { store, blobs } = runtime;
  const pdf = await blobs.put(Buffer.from(`%PDF-1.7 scan ${randomUUID()}\n${randomBytes(3000).toString('base64')}`));
  const pages = await Promise.all([1, 2, 3].map((page) => blobs.put(randomBytes(2048 + page))));
  const examId = randomUUID();
  let events = 0;
  const append = async (streamId: string, batch: EventData[], expected: 'no_stream' | bigint): Promise<void> => {
    await store.append(streamId, batch, expected);
    events += batch.length;
  };
  await append(`exam-${examId}`, [event('FixtureExamOpened', { examId, title: 'Bac blanc — mathématiques', maxScore: 20 })], 'no_stream');
  await append(
    `scan-${randomUUID()}`,
    [event('FixtureScanStored', { examId, pdfBlobKey: pdf.key, pages: { pageBlobKeys: pages.map((page) => page.key) } })],
    'no_stream',
  );
  for (let i = 0; i < copies; i++) {
    const copy = `copy-${randomUUID()}`;
    await append(
      copy,
      [event('FixtureCopyFiled', { examId, pageBlobKey: pages[i % 3]!.key }), event('FixtureCopyNamed', { studentId: randomUUID() })],
      'no_stream',
    );
    await append(copy, [event('FixturePointsNoted', { question: 'q1', points: i % 5, comment: 'très clair' })], 1n);
    if (i % 3 === 0) await append(copy, [event('FixtureCopyClosed', { total: 10 + (i % 7) })], 2n);
  }
  await append(`exam-${examId}`, [event('FixtureExamClosed', { examId })], 0n);
  return { blobKeys: [pdf.key, ...pages.map((page) => page.key)], events };
};

const event = (type: string, data: EventData['data']): EventData => ({
  eventId: randomUUID(),
  type,
  data,
  metadata: {
    actorId: randomUUID(),
    actorRole: 'teacher',
    correlationId: randomUUID(),
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  },
});
