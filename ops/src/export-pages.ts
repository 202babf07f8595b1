import { type EventStore, type Position, PostgresEventStore, START, comparePositions } from '#event-store';
import { encodeEvent } from './archive-format.js';

/** One event as a snapshot writes it. */
export interface ExportedEvent {
  readonly position: Position;
  readonly streamId: string;
  /** The archive's line for the event (archive-format.ts), without its newline. */
  readonly json: string;
}

export interface ExportOptions {
  readonly pageSize: number;
  /** PostgreSQL: `$all` is cut into ranges of this many events, `readers` of them read at once. */
  readonly rangeEvents?: number;
  readonly readers?: number;
}

/**
 * `$all` up to and including `cut`, in order, as pages of archive lines. The PostgreSQL store writes
 * the JSON itself (no parsing only to serialise again) and is read over several connections at once,
 * one range each; any other store is read through the port, one page ahead.
 */
export const exportPages = (store: EventStore, cut: Position, options: ExportOptions): AsyncGenerator<ExportedEvent[]> =>
  store instanceof PostgresEventStore ? postgresPages(store, cut, options) : portPages(store, cut, options.pageSize);

/** Events after `cut` are dropped: they were appended after the snapshot began. */
const upTo = <E extends { position: Position }>(page: E[], cut: Position): E[] => {
  let end = page.length;
  while (end > 0 && comparePositions(page[end - 1]!.position, cut) > 0) end--;
  return end === page.length ? page : page.slice(0, end);
};

async function* portPages(store: EventStore, cut: Position, pageSize: number): AsyncGenerator<ExportedEvent[]> {
  const read = (after: Position): Promise<ExportedEvent[]> => {
    const page = store
      .readAll({ after, maxCount: pageSize })
      .then((events) => events.map((event) => ({ position: event.position, streamId: event.streamId, json: encodeEvent(event) })));
    page.catch(() => undefined); // awaited below; this only keeps a failure meanwhile from being "unhandled"
    return page;
  };
  for (let next: Promise<ExportedEvent[]> | null = read(START); next;) {
    const page: ExportedEvent[] = await next;
    const kept: ExportedEvent[] = upTo(page, cut);
    next = kept.length === page.length && page.length > 0 ? read(page[page.length - 1]!.position) : null;
    if (kept.length > 0) yield kept;
  }
}

async function* postgresPages(store: PostgresEventStore, cut: Position, options: ExportOptions): AsyncGenerator<ExportedEvent[]> {
  const bounds = await store.positionsEvery(options.rangeEvents ?? 10_000, cut);
  const starts = [START, ...bounds.filter((bound) => comparePositions(bound, cut) < 0)];
  const readRange = async (from: Position, to: Position): Promise<ExportedEvent[][]> => {
    const pages: ExportedEvent[][] = [];
    for (let after = from; comparePositions(after, to) < 0;) {
      const page = await store.readAllJson({ after, maxCount: options.pageSize });
      const kept = upTo(page, to);
      if (kept.length > 0) pages.push(kept);
      if (kept.length < options.pageSize) break;
      after = kept[kept.length - 1]!.position;
    }
    return pages;
  };
  const inFlight: Promise<ExportedEvent[][]>[] = [];
  let next = 0;
  const launch = (): void => {
    while (inFlight.length < (options.readers ?? 2) && next < starts.length) {
      const range = readRange(starts[next]!, starts[next + 1] ?? cut);
      range.catch(() => undefined); // awaited in order below
      inFlight.push(range);
      next++;
    }
  };
  launch();
  while (inFlight.length > 0) {
    const pages = await inFlight.shift()!;
    launch();
    yield* pages;
  }
}
