import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { type Position, START, comparePositions, formatPosition } from '#event-store';
import { type DecodedEvent, EVENTS_PREFIX, decodeEvent } from './archive-format.js';
import { type VerifiedArchive, readEntry } from './archive-reader.js';
import { ArchiveCorruptError, throwIfAborted } from './ops-runtime.js';

/** Where a point-in-time restore stops; nothing set: the whole archive. */
export interface Cut {
  /** Up to and including this original position. */
  readonly toPosition?: Position;
  /** Up to the first event recorded after this instant: a prefix of `$all`, so streams never get gaps. */
  readonly toTime?: Date;
}

export interface ArchivedEvent {
  readonly line: string;
  readonly event: DecodedEvent;
}

/**
 * The archive's events in `$all` order, up to the cut, a thousand at a time. Each entry is
 * hashed again as it is read (the file could have changed since it was verified), and the order is
 * checked: positions increase, and every stream starts at revision 0 without gaps.
 */
export async function* archiveEvents(
  handle: FileHandle,
  archive: VerifiedArchive,
  cut: Cut,
  signal?: AbortSignal,
): AsyncGenerator<ArchivedEvent[]> {
  const locations = new Map(archive.entries.map((entry) => [entry.name, entry]));
  const cutTime = cut.toTime?.getTime();
  const revisions = new Map<string, bigint>();
  let previous: Position = START;
  for (const listed of archive.manifest.entries) {
    if (!listed.name.startsWith(EVENTS_PREFIX)) continue;
    throwIfAborted(signal);
    const content = await readEntry(handle, locations.get(listed.name)!);
    if (createHash('sha256').update(content).digest('hex') !== listed.sha256) {
      throw new ArchiveCorruptError(`${listed.name} changed since it was verified: the archive file is being modified`);
    }
    const text = content.toString('utf8');
    const events: ArchivedEvent[] = []; // handed out a thousand at a time: an entry's events are never all parsed at once
    let reachedCut = false;
    for (let start = 0, end = text.indexOf('\n'); end !== -1; start = end + 1, end = text.indexOf('\n', start)) {
      const line = text.slice(start, end);
      const event = decodeEvent(line);
      if (
        (cut.toPosition && comparePositions(event.position, cut.toPosition) > 0) ||
        (cutTime !== undefined && Date.parse(event.recordedAt) > cutTime)
      ) {
        reachedCut = true;
        break;
      }
      if (comparePositions(event.position, previous) <= 0) {
        throw new ArchiveCorruptError(
          `The archive lists ${formatPosition(event.position)} after ${formatPosition(previous)}: events are out of order`,
        );
      }
      const expected = (revisions.get(event.streamId) ?? -1n) + 1n;
      if (event.revision !== expected) {
        throw new ArchiveCorruptError(`The archive has ${event.streamId} at revision ${event.revision} where ${expected} was expected`);
      }
      revisions.set(event.streamId, event.revision);
      previous = event.position;
      events.push({ line, event });
      if (events.length === 1000) yield events.splice(0);
    }
    if (events.length > 0) yield events;
    if (reachedCut) return;
  }
}
