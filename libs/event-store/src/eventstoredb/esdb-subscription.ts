/**
 * The port's catch-up subscription on EventStoreDB: the client's `subscribeToAll` (history then live,
 * filtered on the server), turned into an async iterable of non-empty batches.
 */
import {
  START as ESDB_START,
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
  type Filter,
} from '@eventstore/db-client';
import type { Position, RecordedEvent, SubscribeOptions, Subscription, SubscriptionFilter } from '../event-store.port.js';
import { StoreUnavailableError } from '../errors.js';
import { comparePositions } from '../position.js';
import { mapEsdbError } from './esdb-errors.js';
import { isStart, isSystemEvent, matchesFilter, toRecordedEvent } from './esdb-events.js';

const DEFAULT_MAX_BATCH = 500;
/** Events held for a slow consumer before the gRPC stream is paused (and the server held back). */
const HIGH_WATER_BATCHES = 4;

const userPrefixes = (prefixes: readonly string[] | undefined): prefixes is readonly string[] =>
  !!prefixes && prefixes.length > 0 && prefixes.every((prefix) => prefix.length > 0 && !isSystemEvent(prefix));

/**
 * The server takes one expression. Non-`$` prefixes already keep system events out (their streams
 * and types start with `$`), so the narrowest prefix list goes to the server, and `excludeSystemEvents`
 * when there is none. The full filter (both lists, no `$` types) is applied again on arrival.
 */
export const serverFilter = (filter: SubscriptionFilter | undefined): Filter => {
  if (userPrefixes(filter?.eventTypePrefixes)) return eventTypeFilter({ prefixes: [...filter.eventTypePrefixes] });
  if (userPrefixes(filter?.streamPrefixes)) return streamNameFilter({ prefixes: [...filter.streamPrefixes] });
  return excludeSystemEvents();
};

export class EsdbSubscription implements Subscription {
  private readonly source: AllStreamSubscription;
  private readonly after: Position | undefined;
  private readonly maxBatch: number;
  private readonly buffer: RecordedEvent[] = [];
  private failure: unknown;
  private closed = false;
  private wake: (() => void) | undefined;
  private confirmation: NodeJS.Timeout | undefined;

  constructor(
    client: EventStoreDBClient,
    private readonly options: SubscribeOptions,
    timeoutMs: number,
    private readonly onClose: () => void,
  ) {
    this.after = options.after && !isStart(options.after) ? options.after : undefined;
    this.maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_MAX_BATCH);
    this.source = client.subscribeToAll({ fromPosition: this.after ?? ESDB_START, filter: serverFilter(options.filter) });
    // The subscription's only timeout: a server that never confirms it. Once live, silence is normal
    // and a dead connection is caught by the client's keep-alive, which surfaces as an error.
    this.confirmation = setTimeout(() => {
      this.fail(new StoreUnavailableError(`EventStoreDB did not confirm the subscription within ${timeoutMs} ms`));
      void this.source.unsubscribe().catch(() => undefined);
    }, timeoutMs);
    this.source.once('confirmation', () => clearTimeout(this.confirmation));
    this.source.on('data', (resolved: AllStreamResolvedEvent) => this.receive(resolved));
    this.source.on('error', (error: Error) => this.fail(mapEsdbError(error)));
    // A catch-up subscription never ends by itself: an end we did not ask for is a lost server.
    this.source.on('end', () => this.fail(new StoreUnavailableError('EventStoreDB ended the subscription')));
  }

  [Symbol.asyncIterator](): AsyncIterator<readonly RecordedEvent[]> {
    return {
      next: () => this.next(),
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.confirmation);
    this.signal();
    this.onClose();
    await this.source.unsubscribe().catch(() => undefined);
  }

  private receive({ event }: AllStreamResolvedEvent): void {
    if (this.closed || !event || !matchesFilter(event, this.options.filter)) return;
    // Subscribing from a position is exclusive on EventStoreDB already; this holds on any server.
    if (this.after && comparePositions(event.position, this.after) <= 0) return;
    try {
      this.buffer.push(toRecordedEvent(event));
    } catch (error) {
      return this.fail(error);
    }
    if (this.buffer.length >= this.maxBatch * HIGH_WATER_BATCHES) this.source.pause();
    this.signal();
  }

  /** Buffered events are still handed out first; the consumer then sees the error. */
  private fail(error: unknown): void {
    if (this.closed || this.failure !== undefined) return;
    this.failure = error;
    clearTimeout(this.confirmation);
    this.signal();
  }

  private async next(): Promise<IteratorResult<readonly RecordedEvent[]>> {
    for (;;) {
      if (this.closed) return { done: true, value: undefined };
      if (this.buffer.length > 0) {
        const batch = this.buffer.splice(0, this.maxBatch);
        if (this.source.isPaused() && this.buffer.length < this.maxBatch) this.source.resume();
        return { done: false, value: batch };
      }
      if (this.failure !== undefined) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
