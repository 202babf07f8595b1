import { randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatPosition } from '#event-store';
import { auditLogProjection, streamSummaryProjection } from '#projections';
import { MANIFEST_ENTRY, parseManifest } from '../../ops/src/archive-format.js';
import { ArchiveCorruptError, RestoreRefusedError } from '../../ops/src/ops-runtime.js';
import { replay } from '../../ops/src/replay.js';
import { restore } from '../../ops/src/restore.js';
import { describeSnapshot, snapshot, snapshotSucceeded } from '../../ops/src/snapshot.js';
import {
  type Session,
  type TestRuntime,
  openTestRuntime,
  readEverything,
  scratchDir,
  seedSession,
  withoutPositions,
} from './ops-harness.js';

describe('a snapshot of a PostgreSQL store', () => {
  let source: TestRuntime;
  let session: Session;
  let dir: string;
  let archive: string;
  const targets: TestRuntime[] = [];
  const target = async (): Promise<TestRuntime> => {
    const opened = await openTestRuntime();
    targets.push(opened);
    return opened;
  };

  beforeAll(async () => {
    source = await openTestRuntime();
    session = await seedSession(source);
    dir = await scratchDir();
    archive = path.join(dir, 'session.tar');
    // Small entries, pages and ranges: several events/*.ndjson, read over three connections at once.
    await snapshot(source, { out: archive, entryBytes: 2000, pageSize: 4, rangeEvents: 7, readers: 3 });
  });
  afterAll(async () => {
    await Promise.all(targets.map((opened) => opened.close()));
    await source?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('restored into a fresh database', () => {
    it('holds the same events with the same ids, revisions and times, the same blobs and the same read models', async () => {
      const into = await target();
      const result = await restore(into, archive);
      expect(result.problems).toEqual([]);
      expect(result.events).toBe(session.events);

      const original = await readEverything(source.store);
      expect(withoutPositions(await readEverything(into.store))).toEqual(withoutPositions(original));
      for (const key of session.blobKeys) expect(await into.blobs.has(key)).toBe(true);

      const rebuilt = await replay(source);
      expect(result.checksums[streamSummaryProjection.name]).toEqual(rebuilt.checksums[streamSummaryProjection.name]);
      expect(result.checksums).toEqual(rebuilt.checksums); // every read model, identical
      expect(await auditRows(into)).toEqual(await auditRows(source));
    });
  });

  describe('with one flipped byte', () => {
    it.each([
      ['an event', (bytes: Buffer) => bytes.indexOf('FixturePointsNoted') + 2],
      ['a blob', (bytes: Buffer) => bytes.indexOf('%PDF-1.7') + 3],
      ['the manifest', (bytes: Buffer) => bytes.indexOf('"formatVersion"') + 4],
      ['a tar header', (bytes: Buffer) => bytes.indexOf('events/000002.ndjson') + 3],
    ])('in %s is refused before anything is written', async (_where, offsetOf) => {
      const bytes = await readFile(archive);
      const offset = offsetOf(bytes);
      expect(offset).toBeGreaterThan(3);
      bytes[offset] = bytes[offset]! ^ 0x01;
      const damaged = path.join(dir, `damaged-${offset}.tar`);
      await writeFile(damaged, bytes);

      const into = await target();
      await expect(restore(into, damaged)).rejects.toThrow(ArchiveCorruptError);
      expect(await into.store.head()).toBeNull();
      expect(await tablesOf(into)).toEqual(['es_events', 'es_streams']);
      expect(await keysOf(into)).toEqual([]);
    });
  });

  describe('restored into a store that already holds events', () => {
    it('is refused and the store is left as it was', async () => {
      const into = await target();
      await seedSession(into, 2);
      const before = await readEverything(into.store);
      await expect(restore(into, archive)).rejects.toThrow(RestoreRefusedError);
      expect(await readEverything(into.store)).toEqual(before);
      expect(await tablesOf(into)).toEqual(['es_events', 'es_streams']);
    });

    it('replaces the store with --force', async () => {
      const into = await target();
      await seedSession(into, 2);
      const result = await restore(into, archive, { force: true });
      expect(result.problems).toEqual([]);
      expect(withoutPositions(await readEverything(into.store))).toEqual(withoutPositions(await readEverything(source.store)));
    });
  });

  describe('restored to a point in time', () => {
    it('stops after the given original position', async () => {
      const original = await readEverything(source.store);
      const cut = original[9]!;
      const into = await target();
      const result = await restore(into, archive, { toPosition: cut.position });
      expect(result).toMatchObject({ events: 10, restoredTo: formatPosition(cut.position), problems: [] });
      expect(withoutPositions(await readEverything(into.store))).toEqual(withoutPositions(original.slice(0, 10)));
      expect(result.checksums[streamSummaryProjection.name]).toBeDefined();
    });

    it('stops before the first event recorded after the given time', async () => {
      const original = await readEverything(source.store);
      const time = new Date(original[20]!.recordedAt);
      const expected = original.findIndex((event) => Date.parse(event.recordedAt) > time.getTime());
      const into = await target();
      const result = await restore(into, archive, { toTime: time });
      expect(result.events).toBe(expected === -1 ? original.length : expected);
      expect(withoutPositions(await readEverything(into.store))).toEqual(withoutPositions(original.slice(0, result.events)));
    });

    it('copies only the blobs the restored events refer to', async () => {
      const original = await readEverything(source.store);
      const into = await target();
      await restore(into, archive, { toPosition: original[0]!.position }); // the exam's first event only: no blob
      expect(await keysOf(into)).toEqual([]);
    });
  });

  it('describes itself in a manifest: source, cut, counts and a hash per entry', async () => {
    const bytes = await readFile(archive);
    const start = bytes.indexOf('{\n  "format": "korrigo-snapshot"');
    const manifest = parseManifest(bytes.subarray(start, bytes.indexOf('\n}\n', start) + 3).toString('utf8'));
    const head = await source.store.head();
    expect(manifest).toMatchObject({
      source: { storeKind: 'postgres' },
      cut: { position: formatPosition(head!.position) },
      counts: { events: session.events, blobs: session.blobKeys.length },
      missingBlobs: [],
    });
    expect(manifest.entries.filter((entry) => entry.name.startsWith('events/')).length).toBeGreaterThan(1);
    expect(manifest.entries.every((entry) => /^[0-9a-f]{64}$/.test(entry.sha256))).toBe(true);
    expect(manifest.entries.map((entry) => entry.name)).not.toContain(MANIFEST_ENTRY);
  });
});

describe('a snapshot of an empty store', () => {
  it('restores to an empty store with empty read models', async () => {
    const empty = await openTestRuntime();
    const into = await openTestRuntime();
    const dir = await scratchDir();
    try {
      const taken = await snapshot(empty, { out: path.join(dir, 'empty.tar') });
      expect(taken).toMatchObject({ events: 0, cut: null, blobs: 0 });
      const result = await restore(into, path.join(dir, 'empty.tar'));
      expect(result).toMatchObject({ events: 0, restoredTo: null, problems: [] });
      expect(await into.store.head()).toBeNull();
      expect(result.checksums[streamSummaryProjection.name]).toEqual({ stream_summary: `0:${EMPTY_MD5}` });
    } finally {
      await Promise.all([empty.close(), into.close(), rm(dir, { recursive: true, force: true })]);
    }
  });
});

describe('a snapshot whose events refer to a blob the blob store lacks', () => {
  it('is written, lists the blob as missing and does not count as a success; its restore says so', async () => {
    const source = await openTestRuntime();
    const into = await openTestRuntime();
    const dir = await scratchDir();
    const lost = 'f'.repeat(64);
    try {
      await source.store.append(
        `scan-${randomUUID()}`,
        [{ eventId: randomUUID(), type: 'FixtureScanStored', data: { pdfBlobKey: lost }, metadata: {} }],
        'no_stream',
      );
      const taken = await snapshot(source, { out: path.join(dir, 'lost.tar') });
      expect(taken.missingBlobs).toEqual([lost]);
      expect(snapshotSucceeded(taken)).toBe(false);
      expect(describeSnapshot(taken)).toMatch(/INCOMPLETE: 1 blobs MISSING/);
      const result = await restore(into, path.join(dir, 'lost.tar'));
      expect(result.problems).toEqual([]);
      expect(result.warnings.join('\n')).toMatch(/already missing when the snapshot was taken: f{64}/);
    } finally {
      await Promise.all([source.close(), into.close(), rm(dir, { recursive: true, force: true })]);
    }
  });
});

const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

const tablesOf = async (runtime: TestRuntime): Promise<string[]> =>
  (
    await runtime.pool.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1`)
  ).rows.map((row) => row.name);

const keysOf = async (runtime: TestRuntime): Promise<string[]> => {
  const keys: string[] = [];
  for await (const key of runtime.blobs.list()) keys.push(key);
  return keys;
};

const auditRows = async (runtime: TestRuntime) =>
  (
    await runtime.pool.query(
      `SELECT event_id, stream_id, category, revision::text, type, actor_id, actor_role, correlation_id, occurred_at, recorded_at FROM ${auditLogProjection.tables[0]!.name} ORDER BY event_id`,
    )
  ).rows;
