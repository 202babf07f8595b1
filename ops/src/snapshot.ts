import path from 'node:path';
import { type JsonObject, type Position, comparePositions, formatPosition } from '#event-store';
import { isBlobKey } from '../../apps/api/src/runtime/blob-store.js';
import { FORMAT, FORMAT_VERSION, type Manifest, blobEntryName, eventsEntryName } from './archive-format.js';
import { ArchiveWriter } from './archive-writer.js';
import { collectBlobKeys } from './blob-refs.js';
import { exportPages, linePosition } from './export-pages.js';
import { formatBytes, formatCount, formatDuration, formatRate } from './format.js';
import { OpsError, type OpsRuntime, throwIfAborted } from './ops-runtime.js';
import { type Progress, silentProgress } from './progress.js';

export interface SnapshotOptions {
  readonly out: string;
  /** Events per `$all` read. */
  readonly pageSize?: number;
  /** PostgreSQL: events per range read on its own connection, and how many ranges are read at once. */
  readonly rangeEvents?: number;
  readonly readers?: number;
  /** Approximate size of one events entry. */
  readonly entryBytes?: number;
  readonly signal?: AbortSignal;
}

export interface SnapshotResult {
  readonly file: string;
  readonly cut: string | null;
  readonly events: number;
  readonly streams: number;
  readonly blobs: number;
  readonly blobBytes: number;
  readonly missingBlobs: readonly string[];
  readonly corruptBlobs: readonly string[];
  readonly bytes: number;
  readonly sha256: string;
  readonly seconds: number;
}

/**
 * A line's stream id as its JSON text (`"streamId":` is its second field): as good as the id for
 * counting streams, without parsing the line. One with escapes is parsed, to be sure of its end.
 */
const streamToken = (text: string, start: number, end: number): string => {
  const from = text.indexOf('"streamId":', start) + '"streamId":'.length;
  const token = text.slice(from, text.indexOf(',"revision":"', from));
  return token.includes('\\') ? JSON.stringify((JSON.parse(text.slice(start, end)) as { streamId: string }).streamId) : token;
};

/**
 * Writes the whole store, as of its head when the snapshot starts, to one archive (archive-format.ts).
 * Reads `$all` in pages up to and including that head, so events appended meanwhile are left for the
 * next snapshot and the archive is a consistent cut; the next pages are read while one is written.
 */
