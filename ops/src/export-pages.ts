import { type EventStore, type Position, PostgresEventStore, START, comparePositions, parsePosition } from '#event-store';
import { encodeEvent } from './archive-format.js';

/** Consecutive events of `$all` as a snapshot writes them. */
export interface ExportedPage {
  /** The archive's lines for the events (archive-format.ts), each ending with a newline. */
  readonly text: string;
  readonly events: number;
  readonly first: Position;
  readonly last: Position;
}

export interface ExportOptions {
  readonly pageSize: number;
  /** PostgreSQL: `$all` is cut into ranges of this many events, `readers` of them read at once. */
  readonly rangeEvents?: number;
  readonly readers?: number;
}

/** Where a line's `"position"` (its first field, `{"position":"C/P",…`) starts. */
const POSITION_AT = '{"position":"'.length;

/** The text of the position of the line starting at `start`. */
export const linePosition = (text: string, start: number): string =>
  text.slice(start + POSITION_AT, text.indexOf('"', start + POSITION_AT));

/**
 * `$all` up to and including `cut`, in order, as pages of archive lines. The PostgreSQL store writes
 * the JSON itself and joins a page's lines into one text (no parsing only to serialise again, one row
 * per page), and is read over several connections at once, one range each; any other store is read
 * through the port, one page ahead.
 */
export const exportPages = (store: EventStore, cut: Position, options: ExportOptions): AsyncGenerator<ExportedPage> =>
  store instanceof PostgresEventStore ? postgresPages(store, cut, options) : portPages(store, cut, options.pageSize);

async function* portPages(store: EventStore, cut: Position, pageSize: number): AsyncGenerator<ExportedPage> {
  type Read = Promise<{ page: ExportedPage | null; complete: boolean }>;
  const read = (after: Position): Read => {
    const page = store.readAll({ after, maxCount: pageSize }).then((events) => {
      // Events after `cut` were appended after the snapshot began.
      let end = events.length;
      while (end > 0 && comparePositions(events[end - 1]!.position, cut) > 0) end--;
      const kept = events.slice(0, end);
      return {
        page:
          kept.length === 0
            ? null
            : {
                text: `${kept.map(encodeEvent).join('\n')}\n`,
                events: kept.length,
                first: kept[0]!.position,
                last: kept[end - 1]!.position,
              },
        complete: end === events.length && end > 0,
      };
    });
    page.catch(() => undefined); // awaited below; this only keeps a failure meanwhile from being "unhandled"
    return page;
  };
  for (let next: Read | null = read(START); next;) {
    const { page, complete }: Awaited<Read> = await next;
    next = complete && page ? read(page.last) : null;
    if (page) yield page;
  }
}

async function* postgresPages(store: PostgresEventStore, cut: Position, options: ExportOptions): AsyncGenerator<ExportedPage> {
  const bounds = await store.positionsEvery(options.rangeEvents ?? 10_000, cut);
  const starts = [START, ...bounds.filter((bound) => comparePositions(bound, cut) < 0)];
  const readRange = async (from: Position, to: Position): Promise<ExportedPage[]> => {
    const pages: ExportedPage[] = [];
    for (let after = from; ;) {
      const { text, count } = await store.readAllJsonLines(after, to, options.pageSize);
      if (count === 0) break;
      const last = parsePosition(linePosition(text, text.lastIndexOf('\n', text.length - 2) + 1));
      pages.push({ text, events: count, first: parsePosition(linePosition(text, 0)), last });
      if (count < options.pageSize) break;
      after = last;
    }
    return pages;
  };
  const inFlight: Promise<ExportedPage[]>[] = [];
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
