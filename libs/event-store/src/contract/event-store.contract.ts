/**
 * The contract every event store implementation passes (DESIGN §3). Run by tests/contract for the
 * PostgreSQL store, the EventStoreDB adapter on the gRPC stand-in, and a real EventStoreDB when
 * EVENTSTORE_URL is set.
 */
import { randomUUID } from 'node:crypto';
import type { EventData, EventStore, ExpectedRevision, Position, RecordedEvent } from '../event-store.port.js';
import { EventStoreError, StreamNotFoundError, WrongExpectedRevisionError } from '../errors.js';
import { comparePositions } from '../position.js';
import { collect } from './collect.js';

export interface OpenAppend {
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface ContractHarness {
  readonly store: EventStore;
  /** An append left uncommitted until commit/rollback: only stores with client transactions have it. */
  readonly openAppend?: (streamId: string, events: readonly EventData[], expected: ExpectedRevision) => Promise<OpenAppend>;
  /** Stores a position as a projection checkpoint and reads it back. */
  readonly checkpointRoundTrip: (position: Position) => Promise<Position>;
  teardown(): Promise<void>;
}

export interface HarnessOptions {
  /** Start the store's positions beyond 2^53 (Number.MAX_SAFE_INTEGER). */
  readonly positionsBeyondSafeInteger?: boolean;
}

export type HarnessFactory = (options?: HarnessOptions) => Promise<ContractHarness>;

export const anEvent = (type = 'SomethingHappened', data: Record<string, string | number> = {}): EventData => ({
  eventId: randomUUID(),
  type,
  data: { ...data },
  metadata: { actorId: 'contract', occurredAt: new Date().toISOString() },
});
const events = (n: number, type?: string): EventData[] => Array.from({ length: n }, (_, i) => anEvent(type, { i }));
const stream = (category = 'contract'): string => `${category}-${randomUUID()}`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const code = (error: unknown): string | undefined => (error instanceof EventStoreError ? error.code : undefined);

export interface ContractCapabilities {
  /** The store can be started with positions beyond 2^53 (not a real EventStoreDB). */
  readonly positionsBeyondSafeInteger: boolean;
}

export const eventStoreContract = (
  name: string,
  factory: HarnessFactory,
  capabilities: ContractCapabilities = { positionsBeyondSafeInteger: true },
): void => {
  describe(`${name} — event store contract`, () => {
    let harness: ContractHarness;
    let store: EventStore;
    beforeAll(async () => {
      harness = await factory();
      store = harness.store;
    });
    afterAll(async () => harness?.teardown());

    describe('expected revision no_stream', () => {
      it('creates a stream whose revisions start at 0', async () => {
        const id = stream();
        const result = await store.append(id, events(3), 'no_stream');
        expect(result.nextExpectedRevision).toBe(2n);
        expect((await store.readStream(id)).map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      });
      it('refuses a stream that exists, with CONFLICT and the actual revision', async () => {
        const id = stream();
        await store.append(id, events(2), 'no_stream');
        const error = await store.append(id, events(1), 'no_stream').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(code(error)).toBe('CONFLICT');
        expect((error as WrongExpectedRevisionError).actual).toBe(1n);
      });
    });

    describe('expected revision stream_exists', () => {
      it('refuses a missing stream', async () => {
        const error = await store.append(stream(), events(1), 'stream_exists').catch((e: unknown) => e);
        expect(code(error)).toBe('CONFLICT');
      });
      it('appends to an existing stream', async () => {
        const id = stream();
        await store.append(id, events(1), 'no_stream');
        expect((await store.append(id, events(2), 'stream_exists')).nextExpectedRevision).toBe(2n);
      });
    });

    describe('expected revision any', () => {
      it('creates and extends a stream', async () => {
        const id = stream();
        expect((await store.append(id, events(2), 'any')).nextExpectedRevision).toBe(1n);
        expect((await store.append(id, events(1), 'any')).nextExpectedRevision).toBe(2n);
      });
    });

    describe('an exact expected revision', () => {
      it('appends when it matches', async () => {
        const id = stream();
        await store.append(id, events(2), 'no_stream');
        expect((await store.append(id, events(1), 1n)).nextExpectedRevision).toBe(2n);
      });
      it('refuses a stale revision and reports the actual one', async () => {
        const id = stream();
        await store.append(id, events(3), 'no_stream');
        const error = await store.append(id, events(1), 0n).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect((error as WrongExpectedRevisionError).actual).toBe(2n);
      });
      it('refuses a missing stream', async () => {
        const error = await store.append(stream(), events(1), 0n).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect((error as WrongExpectedRevisionError).actual).toBe('no_stream');
      });
    });

    describe('concurrent writers', () => {
      it('lets exactly one of 20 appends at the same revision win and loses nothing', async () => {
        const id = stream();
        await store.append(id, events(1), 'no_stream');
        const attempts = Array.from({ length: 20 }, () => events(2));
        const results = await Promise.allSettled(attempts.map((batch) => store.append(id, batch, 0n)));
        const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(code(r.reason)).toBe('CONFLICT');
        const stored = await store.readStream(id);
        expect(stored.map((e) => e.eventId).slice(1)).toEqual(attempts[winners[0]!]!.map((e) => e.eventId));
        expect(stored.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      });
      it('keeps all 20 appends made with any', async () => {
        const id = stream();
        const batches = Array.from({ length: 20 }, () => events(1));
        await Promise.all(batches.map((batch) => store.append(id, batch, 'any')));
        const stored = await store.readStream(id);
        expect(stored.map((e) => e.revision)).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i)));
        expect(new Set(stored.map((e) => e.eventId))).toEqual(new Set(batches.flat().map((e) => e.eventId)));
      });
    });

    describe('idempotent retries', () => {
      it('turns a retry with the same event ids into a no-op returning the first result', async () => {
        const id = stream();
        const batch = events(2);
        const first = await store.append(id, batch, 'no_stream');
        const retry = await store.append(id, batch, 'no_stream');
        expect(retry.nextExpectedRevision).toBe(first.nextExpectedRevision);
        expect(comparePositions(retry.position, first.position)).toBe(0);
        expect(await store.readStream(id)).toHaveLength(2);
      });
      it('refuses a retry that reuses only some of the ids', async () => {
        const id = stream();
        const batch = events(2);
        await store.append(id, batch, 'no_stream');
        const error = await store.append(id, [batch[0]!, anEvent()], 'no_stream').catch((e: unknown) => e);
        expect(code(error)).toBe('CONFLICT');
        expect(await store.readStream(id)).toHaveLength(2);
      });
    });

    describe('reading a stream', () => {
      it('reads forwards and backwards from a revision with a limit', async () => {
        const id = stream();
        await store.append(id, events(5), 'no_stream');
        expect((await store.readStream(id, { fromRevision: 2n, maxCount: 2 })).map((e) => e.revision)).toEqual([2n, 3n]);
        expect((await store.readStream(id, { direction: 'backwards', maxCount: 2 })).map((e) => e.revision)).toEqual([4n, 3n]);
        expect((await store.readStream(id, { direction: 'backwards', fromRevision: 1n })).map((e) => e.revision)).toEqual([1n, 0n]);
      });
      it('returns data, metadata and time as written', async () => {
        const id = stream();
        const written = anEvent('ScoreAwarded', { points: 2.5, question: 'q1' });
        await store.append(id, [written], 'no_stream');
        const [read] = await store.readStream(id);
        expect(read).toMatchObject({ eventId: written.eventId, type: 'ScoreAwarded', data: written.data, streamId: id, revision: 0n });
        expect(read!.metadata).toMatchObject(written.metadata);
        expect(Number.isNaN(Date.parse(read!.recordedAt))).toBe(false);
      });
      it('throws StreamNotFoundError for a missing stream', async () => {
        const error = await store.readStream(stream()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StreamNotFoundError);
        expect(await store.streamExists(stream())).toBe(false);
      });
    });

    describe('reading $all', () => {
      it('reads in increasing position order, strictly after a position', async () => {
        const id = stream();
        const written = await store.append(id, events(4), 'no_stream');
        await visibleInAll(store, written.position);
        const head = await store.head();
        const all = await collectAllAfter(store, undefined);
        for (let i = 1; i < all.length; i++) expect(comparePositions(all[i - 1]!.position, all[i]!.position)).toBe(-1);
        const mine = all.filter((e) => e.streamId === id);
        expect(mine.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n]);
        const after = await store.readAll({ after: mine[1]!.position, maxCount: 2 });
        expect(after.map((e) => e.eventId)).toEqual(mine.slice(2).map((e) => e.eventId));
        expect(head && comparePositions(head.position, mine[3]!.position)).toBeGreaterThanOrEqual(0);
        expect(await store.countEvents()).toBe(BigInt(all.length));
        expect(all.some((e) => e.type.startsWith('$'))).toBe(false);
      });
    });

    describe('a catch-up subscription', () => {
      it('delivers history after a position, then live events, in order', async () => {
        const id = stream();
        const written = events(5);
        await store.append(id, written, 'no_stream');
        const history = await store.readStream(id);
        const subscription = store.subscribeToAll({ after: history[2]!.position, filter: { streamPrefixes: [id] } });
        const live = events(2);
        const received = collect(subscription, 4);
        await sleep(50);
        await store.append(id, live, 4n);
        expect((await received).map((e) => e.eventId)).toEqual([written[3], written[4], ...live].map((e) => e!.eventId));
        await subscription.close();
      });
      it('filters by stream prefix and event type prefix', async () => {
        const category = `filtered${randomUUID().slice(0, 8)}`;
        const subscription = store.subscribeToAll({ filter: { streamPrefixes: [`${category}-`], eventTypePrefixes: ['Kept'] } });
        const received = collect(subscription, 2);
        await store.append(stream('other'), [anEvent('Kept')], 'no_stream');
        await store.append(stream(category), [anEvent('Dropped'), anEvent('Kept')], 'no_stream');
        await store.append(stream(category), [anEvent('KeptToo')], 'no_stream');
        const types = (await received).map((e) => `${e.streamId.split('-')[0]}:${e.type}`);
        expect(types).toEqual([`${category}:Kept`, `${category}:KeptToo`]);
        await subscription.close();
      });
    });

    if (capabilities.positionsBeyondSafeInteger)
      describe('positions', () => {
        it('survive a round trip through a checkpoint beyond 2^53', async () => {
          const big = await factory({ positionsBeyondSafeInteger: true });
          try {
            const id = stream();
            const written = await big.store.append(id, events(3), 'no_stream');
            await visibleInAll(big.store, written.position);
            const [, second] = await big.store.readStream(id);
            const position = second!.position;
            expect(position.commit > BigInt(Number.MAX_SAFE_INTEGER) || position.prepare > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
            const back = await big.checkpointRoundTrip(position);
            expect(comparePositions(back, position)).toBe(0);
            const after = await big.store.readAll({ after: back });
            expect(after.filter((e) => e.streamId === id).map((e) => e.revision)).toEqual([2n]);
          } finally {
            await big.teardown();
          }
        });
      });

    describe('importing recorded events', () => {
      it('keeps ids and revisions and refuses a gap', async () => {
        const id = stream();
        const recorded = events(3).map((e, i) => ({
          ...e,
          streamId: id,
          revision: BigInt(i),
          recordedAt: new Date(Date.UTC(2026, 0, 1, 8, i)).toISOString(),
        }));
        await store.importEvents(recorded);
        expect((await store.readStream(id)).map((e) => [e.eventId, e.revision])).toEqual(recorded.map((e) => [e.eventId, e.revision]));
        const gap = { ...anEvent(), streamId: id, revision: 5n, recordedAt: new Date().toISOString() };
        expect(code(await store.importEvents([gap]).catch((e: unknown) => e))).toBe('CONFLICT');
      });
    });

    transactionContract(() => harness);
    describe('a randomised oracle', () => {
      it('projects exactly the committed set (8 writers, random delays, rollbacks)', async () => oracle(harness), 60_000);
    });
  });
};