export const snapshot = async (
  runtime: OpsRuntime,
  options: SnapshotOptions,
  progress: Progress = silentProgress,
): Promise<SnapshotResult> => {
  const started = performance.now();
  const { store, blobs } = runtime;
  const pageSize = options.pageSize ?? 5000;
  const entryBytes = options.entryBytes ?? 16 << 20;
  const file = path.resolve(options.out);
  const head = await store.head();
  // Only the PostgreSQL store counts cheaply; EventStoreDB would need a full read just for the bar.
  const total = head && store.kind === 'postgres' ? Number(await store.countEvents()) : head ? null : 0;

  const writer = await ArchiveWriter.create(file);
  try {
    const task = progress.start('snapshot', total, 'events');
    const blobKeys = new Set<string>();
    const streams = new Set<string>();
    let parts: string[] = [];
    let chars = 0;
    let firstPosition = '';
    let lastPosition = '';
    let previous: Position | null = null;
    let events = 0;
    let entryEvents = 0;

    const flush = async (): Promise<void> => {
      if (entryEvents === 0) return;
      await writer.addBuffer(eventsEntryName(writer.entries.length + 1), Buffer.from(parts.join(''), 'utf8'), {
        events: entryEvents,
        firstPosition,
        lastPosition,
      });
      parts = [];
      chars = 0;
      entryEvents = 0;
    };

    if (head) {
      for await (const page of exportPages(store, head.position, {
        pageSize,
        rangeEvents: options.rangeEvents,
        readers: options.readers,
      })) {
        throwIfAborted(options.signal);
        if (previous && comparePositions(page.first, previous) <= 0) {
          throw new OpsError(`The store returned ${formatPosition(page.first)} after ${formatPosition(previous)}: $all is out of order`);
        }
        previous = page.last;
        // One pass over the page's lines, on the text: an entry ends after the line that brings it to `entryBytes`.
        const { text } = page;
        let from = 0;
        let nextBlob = text.indexOf('BlobKey');
        for (let start = 0; start < text.length;) {
          const end = text.indexOf('\n', start);
          if (entryEvents === 0) firstPosition = linePosition(text, start);
          streams.add(streamToken(text, start, end));
          if (nextBlob !== -1 && nextBlob < end) {
            collectBlobKeys((JSON.parse(text.slice(start, end)) as { data: JsonObject }).data, blobKeys);
            nextBlob = text.indexOf('BlobKey', end);
          }
          entryEvents++;
          events++;
          chars += end + 1 - start;
          if (chars >= entryBytes) {
            lastPosition = linePosition(text, start);
            parts.push(text.slice(from, end + 1));
            from = end + 1;
            await flush();
          }
          start = end + 1;
        }
        if (from < text.length) {
          parts.push(from === 0 ? text : text.slice(from));
          lastPosition = linePosition(text, text.lastIndexOf('\n', text.length - 2) + 1);
        }
        task.update(events);
      }
    }
    await flush();
    task.setTotal(events);
    task.done();

    const missingBlobs: string[] = [];
    const corruptBlobs: string[] = [];
    let blobBytes = 0;
    let blobCount = 0;
    const blobTask = progress.start('blobs', blobKeys.size, 'blobs');
    for (const key of [...blobKeys].sort()) {
      throwIfAborted(options.signal);
      const content = isBlobKey(key) ? await blobs.get(key) : null;
      if (!content) missingBlobs.push(key);
      else {
        const entry = await writer.addStream(blobEntryName(key), content.size, content.stream);
        if (entry.sha256 !== key) corruptBlobs.push(key);
        blobBytes += content.size;
        blobCount++;
      }
      blobTask.increment();
    }
    blobTask.done();
    if (missingBlobs.length > 0) progress.log(`warning: ${missingBlobs.length} blob(s) referred to by events are not in the blob store`);
    if (corruptBlobs.length > 0) progress.log(`warning: ${corruptBlobs.length} blob(s) in the blob store do not match their key`);

    const written = await writer.finish((entries): Manifest => ({
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      source: { storeKind: store.kind },
      cut: head ? { position: formatPosition(head.position), recordedAt: head.recordedAt } : null,
      counts: { events, streams: streams.size, blobs: blobCount, blobBytes },
      missingBlobs,
      corruptBlobs,
      entries,
    }));
    return {
      file,
      cut: head ? formatPosition(head.position) : null,
      events,
      streams: streams.size,
      blobs: blobCount,
      blobBytes,
      missingBlobs,
      corruptBlobs,
      bytes: written.bytes,
      sha256: written.sha256,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    await writer.abort();
    throw error;
  }
};

export const describeSnapshot = (result: SnapshotResult): string => {
  const problems = [
    result.missingBlobs.length > 0 ? `${result.missingBlobs.length} blobs MISSING from the blob store` : '',
    result.corruptBlobs.length > 0 ? `${result.corruptBlobs.length} blobs CORRUPT in the blob store` : '',
  ].filter(Boolean);
  return (
    `snapshot: ${formatCount(result.events)} events (${formatCount(result.streams)} streams, cut at ${result.cut ?? 'empty store'}), ` +
    `${formatCount(result.blobs)} blobs, ${formatBytes(result.bytes)} in ${formatDuration(result.seconds)} (${formatRate(result.events, result.seconds)}) ` +
    `→ ${result.file} sha256 ${result.sha256}${problems.length > 0 ? ` — INCOMPLETE: ${problems.join(', ')} (listed in manifest.json)` : ''}`
  );
};

/** A snapshot whose blobs are not all there is written, but the command fails so that nobody relies on it unaware. */
export const snapshotSucceeded = (result: SnapshotResult): boolean => result.missingBlobs.length === 0 && result.corruptBlobs.length === 0;
