import { createHash } from 'node:crypto';
import { type EventData, type EventStore, type JsonValue, type Position, PostgresEventStore, START, type StoreKind } from '#event-store';
import { throwIfAborted } from './ops-runtime.js';
import type { Progress } from './progress.js';

const isPrimitive = (value: JsonValue | undefined): boolean => value === null || typeof value !== 'object';

/**
 * JSON with object keys sorted: PostgreSQL's jsonb and EventStoreDB do not keep the same key order.
 * Arrays of plain values (pen strokes' coordinates) go to JSON.stringify whole: most of an event's bytes.
 */
export const canonicalJson = (value: JsonValue | undefined): string => {
  if (isPrimitive(value)) return JSON.stringify(value ?? null);
  if (Array.isArray(value)) {
    if (value.every(isPrimitive)) return JSON.stringify(value);
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const object = value as { [key: string]: JsonValue | undefined };
  let out = '{';
  let first = true;
  for (const key of Object.keys(object).sort()) {
    const child = object[key];
    if (child === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(child)}`;
    first = false;
  }
  return `${out}}`;
};

export interface DigestedEvent extends EventData {
  readonly streamId: string;
  readonly revision: bigint;
  readonly recordedAt: string;
}

/**
 * How a restore compares the archive with the target read back:
 * - 'text': PostgreSQL to PostgreSQL. Both sides are the store's own JSON text of each event
 *   (PostgresEventStore.readAllJson, which wrote the archive), compared without the position:
 *   no parsing at all. A difference is confirmed canonically before it is reported (a number
 *   written `1.10` by hand in SQL would come back `1.1`).
 * - 'canonical': across stores. Events are parsed and compared field by field, object keys sorted.
 * Times are compared when the target keeps them (EventStoreDB stamps its own).
 */
export type DigestMode = 'text' | 'canonical';

export const digestMode = (sourceKind: StoreKind, target: EventStore): DigestMode =>
  sourceKind === 'postgres' && target instanceof PostgresEventStore ? 'text' : 'canonical';

/** An archive line without its `"position"` field, which the target assigns anew. */
export const withoutPosition = (line: string): string => line.slice(line.indexOf('",', 12) + 2);

export const canonicalEvent = (event: DigestedEvent, withTimes: boolean): string =>
  `${event.streamId}\n${event.revision}\n${event.eventId}\n${event.type}\n${canonicalJson(event.data)}\n${canonicalJson(event.metadata as JsonValue)}\n${withTimes ? event.recordedAt : ''}`;

/** Count, every stream's last revision, and a hash over the events in order. */
export class EventDigest {
  private readonly hash = createHash('sha256');
  readonly streams = new Map<string, bigint>();
  count = 0;

  add(streamId: string, revision: bigint, text: string): void {
    this.hash.update(text);
    this.hash.update('\n');
    this.streams.set(streamId, revision);
    this.count++;
  }

  digest(): string {
    return this.hash.copy().digest('hex');
  }
}

const VISIBILITY_WAIT_MS = 30_000;

/** Reads the whole target back, in the given mode: what it holds, not what we asked it to hold. */
export const readBack = async (
  store: EventStore,
  mode: DigestMode,
  expected: number,
  progress: Progress,
  signal?: AbortSignal,
): Promise<EventDigest> => {
  const task = progress.start('check', expected, 'events');
  const digest = new EventDigest();
  const withTimes = store.kind === 'postgres';
  let after: Position = START;
  // `$all` shows an event once every transaction older than it has ended (the projections' rebuild
  // keeps some open): an empty page before `expected` events means "not visible yet", so look again.
  let idleSince: number | null = null;
  for (;;) {
    throwIfAborted(signal);
    let read: number;
    if (mode === 'text') {
      const page = await (store as PostgresEventStore).readAllJson({ after, maxCount: 5000 });
      for (const row of page) digest.add(row.streamId, row.revision, withoutPosition(row.json));
      if (page.length > 0) after = page[page.length - 1]!.position;
      read = page.length;
    } else {
      const page = await store.readAll({ after, maxCount: 5000 });
      for (const event of page) digest.add(event.streamId, event.revision, canonicalEvent(event, withTimes));
      if (page.length > 0) after = page[page.length - 1]!.position;
      read = page.length;
    }
    task.update(digest.count);
    if (read > 0) {
      idleSince = null;
      continue;
    }
    if (digest.count >= expected) break;
    idleSince ??= Date.now();
    if (Date.now() - idleSince > VISIBILITY_WAIT_MS) break; // really missing: the comparison reports it
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  task.done();
  return digest;
};

/** Count and stream differences between what was meant to be restored and what the target holds, in words. */
export const compareCounts = (expected: EventDigest, actual: EventDigest): string[] => {
  const problems: string[] = [];
  if (expected.count !== actual.count) {
    const hint = actual.count > expected.count ? ' (did something append to the store during the restore?)' : '';
    problems.push(`event count: ${actual.count} in the target, ${expected.count} expected${hint}`);
  }
  const streamProblems: string[] = [];
  for (const [stream, revision] of expected.streams) {
    const found = actual.streams.get(stream);
    if (found !== revision) streamProblems.push(`${stream} at revision ${found ?? 'none'}, expected ${revision}`);
  }
  for (const stream of actual.streams.keys()) if (!expected.streams.has(stream)) streamProblems.push(`${stream} should not exist`);
  if (streamProblems.length > 0) {
    problems.push(
      `${streamProblems.length} stream(s) differ: ${streamProblems.slice(0, 5).join('; ')}${streamProblems.length > 5 ? '; …' : ''}`,
    );
  }
  return problems;
};
