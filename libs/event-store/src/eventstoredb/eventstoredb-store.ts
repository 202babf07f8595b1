/**
 * The event store port on EventStoreDB (DESIGN §3), through `@eventstore/db-client`. This folder is
 * the only place that imports the client, so moving to its successor touches nothing else.
 *
 * Reads are made in pages so that each round trip runs under its own timeout, however long the
 * whole read is. `$all` holds EventStoreDB's own `$`-typed records; they never leave this adapter.
 */
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START as ESDB_START,
  type AllStreamRecordedEvent,
  type ReadPosition,
  type ReadRevision,
  type StreamingRead,
} from '@eventstore/db-client';
import type {
  AppendResult,
  EventData,
  EventStore,
  ExpectedRevision,
  HeadInfo,
  ImportedEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store.port.js';
import { StreamNotFoundError } from '../errors.js';
import { comparePositions } from '../position.js';
import { mapEsdbError, withTimeout, type ErrorContext } from './esdb-errors.js';
import { isStart, isSystemEvent, toEsdbEvent, toExpectedRevision, toRecordedEvent } from './esdb-events.js';
import { EsdbSubscription } from './esdb-subscription.js';
import { importBatches } from './import-batches.js';

export interface EventStoreDbStoreOptions {
  /** Longest wait for any one call (or page of a read) before StoreUnavailableError. Default 10 s. */
  readonly timeoutMs?: number;
}

const PAGE_SIZE = 1000;
/** Same default page as the PostgreSQL store: callers page through `$all` with `after`. */
const DEFAULT_READ_ALL = 1000;

/** Collects a streaming read; the caller's timeout cancels it through the client. */
const collectRead = <E>(read: StreamingRead<E>): Promise<E[]> =>
  new Promise((resolve, reject) => {
    const out: E[] = [];
    read.on('data', (item: E) => out.push(item));
    read.once('end', () => resolve(out));
    read.once('error', reject);
  });

export class EventStoreDbStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  private readonly timeoutMs: number;
  private readonly client: EventStoreDBClient;
  private readonly subscriptions = new Set<EsdbSubscription>();

  /** @param connectionString e.g. `esdb://127.0.0.1:2113?tls=false` */
  constructor(connectionString: string, options: EventStoreDbStoreOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  async append(streamId: string, events: readonly EventData[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('append needs at least one event');
    const result = await this.call('append', { streamId, expected }, (client) =>
      client.appendToStream(streamId, events.map(toEsdbEvent), {
        expectedRevision: toExpectedRevision(expected),
        deadline: this.timeoutMs,
      }),
    );
    // A server may answer an idempotent retry without a position: read the last event's back.
    const position =
      result.position ?? (await this.readStream(streamId, { fromRevision: result.nextExpectedRevision, maxCount: 1 }))[0]?.position;
    if (!position) throw new Error(`EventStoreDB returned no position for the append to ${streamId}`);
    return { nextExpectedRevision: result.nextExpectedRevision, position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const direction = options.direction === 'backwards' ? BACKWARDS : FORWARDS;
    const limit = options.maxCount ?? Infinity;
    const out: RecordedEvent[] = [];
    let from: ReadRevision = options.fromRevision ?? (direction === BACKWARDS ? END : ESDB_START);
    while (out.length < limit) {
      const want = Math.min(PAGE_SIZE, limit - out.length);
      const page = await this.read('readStream', { streamId }, (client) =>
        client.readStream(streamId, { fromRevision: from, direction, maxCount: want }),
      );
      for (const { event } of page) if (event) out.push(toRecordedEvent(event));
      const last = page[page.length - 1]?.event;
      if (page.length < want || !last || (direction === BACKWARDS && last.revision === 0n)) break;
      from = direction === BACKWARDS ? last.revision - 1n : last.revision + 1n;
    }
    return out;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.maxCount ?? DEFAULT_READ_ALL;
    const out: RecordedEvent[] = [];
    if (limit <= 0) return out;
    await this.scanAll(
      options.after,
      () => limit - out.length,
      (event) => {
        if (!isSystemEvent(event.type)) out.push(toRecordedEvent(event));
        return out.length < limit;
      },
    );
    return out;
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const subscription: EsdbSubscription = new EsdbSubscription(this.client, options, this.timeoutMs, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async streamExists(streamId: string): Promise<boolean> {
    try {
      return (await this.readStream(streamId, { maxCount: 1 })).length > 0;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return false;
      throw error;
    }
  }

  /** Reads `$all` backwards from the end to the first event that is not EventStoreDB's own. */
  async head(): Promise<HeadInfo | null> {
    let from: ReadPosition = END;
    for (;;) {
      const page = await this.read('head', {}, (client) =>
        client.readAll({ fromPosition: from, direction: BACKWARDS, maxCount: PAGE_SIZE }),
      );
      const found = page.find(({ event }) => event && !isSystemEvent(event.type))?.event;
      if (found) return { position: found.position, recordedAt: found.created.toISOString() };
      const last = page[page.length - 1]?.event;
      if (page.length < PAGE_SIZE || !last) return null;
      from = last.position; // backwards from a position starts strictly before it
    }
  }

  /** O(n): EventStoreDB keeps no count of `$all`, so this reads it all (in pages) and skips system events. */
  async countEvents(): Promise<bigint> {
    let count = 0n;
    await this.scanAll(
      undefined,
      () => PAGE_SIZE,
      (event) => {
        if (!isSystemEvent(event.type)) count++;
        return true;
      },
    );
    return count;
  }

  /**
   * Re-appends runs of one stream with the revision before the run as expected revision, so each
   * event lands on its original revision (or the append is refused). Ids are kept, which also makes
   * a re-run idempotent. Not atomic across runs, and `recordedAt` becomes the import time: EventStoreDB
   * sets `created` itself (the metadata's `occurredAt` keeps the business time).
   */
  async importEvents(events: readonly ImportedEvent[]): Promise<void> {
    for (const batch of importBatches(events)) {
      const first = batch[0]!;
      await this.append(first.streamId, batch, first.revision === 0n ? 'no_stream' : first.revision - 1n);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  /**
   * Forward pages of `$all` strictly after `after`, system events included, until `visit` says stop.
   * Reading forwards from a position includes the event at it, hence one extra and the skip.
   */
  private async scanAll(
    after: Position | undefined,
    wanted: () => number,
    visit: (event: AllStreamRecordedEvent) => boolean,
  ): Promise<void> {
    let from = after && !isStart(after) ? after : undefined;
    for (;;) {
      const want = Math.min(PAGE_SIZE, wanted()) + (from ? 1 : 0);
      const page = await this.read('readAll', {}, (client) =>
        client.readAll({ fromPosition: from ?? ESDB_START, direction: FORWARDS, maxCount: want }),
      );
      for (const { event } of page) {
        if (!event || (from && comparePositions(event.position, from) <= 0)) continue;
        if (!visit(event)) return;
      }
      const last = page[page.length - 1]?.event;
      if (page.length < want || !last) return;
      from = last.position;
    }
  }

  /** A streaming read collected under the timeout; past it, the gRPC call is cancelled. */
  private read<E>(what: string, context: ErrorContext, open: (client: EventStoreDBClient) => StreamingRead<E>): Promise<E[]> {
    let stream: StreamingRead<E> | undefined;
    return this.call(
      what,
      context,
      (client) => collectRead((stream = open(client))),
      () => void stream?.cancel().catch(() => undefined),
    );
  }

  /**
   * One call under the timeout, its errors mapped to the port's. The client's own deadlines do not
   * cover everything: its server-features request, made before the first append, has none at all.
   */
  private async call<T>(
    what: string,
    context: ErrorContext,
    work: (client: EventStoreDBClient) => Promise<T>,
    onTimeout?: () => void,
  ): Promise<T> {
    try {
      return await withTimeout(work(this.client), this.timeoutMs, what, onTimeout);
    } catch (error) {
      throw mapEsdbError(error, context);
    }
  }
}
