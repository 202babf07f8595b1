import type { ImportedEvent } from '../event-store.port.js';

/** EventStoreDB refuses appends over its MaxAppendSize (1 MiB by default): stay well below it. */
const MAX_BATCH_BYTES = 512 * 1024;
const MAX_BATCH_EVENTS = 500;

const sizeOf = (event: ImportedEvent): number => JSON.stringify(event.data).length + JSON.stringify(event.metadata).length + 200;

/**
 * Splits an import into appends: consecutive events of one stream with consecutive revisions, under
 * the append size limit. A revision gap starts a new batch, whose expected revision the server then
 * refuses, so a gap surfaces as a conflict rather than a silently renumbered event.
 */
export function* importBatches(events: readonly ImportedEvent[]): Generator<ImportedEvent[]> {
  let batch: ImportedEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const previous = batch[batch.length - 1];
    const continues = previous && previous.streamId === event.streamId && previous.revision + 1n === event.revision;
    const size = sizeOf(event);
    if (previous && (!continues || batch.length >= MAX_BATCH_EVENTS || bytes + size > MAX_BATCH_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(event);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}
