import { randomUUID } from 'node:crypto';
import { type EventStore, PostgresEventStore, type ReadStreamOptions, type RecordedEvent } from '#event-store';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/pg.js';
import { FoldCache } from './fold-cache.js';

/** A tally: the state is every event's value in order, so a missed or doubled event shows. */
const tally = {
  initialState: (): number[] => [],
  evolve: (state: number[], event: { type: string; data: object }) => [...state, (event.data as { n: number }).n],
};

describe('the fold cache of the command path', () => {
  let databases: TestDatabase[];
  let stores: PostgresEventStore[];
  beforeAll(async () => {
    databases = [await createTestDatabase(), await createTestDatabase()];
    stores = await Promise.all(databases.map((db) => PostgresEventStore.create(db.pool, { pollIntervalMs: 100 })));
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await Promise.all(databases.map((db) => db.drop()));
  });

  it('folds the same state as a full read, reading only what was appended since the last load', async () => {
    const store = new CountingStore(stores[0]!);
    const cache = new FoldCache();
    const stream = `tally-${randomUUID()}`;
    await append(stores[0]!, stream, [1, 2, 3], 'no_stream');
    expect(await cache.load(store, stream, tally)).toEqual({ state: [1, 2, 3], revision: 2n });
    expect(store.read).toBe(3);
    await append(stores[0]!, stream, [4, 5], 2n);
    expect(await cache.load(store, stream, tally)).toEqual({ state: [1, 2, 3, 4, 5], revision: 4n });
    expect(store.read).toBe(3 + 3); // the event it stopped at, then the two new ones
    expect(await cache.load(store, stream, tally)).toEqual({ state: [1, 2, 3, 4, 5], revision: 4n });
  });

  it('answers the initial state for a stream that does not exist', async () => {
    expect(await new FoldCache().load(stores[0]!, `tally-${randomUUID()}`, tally)).toEqual({ state: [], revision: null });
  });

  it('reads the whole stream again when the store no longer holds what it folded (a restore under the same store)', async () => {
    const swappable = new CountingStore(stores[0]!);
    const cache = new FoldCache();
    const stream = `tally-${randomUUID()}`;
    await append(stores[0]!, stream, [1, 2, 3], 'no_stream');
    await cache.load(swappable, stream, tally);
    await append(stores[1]!, stream, [7, 8, 9, 10], 'no_stream'); // other events, other ids, same stream id
    swappable.inner = stores[1]!;
    expect(await cache.load(swappable, stream, tally)).toEqual({ state: [7, 8, 9, 10], revision: 3n });
    const shorter = `tally-${randomUUID()}`;
    await append(stores[0]!, shorter, [1, 2, 3], 'no_stream');
    await append(stores[1]!, shorter, [5], 'no_stream');
    swappable.inner = stores[0]!;
    await cache.load(swappable, shorter, tally);
    swappable.inner = stores[1]!;
    expect(await cache.load(swappable, shorter, tally)).toEqual({ state: [5], revision: 0n });
  });
});

const append = (store: EventStore, stream: string, values: number[], expected: bigint | 'no_stream') =>
  store.append(
    stream,
    values.map((n) => ({ eventId: randomUUID(), type: 'Counted', data: { n }, metadata: {} })),
    expected,
  );

/** The real store, counting the events it hands out; its inner store can be swapped to stand for a restore. */
class CountingStore implements Pick<EventStore, 'readStream'> {
  read = 0;
  constructor(public inner: EventStore) {}
  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const events = await this.inner.readStream(streamId, options);
    this.read += events.length;
    return events;
  }
}
