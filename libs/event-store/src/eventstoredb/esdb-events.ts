/**
 * Translation between the port's events and the client's: ids, JSON data and metadata, expected
 * revisions, `{commit, prepare}` positions and `created` times.
 */
import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  jsonEvent,
  type AppendExpectedRevision,
  type EventData as EsdbEventData,
  type Position as EsdbPosition,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import type {
  EventData,
  EventMetadata,
  ExpectedRevision,
  JsonObject,
  JsonValue,
  Position,
  RecordedEvent,
  SubscriptionFilter,
} from '../event-store.port.js';

/** EventStoreDB's own records: `$`-typed ($metadata, $statsCollected, link events `$>` …). */
export const isSystemEvent = (type: string): boolean => type.startsWith('$');

/** The port's START is "before everything"; EventStoreDB wants its `start` marker, not a log position 0. */
export const isStart = (position: Position): boolean => position.commit === 0n && position.prepare === 0n;

export const toExpectedRevision = (expected: ExpectedRevision): AppendExpectedRevision => {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      return expected;
  }
};

export const toEsdbEvent = (event: EventData): EsdbEventData =>
  jsonEvent({ id: event.eventId, type: event.type, data: event.data, metadata: event.metadata });

/** Servers before 22.6 send no position on stream reads (or 2^64 - 1): the port cannot do without one. */
const UNKNOWN_POSITION = 2n ** 64n - 1n;
const positionOf = (event: EsdbRecordedEvent): Position => {
  const position: EsdbPosition | undefined = event.position;
  if (!position || position.commit === UNKNOWN_POSITION) {
    throw new Error(`EventStoreDB sent no log position for ${event.streamId}@${event.revision}: server 22.6 or later is required`);
  }
  return { commit: position.commit, prepare: position.prepare };
};

export const toRecordedEvent = (event: EsdbRecordedEvent): RecordedEvent => ({
  eventId: event.id,
  type: event.type,
  data: asJsonObject(event.data),
  metadata: asJsonObject(event.metadata) as EventMetadata,
  streamId: event.streamId,
  revision: event.revision,
  position: positionOf(event),
  recordedAt: event.created.toISOString(),
});

/**
 * This adapter writes JSON only; events written by other tools may be binary or hold a JSON value
 * that is not an object. Those are decoded when they can be and wrapped as `{ value }` otherwise.
 */
const asJsonObject = (value: unknown): JsonObject => {
  if (value === undefined || value === null) return {};
  if (value instanceof Uint8Array) {
    const text = Buffer.from(value).toString('utf8');
    try {
      return asJsonObject(JSON.parse(text) as unknown);
    } catch {
      return { value: text };
    }
  }
  if (typeof value === 'object' && !Array.isArray(value)) return value as JsonObject;
  return { value: value as JsonValue };
};

/** Same rule as the PostgreSQL store: every list given must match; an empty list matches nothing. */
export const matchesFilter = (event: { streamId: string; type: string }, filter: SubscriptionFilter | undefined): boolean => {
  if (isSystemEvent(event.type)) return false;
  if (!filter) return true;
  const { streamPrefixes, eventTypePrefixes } = filter;
  if (streamPrefixes && !streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))) return false;
  if (eventTypePrefixes && !eventTypePrefixes.some((prefix) => event.type.startsWith(prefix))) return false;
  return true;
};
