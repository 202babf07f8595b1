import { type FileHandle, open } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { type Position, PostgresEventStore, formatPosition } from '#event-store';
import { type Projection, allProjections } from '#projections';
import { archiveEvents } from './archive-events.js';
import { BLOBS_PREFIX, type DecodedEvent, type Manifest } from './archive-format.js';
import { type VerifiedArchive, streamEntry, verifyArchive } from './archive-reader.js';
import { collectBlobKeys } from './blob-refs.js';
import { type DigestMode, EventDigest, canonicalEvent, compareCounts, digestMode, readBack, withoutPosition } from './event-digest.js';
import { formatBytes, formatCount, formatDuration, formatRate } from './format.js';
import { OpsError, type OpsRuntime, throwIfAborted } from './ops-runtime.js';
import { type Progress, silentProgress } from './progress.js';
import { type ReadModelChecksums, describeChecksums, readModelChecksums, startRebuild } from './read-models.js';
import { prepareTarget } from './restore-target.js';

export interface RestoreOptions {
  /** Replace a non-empty PostgreSQL store (refused on EventStoreDB). */
  readonly force?: boolean;
  /** Point in time: restore events up to and including this original position. */
  readonly toPosition?: Position;
  /** Point in time: restore events up to the first one recorded after this instant. */
  readonly toTime?: Date;
  /** Events per `importEvents` call. */
  readonly batchSize?: number;
  readonly projections?: readonly Projection[];
  readonly stallMs?: number;
  readonly signal?: AbortSignal;
}

export interface RestoreResult {
  readonly file: string;
  readonly archiveSha256: string;
  readonly archiveBytes: number;
  readonly sourceStore: string;
  readonly targetStore: string;
  /** Events the archive holds, and those restored (fewer with a point in time). */
  readonly archiveEvents: number;
  readonly events: number;
  readonly streams: number;
  /** Original position of the last restored event. */
  readonly restoredTo: string | null;
  readonly blobsCopied: number;
  readonly blobsPresent: number;
  readonly blobBytes: number;
  readonly checksums: ReadModelChecksums;
  /** Warnings that do not make the restore wrong (blobs the snapshot itself lacked). */
  readonly warnings: readonly string[];
  /** Mismatches: the restore did not reproduce the archive. Non-empty means failure. */
  readonly problems: readonly string[];
  readonly seconds: number;
  readonly importSeconds: number;
}

/**
 * Restores an archive into the runtime's (empty) store: verifies every hash first, then re-appends
 * the events with their ids and revisions in `$all` order, copies the blobs they refer to, rebuilds
 * the read models and proves the result — the store read back must hold exactly the archive's events
 * (count, every stream's revision, contents) before the read models' checksums are printed.
 */
export const restore = async (
  runtime: OpsRuntime,
  file: string,
  options: RestoreOptions = {},
  progress: Progress = silentProgress,
): Promise<RestoreResult> => {
  const started = performance.now();
  if (options.toPosition && options.toTime) throw new OpsError('Choose one point in time: --to-position or --to-time, not both');
  const archive = await verifyArchive(path.resolve(file), progress, options.signal);
  const { manifest } = archive;
  await prepareTarget(runtime, options.force ?? false, progress);

  const projections = options.projections ?? allProjections;
  const rebuild = await startRebuild(runtime, projections, progress, { stallMs: options.stallMs });
  const handle = await open(archive.file, 'r');
  try {
    const mode = digestMode(manifest.source.storeKind, runtime.store);
    const importStarted = performance.now();
    const imported = await importArchiveEvents(runtime, handle, archive, mode, options, progress);
    const importSeconds = (performance.now() - importStarted) / 1000;
    const blobs = await copyBlobs(runtime, handle, archive, imported.blobKeys, progress, options.signal);

    const { problems, count } = await proveRestored(runtime, handle, archive, mode, imported.digest, options, progress);
    const head = await runtime.store.head();
    await rebuild.waitUntil(head?.position ?? null, progress, count, options.signal).catch((error: unknown) => {
      const message = `The events are restored (${formatCount(count)}), but rebuilding the read models failed: ${(error as Error).message}`;
      throw new OpsError(message, { cause: error });
    });
    const checksums = await readModelChecksums(runtime.pool, projections);

    const warnings = [...blobs.warnings];
    if (runtime.store.kind === 'eventstoredb')
      warnings.push('EventStoreDB records its own time: recordedAt of restored events is the restore time (metadata.occurredAt is kept)');
    return {
      file: archive.file,
      archiveSha256: archive.sha256,
      archiveBytes: archive.bytes,
      sourceStore: manifest.source.storeKind,
      targetStore: runtime.store.kind,
      archiveEvents: manifest.counts.events,
      events: imported.digest.count,
      streams: imported.digest.streams.size,
      restoredTo: imported.last ? formatPosition(imported.last) : null,
      blobsCopied: blobs.copied,
      blobsPresent: blobs.present,
      blobBytes: blobs.bytes,
      checksums,
      warnings,
      problems,
      seconds: (performance.now() - started) / 1000,
      importSeconds,
    };
  } finally {
    await handle.close();
    await rebuild.stop();
  }
};

