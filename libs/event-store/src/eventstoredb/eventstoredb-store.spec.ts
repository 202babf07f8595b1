import { randomUUID } from 'node:crypto';
import { startEsdbStandIn, startSilentServer, type EsdbStandIn } from '../../../../tests/support/esdb-standin/index.js';
import { collect } from '../contract/collect.js';
import type { EventData, ImportedEvent, RecordedEvent } from '../event-store.port.js';
import { StoreUnavailableError, StreamNotFoundError, WrongExpectedRevisionError } from '../errors.js';
import { comparePositions } from '../position.js';
import { EventStoreDbStore } from './eventstoredb-store.js';
import { importBatches } from './import-batches.js';

describe('EventStoreDB adapter', () => {
  let esdb: EsdbStandIn;
  let store: EventStoreDbStore;
  beforeAll(async () => {
    esdb = await startEsdbStandIn();
    store = new EventStoreDbStore(esdb.url, { timeoutMs: 2000 });
  });
  afterAll(async () => {
    await store.close();
    await esdb.close();
  });

  describe('an append with a stale expected revision', () => {
    it('throws WrongExpectedRevisionError with the actual revision', async () => {
      const id = aStream();
      await store.append(id, events(2), 'no_stream');
      const error = await store.append(id, events(1), 0n).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error).toMatchObject({ code: 'CONFLICT', streamId: id, expected: 0n, actual: 1n });
    });
    it("reports 'no_stream' as the actual revision of a missing stream", async () => {
      const error = await store.append(aStream(), events(1), 'stream_exists').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'CONFLICT', expected: 'stream_exists', actual: 'no_stream' });
    });
  });

  describe('a stream that does not exist', () => {
    it('is reported as the port StreamNotFoundError, naming the stream', async () => {
      const id = aStream();
      const error = await store.readStream(id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StreamNotFoundError);
      expect(error).toMatchObject({ code: 'NOT_FOUND', streamId: id });
      expect(await store.streamExists(id)).toBe(false);
    });
  });

  describe("EventStoreDB's own events", () => {
    it('never appear in $all reads, counts, head or subscriptions', async () => {
      const id = aStream();
      const before = await store.countEvents();
      const subscription = store.subscribeToAll({ maxBatch: 100 });
      await store.append(id, events(2), 'no_stream');
      esdb.appendSystemEvent(); // a system record after the user events: head must look past it
      await store.append(id, events(1), 1n);
      esdb.appendSystemEvent();
      const all = await store.readAll({ maxCount: 10_000 });
      expect(all.some((e) => e.type.startsWith('$'))).toBe(false);
      expect(await store.countEvents()).toBe(before + 3n);
      expect((await store.head())!.position).toEqual(all[all.length - 1]!.position);
      const delivered = await collect(subscription, all.length);
      expect(delivered.map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
      await subscription.close();
    });
  });

  describe('a subscription from a position', () => {
    it('delivers only what follows the position, then live events, in batches of at most maxBatch', async () => {
      const id = aStream();
      const history = events(6);
      await store.append(id, history, 'no_stream');
      const [, , third] = await store.readStream(id);
      const subscription = store.subscribeToAll({ after: third!.position, filter: { streamPrefixes: [id] }, maxBatch: 2 });
      const iterator = subscription[Symbol.asyncIterator]();
      const batches: (readonly RecordedEvent[])[] = [];
      for (let seen = 0; seen < 3; seen += batches[batches.length - 1]!.length) batches.push((await iterator.next()).value!);
      const live = events(3);
      await store.append(id, live, 5n);
      for (let seen = 0; seen < 3; seen += batches[batches.length - 1]!.length) batches.push((await iterator.next()).value!);
      expect(batches.every((batch) => batch.length > 0 && batch.length <= 2)).toBe(true);
      const delivered = batches.flat();
      expect(delivered.map((e) => e.eventId)).toEqual([...history.slice(3), ...live].map((e) => e.eventId));
      for (const event of delivered) expect(comparePositions(event.position, third!.position)).toBe(1);
      await subscription.close();
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
    });
  });

  describe('importing events', () => {
    it('keeps ids and revisions, and a second run of the same import changes nothing', async () => {
      const id = aStream();
      const imported = events(4).map((e, i): ImportedEvent => ({
        ...e,
        streamId: id,
        revision: BigInt(i),
        recordedAt: '2026-01-05T08:00:00.000Z',
      }));
      await store.importEvents(imported);
      await store.importEvents(imported);
      const read = await store.readStream(id);
      expect(read.map((e) => [e.eventId, e.revision])).toEqual(imported.map((e) => [e.eventId, e.revision]));
      expect(read[0]!.metadata.occurredAt).toBe(imported[0]!.metadata.occurredAt);
    });
    it('appends runs of one stream with consecutive revisions, splitting at a gap or another stream', () => {
      const [a, b] = [aStream(), aStream()];
      const at = (streamId: string, revision: bigint): ImportedEvent => ({ ...events(1)[0]!, streamId, revision, recordedAt: '' });
      const batches = [...importBatches([at(a, 0n), at(a, 1n), at(b, 0n), at(a, 2n), at(a, 4n)])];
      expect(batches.map((batch) => batch.map((e) => `${e.streamId === a ? 'a' : 'b'}${e.revision}`))).toEqual([
        ['a0', 'a1'],
        ['b0'],
        ['a2'],
        ['a4'],
      ]);
    });
  });
});