/** Late commits and rollbacks: only for stores whose appends can be held open in a transaction. */
const transactionContract = (get: () => ContractHarness): void => {
  describe('transactions that commit out of order', () => {
    it('delivers an earlier transaction that commits late, in order, after it commits; never a rolled-back one', async () => {
      const { store, openAppend } = get();
      if (!openAppend) return expect(store.kind).toBe('eventstoredb'); // appends are atomic in EventStoreDB's log
      const category = `late${randomUUID().slice(0, 8)}`;
      const subscription = store.subscribeToAll({ filter: { streamPrefixes: [`${category}-`] } });
      const slow = events(1, 'Slow');
      const held = await openAppend(stream(category), slow, 'no_stream');
      const fast = events(1, 'Fast');
      await store.append(stream(category), fast, 'no_stream');
      const doomed = await openAppend(stream(category), events(1, 'RolledBack'), 'no_stream');
      const after = events(1, 'After');
      await store.append(stream(category), after, 'no_stream');
      const received = collect(subscription, 3);
      await sleep(300);
      await held.commit();
      await sleep(100);
      await doomed.rollback();
      expect((await received).map((e) => e.type)).toEqual(['Slow', 'Fast', 'After']);
      await subscription.close();
    });
  });
};

const oracle = async ({ store, openAppend }: ContractHarness): Promise<void> => {
  const category = `oracle${randomUUID().slice(0, 8)}`;
  const streams = Array.from({ length: 6 }, () => stream(category));
  const committed = new Set<string>();
  const subscription = store.subscribeToAll({ filter: { streamPrefixes: [`${category}-`] }, maxBatch: 7 });
  const delivered: RecordedEvent[] = [];
  const consuming = (async () => {
    for await (const batch of subscription) delivered.push(...batch);
  })();
  const writer = async (): Promise<void> => {
    for (let i = 0; i < 15; i++) {
      const target = streams[Math.floor(Math.random() * streams.length)]!;
      const batch = events(1 + Math.floor(Math.random() * 3));
      const rollback = Math.random() < 0.25;
      await sleep(Math.random() * 15);
      if (openAppend) {
        const held = await openAppend(target, batch, 'any');
        await sleep(Math.random() * 20);
        if (rollback) await held.rollback();
        else {
          await held.commit();
          batch.forEach((e) => committed.add(e.eventId));
        }
      } else if (rollback) {
        await store.append(target, batch, 987654321n).catch(() => undefined); // refused: never committed
      } else {
        await store.append(target, batch, 'any');
        batch.forEach((e) => committed.add(e.eventId));
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  for (let waited = 0; delivered.length < committed.size && waited < 20_000; waited += 50) await sleep(50);
  await sleep(200); // anything extra would show up now
  await subscription.close();
  await consuming;
  const ids = delivered.map((e) => e.eventId);
  expect(new Set(ids).size).toBe(ids.length);
  expect(new Set(ids)).toEqual(committed);
  for (let i = 1; i < delivered.length; i++) expect(comparePositions(delivered[i - 1]!.position, delivered[i]!.position)).toBe(-1);
  const all = (await collectAllAfter(store, undefined)).filter((e) => e.streamId.startsWith(`${category}-`));
  expect(all.map((e) => e.eventId)).toEqual(ids);
};

/**
 * `$all` is eventually consistent with appends: the PostgreSQL store shows an event once every
 * transaction that started before it has ended (in the whole cluster), so readers wait for it.
 */
const visibleInAll = async (store: EventStore, position: Position, timeoutMs = 10_000): Promise<void> => {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(20)) {
    const head = await store.head();
    if (head && comparePositions(head.position, position) >= 0) return;
  }
  throw new Error(`position ${position.commit}/${position.prepare} not visible in $all after ${timeoutMs} ms`);
};

const collectAllAfter = async (store: EventStore, after: Position | undefined): Promise<RecordedEvent[]> => {
  const all: RecordedEvent[] = [];
  for (
    let page = await store.readAll({ after, maxCount: 1000 });
    page.length > 0;
    page = await store.readAll({ after: page[page.length - 1]!.position, maxCount: 1000 })
  ) {
    all.push(...page);
  }
  return all;
};
