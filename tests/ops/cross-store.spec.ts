import { rm } from 'node:fs/promises';
import path from 'node:path';
import { EventStoreDbStore } from '../../libs/event-store/src/eventstoredb/eventstoredb-store.js';
import { RestoreRefusedError } from '../../ops/src/ops-runtime.js';
import { restore } from '../../ops/src/restore.js';
import { snapshot } from '../../ops/src/snapshot.js';
import { type EsdbStandIn, startEsdbStandIn } from '../support/esdb-standin/index.js';
import {
  type Session,
  type TestRuntime,
  openTestRuntime,
  readEverything,
  scratchDir,
  seedSession,
  withoutPositions,
} from './ops-harness.js';

describe('a snapshot taken from the PostgreSQL store', () => {
  let source: TestRuntime;
  let session: Session;
  let dir: string;
  let archive: string;
  let esdb: EsdbStandIn;
  let target: TestRuntime;

  beforeAll(async () => {
    source = await openTestRuntime();
    session = await seedSession(source, 15);
    dir = await scratchDir();
    archive = path.join(dir, 'from-postgres.tar');
    await snapshot(source, { out: archive });
    esdb = await startEsdbStandIn({ positionOffset: 2n ** 53n + 17n });
    target = await openTestRuntime(() => new EventStoreDbStore(esdb.url, { timeoutMs: 5000 }));
  });
  afterAll(async () => {
    await target?.close();
    await esdb?.close();
    await source?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('restores into EventStoreDB with the same ids, revisions and contents, and rebuilds the read models from it', async () => {
    const result = await restore(target, archive);
    expect(result).toMatchObject({ sourceStore: 'postgres', targetStore: 'eventstoredb', events: session.events, problems: [] });
    // EventStoreDB stamps its own time on every event: everything else is the source's.
    expect(withoutPositions(await readEverything(target.store), false)).toEqual(
      withoutPositions(await readEverything(source.store), false),
    );
    for (const key of session.blobKeys) expect(await target.blobs.has(key)).toBe(true);
    const { rows } = await target.pool.query<{ count: string }>('SELECT count(*)::text AS count FROM audit_log');
    expect(Number(rows[0]!.count)).toBe(session.events);
    expect(result.checksums['stream-summary']!['stream_summary']).toMatch(/^\d+:[0-9a-f]{32}$/);
  });

  it('comes back to PostgreSQL through a snapshot of that EventStoreDB', async () => {
    const back = path.join(dir, 'from-eventstoredb.tar');
    const taken = await snapshot(target, { out: back });
    expect(taken).toMatchObject({ events: session.events, blobs: session.blobKeys.length, missingBlobs: [] });
    const postgres = await openTestRuntime();
    try {
      const result = await restore(postgres, back);
      expect(result).toMatchObject({ sourceStore: 'eventstoredb', targetStore: 'postgres', problems: [] });
      expect(withoutPositions(await readEverything(postgres.store), false)).toEqual(
        withoutPositions(await readEverything(source.store), false),
      );
    } finally {
      await postgres.close();
    }
  });

  it('refuses to restore again into the now non-empty EventStoreDB, even with --force', async () => {
    const before = await readEverything(target.store);
    await expect(restore(target, archive, { force: true })).rejects.toThrow(/EventStoreDB cannot be emptied/);
    await expect(restore(target, archive, { force: true })).rejects.toThrow(RestoreRefusedError);
    expect(await readEverything(target.store)).toHaveLength(before.length);
  });
});