describe('EventStoreDB adapter when the server goes away', () => {
  it('fails calls with StoreUnavailableError after an abrupt stop, and surfaces it to a live subscription', async () => {
    const esdb = await startEsdbStandIn();
    const store = new EventStoreDbStore(esdb.url, { timeoutMs: 2000 });
    try {
      const id = aStream();
      await store.append(id, events(1), 'no_stream');
      const subscription = store.subscribeToAll();
      const iterator = subscription[Symbol.asyncIterator]();
      await iterator.next(); // history delivered: the subscription is live
      const pending = iterator.next();
      await esdb.stop();
      await expect(pending).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.append(id, events(1), 0n)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.readStream(id)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.readAll()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      await store.close();
    }
  });

  it('ends a live subscription with StoreUnavailableError when the server shuts down gracefully', async () => {
    const esdb = await startEsdbStandIn();
    const store = new EventStoreDbStore(esdb.url, { timeoutMs: 2000 });
    try {
      await store.append(aStream(), events(1), 'no_stream');
      const subscription = store.subscribeToAll();
      const iterator = subscription[Symbol.asyncIterator]();
      await iterator.next();
      const pending = iterator.next();
      await esdb.close();
      await expect(pending).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await store.close();
    }
  });
});

describe('EventStoreDB adapter when the server comes back', () => {
  let store: EventStoreDbStore | undefined;
  let esdb: EsdbStandIn | undefined;
  afterEach(async () => {
    await store?.close();
    await esdb?.close();
  });

  it('works again after a restart on the same port', async () => {
    const first = await startEsdbStandIn();
    store = new EventStoreDbStore(first.url, { timeoutMs: 2000 });
    await store.append(aStream(), events(1), 'no_stream');
    await first.stop();
    await expect(store.append(aStream(), events(1), 'no_stream')).rejects.toBeInstanceOf(StoreUnavailableError);
    esdb = await startEsdbStandIn({ port: first.port });
    await expect(eventually(() => store!.append(aStream(), events(1), 'no_stream'))).resolves.toMatchObject({ nextExpectedRevision: 0n });
  });

  it('works again after the server stayed silent past the timeout, once it answers', async () => {
    const silent = await startSilentServer();
    store = new EventStoreDbStore(silent.url, { timeoutMs: 400 });
    await expect(store.append(aStream(), events(1), 'no_stream')).rejects.toBeInstanceOf(StoreUnavailableError);
    await silent.close();
    esdb = await startEsdbStandIn({ port: silent.port });
    await expect(eventually(() => store!.append(aStream(), events(1), 'no_stream'))).resolves.toMatchObject({ nextExpectedRevision: 0n });
  });
});

describe('EventStoreDB adapter against a server that accepts connections but never answers', () => {
  const TIMEOUT_MS = 400;
  it.each([
    ['append', (store: EventStoreDbStore) => store.append(aStream(), events(1), 'any')],
    ['readStream', (store: EventStoreDbStore) => store.readStream(aStream())],
    ['readAll', (store: EventStoreDbStore) => store.readAll()],
    ['head', (store: EventStoreDbStore) => store.head()],
    ['a subscription', (store: EventStoreDbStore) => store.subscribeToAll()[Symbol.asyncIterator]().next()],
  ])('gives up on %s with StoreUnavailableError within the timeout', async (_name, call) => {
    const silent = await startSilentServer();
    const store = new EventStoreDbStore(silent.url, { timeoutMs: TIMEOUT_MS });
    try {
      const started = Date.now();
      await expect(call(store)).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 500);
    } finally {
      await store.close();
      await silent.close();
    }
  });
});

/** Retries while the store is unavailable: a reconnecting client may first fail fast during its back-off. */
const eventually = async <T>(call: () => Promise<T>, withinMs = 5000): Promise<T> => {
  for (const deadline = Date.now() + withinMs; ; await new Promise((resolve) => setTimeout(resolve, 100))) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || Date.now() > deadline) throw error;
    }
  }
};
const aStream = (): string => `adapter-${randomUUID()}`;
const events = (n: number): EventData[] =>
  Array.from({ length: n }, (_, i) => ({
    eventId: randomUUID(),
    type: 'SomethingHappened',
    data: { i },
    metadata: { actorId: 'spec', occurredAt: new Date(Date.UTC(2026, 0, 5, 8, i)).toISOString() },
  }));
