import { type EventStore, EventStoreError } from '#event-store';
import type { Runtime } from '../runtime/runtime.js';
import { metrics } from './metrics.js';

/** `copy-<uuid>` → `copy`: stream ids are made by the code, but a malformed one still yields a bounded label. */
export const streamCategory = (streamId: string): string => {
  const prefix = streamId.split('-', 1)[0]!;
  return /^[a-z][a-z0-9_]{0,31}$/i.test(prefix) ? prefix.toLowerCase() : 'other';
};

/**
 * The event store as the API sees it, counting appends: every writer (command handlers, reservations,
 * the scan pipeline, audits) goes through `runtime.store`, so this is the one place to count them.
 */
export const meteredStore = (store: EventStore): EventStore => ({
  kind: store.kind,
  append: async (streamId, events, expected) => {
    const category = streamCategory(streamId);
    const done = metrics.appendDuration.startTimer({});
    try {
      const result = await store.append(streamId, events, expected);
      metrics.appends.inc({ category, outcome: 'ok' });
      metrics.eventsAppended.inc({ category }, events.length);
      return result;
    } catch (error) {
      metrics.appends.inc({ category, outcome: error instanceof EventStoreError && error.code === 'CONFLICT' ? 'conflict' : 'error' });
      throw error;
    } finally {
      done();
    }
  },
  readStream: (streamId, options) => store.readStream(streamId, options),
  readAll: (options) => store.readAll(options),
  subscribeToAll: (options) => store.subscribeToAll(options),
  streamExists: (streamId) => store.streamExists(streamId),
  head: () => store.head(),
  countEvents: () => store.countEvents(),
  importEvents: (events) => store.importEvents(events),
  close: () => store.close(),
});

export const meteredRuntime = (runtime: Runtime): Runtime => ({ ...runtime, store: meteredStore(runtime.store) });
