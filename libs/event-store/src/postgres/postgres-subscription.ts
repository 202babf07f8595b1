import type { Position, RecordedEvent, SubscribeOptions, Subscription, SubscriptionFilter } from '../event-store.port.js';
import { START } from '../event-store.port.js';
import type { PostgresNotifier } from './postgres-notifier.js';

interface Reader {
  readAll(options: { after: Position; maxCount: number }): Promise<RecordedEvent[]>;
  hasPendingAfter(after: Position): Promise<boolean>;
}

/** While a committed row waits behind a running transaction, look again soon rather than at the next poll. */
const PENDING_RECHECK_MS = 20;

export const matchesFilter = (event: RecordedEvent, filter: SubscriptionFilter | undefined): boolean => {
  if (!filter) return true;
  const { streamPrefixes, eventTypePrefixes } = filter;
  if (streamPrefixes && !streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))) return false;
  if (eventTypePrefixes && !eventTypePrefixes.some((prefix) => event.type.startsWith(prefix))) return false;
  return true;
};

/** Catch-up subscription: reads `$all` in batches, then sleeps until NOTIFY or the polling interval. */
export class PostgresSubscription implements Subscription {
  private closed = false;
  private readonly abort: { aborted: boolean; onAbort?: () => void } = { aborted: false };

  constructor(
    private readonly reader: Reader,
    private readonly notifier: PostgresNotifier,
    private readonly options: SubscribeOptions,
    private readonly pollIntervalMs: number,
    private readonly onClose: () => void,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<readonly RecordedEvent[]> {
    let after = this.options.after ?? START;
    const maxCount = this.options.maxBatch ?? 500;
    let ahead: Promise<RecordedEvent[]> | null = null;
    while (!this.closed) {
      const prefetched = ahead !== null;
      const events = await (ahead ?? this.reader.readAll({ after, maxCount }));
      ahead = null;
      if (this.closed) return;
      if (events.length > 0) {
        after = events[events.length - 1]!.position;
        // A full page means history is left: read the next page while the subscriber handles this one.
        if (events.length === maxCount) {
          ahead = this.reader.readAll({ after, maxCount });
          ahead.catch(() => undefined); // awaited at the next turn; this only keeps a failure after close() from being unhandled
        }
        const batch = events.filter((event) => matchesFilter(event, this.options.filter));
        if (batch.length > 0) yield batch;
        continue;
      }
      // An empty page read ahead is older than the batch just handled: read again before sleeping.
      if (prefetched) continue;
      const pending = await this.reader.hasPendingAfter(after);
      if (this.closed) return;
      await this.notifier.wait(pending ? PENDING_RECHECK_MS : this.pollIntervalMs, this.abort);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.aborted = true;
    this.abort.onAbort?.();
    this.onClose();
  }
}
