import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { type EventStore, type PostgresEventStore, formatPosition } from '#event-store';
import { EVENTS_PREFIX, decodeEvent, encodeEvent } from '../../ops/src/archive-format.js';
import { readEntry, verifyArchive } from '../../ops/src/archive-reader.js';
import { silentProgress } from '../../ops/src/progress.js';
import { restore } from '../../ops/src/restore.js';
import { snapshot } from '../../ops/src/snapshot.js';
import {
  type Session,
  type TestRuntime,
  openTestRuntime,
  readEverything,
  scratchDir,
  seedSession,
  withoutPositions,
} from './ops-harness.js';

/** Each events entry of an archive: its text, and what the manifest says of it. */
const eventEntries = async (file: string) => {
  const archive = await verifyArchive(file, silentProgress);
  const handle = await open(file, 'r');
  try {
    const listed = new Map(archive.manifest.entries.map((entry) => [entry.name, entry]));
    const entries = [];
    for (const location of archive.entries.filter((entry) => entry.name.startsWith(EVENTS_PREFIX))) {
      entries.push({ text: (await readEntry(handle, location)).toString('utf8'), listed: listed.get(location.name)! });
    }
    return { manifest: archive.manifest, entries };
  } finally {
    await handle.close();
  }
};

const positionOf = (line: string): string => (JSON.parse(line) as { position: string }).position;

describe('the archive lines of a PostgreSQL store', () => {
  let source: TestRuntime;
  let session: Session;
  let dir: string;

  beforeAll(async () => {
    source = await openTestRuntime();
    session = await seedSession(source, 9);
    dir = await scratchDir();
  });
  afterAll(async () => {
    await source?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("are the store's own JSON of each event, equal to the events read through the port, in entries the manifest describes", async () => {
    const bulk = path.join(dir, 'bulk.tar');
    await snapshot(source, { out: bulk, entryBytes: 3000, pageSize: 5, rangeEvents: 11, readers: 2 });
    // The same store seen only through the port (not a PostgresEventStore): the generic, event-by-event path.
    const portOnly = new Proxy(source.store, { getPrototypeOf: () => Object.prototype }) as EventStore;
    const port = path.join(dir, 'port.tar');
    await snapshot({ ...source, store: portOnly }, { out: port, entryBytes: 3000, pageSize: 5 });

    const fromBulk = await eventEntries(bulk);
    const fromPort = await eventEntries(port);
    // Byte for byte what the store's per-event JSON (readAllJson, the earlier snapshot path) gives.
    const store = source.store as PostgresEventStore;
    const perEvent = (await store.readAllJson({ maxCount: 100_000 })).map((row) => `${row.json}\n`).join('');
    const bulkText = fromBulk.entries.map((entry) => entry.text).join('');
    expect(bulkText).toBe(perEvent);
    // jsonb writes its own spacing: across the two paths the events are equal as JSON values.
    const expected = (await readEverything(source.store)).map((event) => JSON.parse(encodeEvent(event)) as unknown);
    expect(
      bulkText
        .slice(0, -1)
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual(expected);
    const portText = fromPort.entries.map((entry) => entry.text).join('');
    expect(
      portText
        .slice(0, -1)
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual(expected);
    expect(fromBulk.manifest.counts).toEqual(fromPort.manifest.counts);
    expect(fromBulk.manifest.counts.events).toBe(session.events);

    expect(fromBulk.entries.length).toBeGreaterThan(3);
    for (const { text, listed } of fromBulk.entries) {
      const lines = text.slice(0, -1).split('\n');
      expect(listed.events).toBe(lines.length);
      expect(listed.firstPosition).toBe(positionOf(lines[0]!));
      expect(listed.lastPosition).toBe(positionOf(lines[lines.length - 1]!));
      // An entry ends with the line that brings it to the size asked for.
      expect(text.length - lines[lines.length - 1]!.length - 1).toBeLessThan(3000);
      expect(text.length).toBeGreaterThanOrEqual(fromBulk.entries.at(-1)?.text === text ? 1 : 3000);
    }
  });
});

describe('an archive restored into PostgreSQL in small batches', () => {
  it('continues streams across batches and holds the same events, ids, revisions and times', async () => {
    const source = await openTestRuntime();
    const target = await openTestRuntime();
    const dir = await scratchDir();
    try {
      const session = await seedSession(source, 6);
      const file = path.join(dir, 'small-batches.tar');
      await snapshot(source, { out: file });
      // Batches of 7 cut through streams: each batch's compare-and-set continues what the last one wrote.
      const result = await restore(target, file, { batchSize: 7 });
      expect(result.problems).toEqual([]);
      expect(result.events).toBe(session.events);
      expect(withoutPositions(await readEverything(target.store))).toEqual(withoutPositions(await readEverything(source.store)));
    } finally {
      await target.close();
      await source.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('an archive line decoded', () => {
  const event = {
    position: { commit: 812n, prepare: 40n },
    streamId: 'copy-"quoted"\\id',
    revision: 3n,
    eventId: '0b7f9c2e-4d1a-4a51-9d1e-2f4b8e0c6a11',
    type: 'FixturePointsNoted',
    recordedAt: '2026-11-21T10:00:00.123Z',
    data: {
      points: 4.5,
      note: 'a "data" field: ,"data": inside',
      strokes: [
        [1, 2],
        [3, 4],
      ],
    },
    metadata: {
      actorId: 'u-1',
      actorRole: 'teacher',
      correlationId: 'c',
      causationId: 'c',
      occurredAt: '2026-11-21T10:00:00Z',
      schemaVersion: 1,
    },
  };

  it('gives every field back, data and metadata included, also in a spread copy', () => {
    const decoded = decodeEvent(encodeEvent(event));
    expect({ ...decoded }).toEqual(event);
    expect(formatPosition(decoded.position)).toBe('812/40');
  });

  it('gives the same event when the fields come in another order', () => {
    const line = JSON.stringify({
      data: event.data,
      metadata: event.metadata,
      position: '812/40',
      streamId: event.streamId,
      revision: '3',
      eventId: event.eventId,
      type: event.type,
      recordedAt: event.recordedAt,
    });
    expect({ ...decodeEvent(line) }).toEqual(event);
  });
});