interface Imported {
  readonly digest: EventDigest;
  readonly blobKeys: Set<string>;
  readonly last: Position | null;
}

/** Parses the next events while the previous batch is being written: one import in flight, in order. */
const importArchiveEvents = async (
  runtime: OpsRuntime,
  handle: FileHandle,
  archive: VerifiedArchive,
  mode: DigestMode,
  options: RestoreOptions,
  progress: Progress,
): Promise<Imported> => {
  const { store } = runtime;
  const task = progress.start('restore', archive.manifest.counts.events, 'events');
  const digest = new EventDigest();
  const withTimes = store.kind === 'postgres';
  const blobKeys = new Set<string>();
  let last: Position | null = null;
  let batch: DecodedEvent[] = [];
  let lines: string[] = [];
  let inFlight: Promise<void> | null = null;
  let written = 0;

  // Into PostgreSQL, the archive's own lines go as they are (PostgresEventStore.importJsonLines).
  const bulk = store instanceof PostgresEventStore ? store : null;
  const batchSize = options.batchSize ?? (bulk ? 5000 : 2000);
  const send = async (durable: boolean): Promise<void> => {
    if (inFlight) await inFlight;
    const events = batch;
    inFlight = (bulk ? bulk.importJsonLines(events, lines.join('\n'), durable) : store.importEvents(events)).then(() => {
      written += events.length;
      task.update(written);
    });
    inFlight.catch(() => undefined); // awaited before the next batch or at the end
    batch = [];
    lines = [];
  };

  try {
    for await (const events of archiveEvents(handle, archive, options, options.signal)) {
      for (const { line, event } of events) {
        digest.add(event.streamId, event.revision, mode === 'text' ? withoutPosition(line) : canonicalEvent(event, withTimes));
        if (line.includes('BlobKey')) collectBlobKeys(event.data, blobKeys);
        last = event.position;
        // A full batch waits for the next event: the last batch, sent durable, is never empty.
        if (batch.length >= batchSize) await send(false);
        batch.push(event);
        lines.push(line);
      }
    }
    if (batch.length > 0) await send(true);
    if (inFlight) await inFlight;
  } catch (error) {
    if (inFlight) await (inFlight as Promise<void>).catch(() => undefined);
    if (error instanceof OpsError && written === 0) throw error;
    throw new OpsError(
      `Restore failed after ${formatCount(written)} events: ${(error as Error).message}. ` +
        `The target now holds a partial restore${store.kind === 'postgres' ? ': run again with --force' : ''}.`,
      { cause: error },
    );
  }
  task.setTotal(written);
  task.done();
  return { digest, blobKeys, last };
};

/**
 * The proof that the target holds exactly what was restored: the same count, every stream at the
 * same revision, and the same events in the same order. A 'text' difference is checked again
 * canonically before it is reported (see DigestMode).
 */
