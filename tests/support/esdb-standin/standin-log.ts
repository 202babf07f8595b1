/**
 * The stand-in's in-memory transaction log: EventStoreDB's append semantics (expected revisions,
 * idempotent retries) and reads, with no gRPC in sight so the rules read on their own.
 */

export interface ProposedRecord {
  readonly eventId: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

export interface StoredRecord extends ProposedRecord {
  readonly streamId: string;
  readonly revision: bigint;
  /** Log position: EventStoreDB's commit and prepare positions are equal outside explicit transactions. */
  readonly position: bigint;
  /** .NET ticks (100 ns) since the Unix epoch, as EventStoreDB sends `created`. */
  readonly created: bigint;
}

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;
export type CurrentRevision = bigint | 'no_stream';

export type AppendOutcome =
  | { readonly ok: true; readonly revision: CurrentRevision; readonly position?: bigint }
  | { readonly ok: false; readonly current: CurrentRevision };

export type ReadFrom = 'start' | 'end' | bigint;

const TICKS_PER_MS = 10_000n;
/** A record's header size in the log, so positions move like byte offsets rather than counters. */
const RECORD_OVERHEAD = 96;

export class StandInLog {
  /** Every record in log order (strictly increasing position). */
  readonly records: StoredRecord[] = [];
  private readonly streams = new Map<string, StoredRecord[]>();
  private readonly waiters = new Set<() => void>();
  private nextPosition: bigint;

  constructor(positionOffset: bigint) {
    this.nextPosition = positionOffset;
  }

  append(streamId: string, expected: ExpectedRevision, proposed: readonly ProposedRecord[]): AppendOutcome {
    const stream = this.streams.get(streamId) ?? [];
    const current: CurrentRevision = stream.length === 0 ? 'no_stream' : BigInt(stream.length - 1);
    const retry = this.idempotentRetry(stream, expected, proposed);
    if (retry) return retry;
    if (!expectationHolds(expected, current)) return { ok: false, current };
    if (proposed.length === 0) return { ok: true, revision: current };
    const created = BigInt(Date.now()) * TICKS_PER_MS;
    for (const record of proposed) {
      const stored: StoredRecord = { ...record, streamId, revision: BigInt(stream.length), position: this.nextPosition, created };
      this.nextPosition += BigInt(
        RECORD_OVERHEAD + streamId.length + record.type.length + record.data.length + record.customMetadata.length,
      );
      stream.push(stored);
      this.records.push(stored);
    }
    this.streams.set(streamId, stream);
    for (const wake of [...this.waiters]) wake();
    const last = stream[stream.length - 1]!;
    return { ok: true, revision: last.revision, position: last.position };
  }

  /**
   * EventStoreDB's idempotency: when the first id already sits at revision r and the whole batch
   * matches the events from r, a retry made with the same expectation (r - 1, no_stream for r = 0,
   * or any/stream_exists) succeeds with the original result. A batch that matches only in part is
   * refused as a wrong expected version, whatever the expectation.
   */
  private idempotentRetry(
    stream: readonly StoredRecord[],
    expected: ExpectedRevision,
    proposed: readonly ProposedRecord[],
  ): AppendOutcome | null {
    const first = proposed[0];
    if (!first) return null;
    const r = stream.findIndex((record) => record.eventId === first.eventId);
    if (r < 0) return null;
    const current: CurrentRevision = BigInt(stream.length - 1);
    const matches = proposed.every((record, i) => stream[r + i]?.eventId === record.eventId);
    if (!matches) return { ok: false, current };
    const sameExpectation =
      expected === 'any' || expected === 'stream_exists' || (expected === 'no_stream' ? r === 0 : expected === BigInt(r - 1));
    if (!sameExpectation) return null; // an ordinary expectation check decides
    const last = stream[r + proposed.length - 1]!;
    return { ok: true, revision: last.revision, position: last.position };
  }

  /** Undefined when the stream has no events (EventStoreDB answers "stream not found"). */
  readStream(streamId: string, from: ReadFrom, backwards: boolean, count: bigint): StoredRecord[] | undefined {
    const stream = this.streams.get(streamId);
    if (!stream) return undefined;
    const last = BigInt(stream.length - 1);
    const out: StoredRecord[] = [];
    if (backwards) {
      let revision = from === 'end' ? last : from === 'start' ? 0n : from > last ? last : from;
      for (; revision >= 0n && BigInt(out.length) < count; revision--) out.push(stream[Number(revision)]!);
    } else {
      let revision = from === 'end' ? last + 1n : from === 'start' ? 0n : from;
      for (; revision <= last && BigInt(out.length) < count; revision++) out.push(stream[Number(revision)]!);
    }
    return out;
  }

  /**
   * `$all` from a log position: forwards includes the record at that position, backwards starts
   * strictly before it (as EventStoreDB does).
   */
  readAll(from: ReadFrom, backwards: boolean, count: bigint): StoredRecord[] {
    const out: StoredRecord[] = [];
    if (backwards) {
      let i = from === 'end' ? this.records.length - 1 : from === 'start' ? -1 : this.firstIndexAtOrAfter(from) - 1;
      for (; i >= 0 && BigInt(out.length) < count; i--) out.push(this.records[i]!);
    } else {
      let i = from === 'start' ? 0 : from === 'end' ? this.records.length : this.firstIndexAtOrAfter(from);
      for (; i < this.records.length && BigInt(out.length) < count; i++) out.push(this.records[i]!);
    }
    return out;
  }

  /** Index of the first record whose position is >= the given one (binary search: positions increase). */
  firstIndexAtOrAfter(position: bigint): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.records[mid]!.position < position) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Resolves at the next append, or when `cancel` is called (a subscription going away). */
  nextAppend(): { readonly appended: Promise<void>; cancel(): void } {
    let wake!: () => void;
    const appended = new Promise<void>((resolve) => (wake = resolve));
    const waiter = (): void => {
      this.waiters.delete(waiter);
      wake();
    };
    this.waiters.add(waiter);
    return { appended, cancel: waiter };
  }

  /** Wakes every waiting subscription, e.g. when the server stops. */
  wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }
}

const expectationHolds = (expected: ExpectedRevision, current: CurrentRevision): boolean => {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === 'no_stream';
    case 'stream_exists':
      return current !== 'no_stream';
    default:
      return current === expected;
  }
};
