/**
 * The event store port (DESIGN §3). Only adapters in this library talk to a store; everything else
 * depends on this interface.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface EventMetadata {
  actorId?: string;
  actorRole?: string;
  correlationId?: string;
  causationId?: string;
  occurredAt?: string;
  schemaVersion?: number;
  [key: string]: JsonValue | undefined;
}

/** An event to append: the id is made by the caller so that a retry is idempotent. */
export interface EventData {
  readonly eventId: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
}

/**
 * A position in `$all`. Both stores order `$all` by a pair of integers: EventStoreDB's
 * {commit, prepare} log positions, and the PostgreSQL store's (transaction id, sequence).
 */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const START: Position = Object.freeze({ commit: 0n, prepare: 0n });

export interface RecordedEvent extends EventData {
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: Position;
  /** ISO-8601 time the store recorded the event. */
  readonly recordedAt: string;
}

/** An event as it was recorded elsewhere, re-appended by a restore with its id and revision. */
export interface ImportedEvent extends EventData {
  readonly streamId: string;
  readonly revision: bigint;
  readonly recordedAt: string;
}

export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | bigint;

export interface AppendResult {
  /** Revision of the last event written: the expected revision of the stream's next append. */
  readonly nextExpectedRevision: bigint;
  readonly position: Position;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive; defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: bigint;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. */
  readonly after?: Position;
  readonly maxCount?: number;
}

export interface SubscriptionFilter {
  readonly streamPrefixes?: readonly string[];
  readonly eventTypePrefixes?: readonly string[];
}

export interface SubscribeOptions {
  readonly after?: Position;
  readonly filter?: SubscriptionFilter;
  /** Largest batch handed to the subscriber at once (catch-up reads are batched). */
  readonly maxBatch?: number;
}

/**
 * A catch-up subscription on `$all`: history after the given position, then live. It yields
 * batches of events in `$all` order; a batch is never empty.
 */
export interface Subscription extends AsyncIterable<readonly RecordedEvent[]> {
  close(): Promise<void>;
}

export interface HeadInfo {
  readonly position: Position;
  readonly recordedAt: string;
}

export type StoreKind = 'postgres' | 'eventstoredb';

export interface EventStore {
  readonly kind: StoreKind;
  append(streamId: string, events: readonly EventData[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Throws StreamNotFoundError when the stream has no events. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  streamExists(streamId: string): Promise<boolean>;
  /** The last visible event of `$all`, or null for an empty store. */
  head(): Promise<HeadInfo | null>;
  /** Number of (non-system) events in the store. */
  countEvents(): Promise<bigint>;
  /**
   * Re-appends events recorded elsewhere, in order, keeping ids and revisions: each event's revision
   * must follow its stream's current one. Used by restore and by migrations between stores.
   */
  importEvents(events: readonly ImportedEvent[]): Promise<void>;
  close(): Promise<void>;
}