const proveRestored = async (
  runtime: OpsRuntime,
  handle: FileHandle,
  archive: VerifiedArchive,
  mode: DigestMode,
  imported: EventDigest,
  options: RestoreOptions,
  progress: Progress,
): Promise<{ problems: string[]; count: number }> => {
  const actual = await readBack(runtime.store, mode, imported.count, progress, options.signal);
  const problems = compareCounts(imported, actual);
  if (problems.length > 0 || imported.digest() === actual.digest()) return { problems, count: actual.count };
  if (mode === 'text') {
    progress.log('the restored events differ from the archive as text: comparing them field by field');
    const expected = new EventDigest();
    const withTimes = runtime.store.kind === 'postgres';
    for await (const events of archiveEvents(handle, archive, options, options.signal)) {
      for (const { event } of events) expected.add(event.streamId, event.revision, canonicalEvent(event, withTimes));
    }
    const again = await readBack(runtime.store, 'canonical', expected.count, progress, options.signal);
    if (expected.digest() === again.digest()) return { problems, count: actual.count };
  }
  return {
    problems: ['event contents differ (same streams and revisions, but other ids, types, data, metadata or times)'],
    count: actual.count,
  };
};

const copyBlobs = async (
  runtime: OpsRuntime,
  handle: FileHandle,
  archive: VerifiedArchive,
  referenced: ReadonlySet<string>,
  progress: Progress,
  signal?: AbortSignal,
): Promise<{ copied: number; present: number; bytes: number; warnings: string[] }> => {
  const { manifest } = archive;
  const corrupt = new Set(manifest.corruptBlobs);
  const entries = archive.entries.filter(
    (entry) => entry.name.startsWith(BLOBS_PREFIX) && referenced.has(entry.name.slice(BLOBS_PREFIX.length)),
  );
  const task = progress.start('blobs', entries.length, 'blobs');
  let copied = 0;
  let present = 0;
  let bytes = 0;
  for (const entry of entries) {
    throwIfAborted(signal);
    const key = entry.name.slice(BLOBS_PREFIX.length);
    if (corrupt.has(key)) continue;
    if (await runtime.blobs.has(key)) present++;
    else {
      await runtime.blobs.put(Readable.from(streamEntry(handle, entry)), { expectedKey: key });
      copied++;
      bytes += entry.size;
    }
    task.increment();
  }
  task.done();
  return { copied, present, bytes, warnings: blobWarnings(manifest, referenced) };
};

const blobWarnings = (manifest: Manifest, referenced: ReadonlySet<string>): string[] => {
  const missing = manifest.missingBlobs.filter((key) => referenced.has(key));
  const corrupt = manifest.corruptBlobs.filter((key) => referenced.has(key));
  return [
    ...(missing.length > 0
      ? [
          `${missing.length} blob(s) referred to by restored events were already missing when the snapshot was taken: ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}`,
        ]
      : []),
    ...(corrupt.length > 0
      ? [
          `${corrupt.length} blob(s) were damaged in the source blob store and were not restored: ${corrupt.slice(0, 3).join(', ')}${corrupt.length > 3 ? ', …' : ''}`,
        ]
      : []),
  ];
};

export const describeRestore = (result: RestoreResult): string[] => {
  const pointInTime =
    result.events < result.archiveEvents
      ? ` (point in time: ${formatCount(result.events)} of ${formatCount(result.archiveEvents)}, up to ${result.restoredTo})`
      : '';
  const lines = [
    'read-model checksums:',
    ...describeChecksums(result.checksums),
    ...result.warnings.map((warning) => `warning: ${warning}`),
    ...result.problems.map((problem) => `MISMATCH: ${problem}`),
    `restore: ${result.problems.length > 0 ? 'FAILED — ' : ''}${formatCount(result.events)} events${pointInTime}, ${formatCount(result.streams)} streams, ` +
      `${formatCount(result.blobsCopied)} blobs copied (${formatBytes(result.blobBytes)}${result.blobsPresent > 0 ? `, ${result.blobsPresent} already present` : ''}), ` +
      `${result.sourceStore} → ${result.targetStore} in ${formatDuration(result.seconds)} (${formatRate(result.events, result.seconds)} including rebuild; ` +
      `import ${formatRate(result.events, result.importSeconds)}) from ${result.file} sha256 ${result.archiveSha256}`,
  ];
  return lines;
};
