import {
  type ImportedEvent,
  type JsonObject,
  type EventMetadata,
  type Position,
  type RecordedEvent,
  type StoreKind,
  formatPosition,
  parsePosition,
} from '#event-store';

/*
 * A snapshot (DESIGN §9) is one POSIX tar file, readable with plain `tar`:
 *
 *   events/000001.ndjson …   events in `$all` order, one JSON object per line, ~16 MB per entry
 *   blobs/<sha256>           every blob the events refer to (see blob-refs.ts), named by its key
 *   manifest.json            format, source store, cut position, counts, and the sha256 of every entry above
 *   SHA256SUMS               `sha256sum -c` input for every entry, manifest.json included
 *
 * The manifest comes last so that a snapshot is one streaming pass over the store: entry hashes are
 * computed as entries are written, and nothing but the current ~16 MB event entry is held in memory.
 * A reader verifies the whole file first (one pass hashing every entry, then the manifest), and only
 * then trusts any of it. To check an archive by hand:
 *   mkdir x && tar -xf snapshot.tar -C x && (cd x && sha256sum -c SHA256SUMS)
 */

export const FORMAT = 'korrigo-snapshot';
export const FORMAT_VERSION = 1;
export const MANIFEST_ENTRY = 'manifest.json';
export const SUMS_ENTRY = 'SHA256SUMS';
export const EVENTS_PREFIX = 'events/';
export const BLOBS_PREFIX = 'blobs/';

export const eventsEntryName = (index: number): string => `${EVENTS_PREFIX}${String(index).padStart(6, '0')}.ndjson`;
export const blobEntryName = (key: string): string => `${BLOBS_PREFIX}${key}`;

export interface ManifestEntry {
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
  /** Event entries: how many events, and the original positions of the first and last. */
  readonly events?: number;
  readonly firstPosition?: string;
  readonly lastPosition?: string;
}

export interface Manifest {
  readonly format: typeof FORMAT;
  readonly formatVersion: number;
  readonly createdAt: string;
  readonly source: { readonly storeKind: StoreKind };
  /** The store's head when the snapshot started: every event up to and including it is in the archive. */
  readonly cut: { readonly position: string; readonly recordedAt: string } | null;
  readonly counts: { readonly events: number; readonly streams: number; readonly blobs: number; readonly blobBytes: number };
  /** Referred to by events but absent from the blob store when the snapshot was taken. */
  readonly missingBlobs: readonly string[];
  /** Present but not matching their key (damaged in the blob store): archived as found, never restored. */
  readonly corruptBlobs: readonly string[];
  /** Every entry before the manifest, in archive order. */
  readonly entries: readonly ManifestEntry[];
}

/** One line of an events entry. Revisions and positions are text: bigints never pass through a JS number. */
interface ArchivedEvent {
  readonly position: string;
  readonly streamId: string;
  readonly revision: string;
  readonly eventId: string;
  readonly type: string;
  readonly recordedAt: string;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
}

export const encodeEvent = (event: RecordedEvent): string =>
  JSON.stringify({
    position: formatPosition(event.position),
    streamId: event.streamId,
    revision: event.revision.toString(),
    eventId: event.eventId,
    type: event.type,
    recordedAt: event.recordedAt,
    data: event.data,
    metadata: event.metadata,
  } satisfies ArchivedEvent);

export interface DecodedEvent extends ImportedEvent {
  /** Where the event was in the source store's `$all`. */
  readonly position: Position;
}

/** Where the fields a restore checks end: every writer puts "data" and "metadata" last (encodeEvent, readAllJson). */
const DATA_FIELD = ',"data":';

/**
 * An archive line, decoded lazily: the fields before "data" (all that a restore checks and cuts on)
 * are parsed on their own; data and metadata, most of the bytes, only when read (an import into
 * PostgreSQL sends the line itself). They are own enumerable getters, so a spread copy gets them.
 */
export const decodeEvent = (line: string): DecodedEvent => {
  const at = line.indexOf(DATA_FIELD);
  const head = at === -1 ? null : (JSON.parse(`${line.slice(0, at)}}`) as Partial<ArchivedEvent>);
  const { position, streamId, revision, eventId, type, recordedAt } = head ?? {};
  if (
    position === undefined ||
    streamId === undefined ||
    revision === undefined ||
    eventId === undefined ||
    type === undefined ||
    recordedAt === undefined
  ) {
    return decodeWhole(JSON.parse(line) as ArchivedEvent);
  }
  let whole: ArchivedEvent | undefined;
  const parsed = (): ArchivedEvent => (whole ??= JSON.parse(line) as ArchivedEvent);
  return {
    position: parsePosition(position),
    streamId,
    revision: BigInt(revision),
    eventId,
    type,
    recordedAt,
    get data() {
      return parsed().data;
    },
    get metadata() {
      return parsed().metadata;
    },
  };
};

const decodeWhole = (raw: ArchivedEvent): DecodedEvent => ({
  position: parsePosition(raw.position),
  streamId: raw.streamId,
  revision: BigInt(raw.revision),
  eventId: raw.eventId,
  type: raw.type,
  recordedAt: raw.recordedAt,
  data: raw.data,
  metadata: raw.metadata,
});

export const parseManifest = (text: string): Manifest => {
  const manifest = JSON.parse(text) as Manifest;
  if (manifest.format !== FORMAT) throw new Error(`not a Korrigo snapshot (format "${String(manifest.format)}")`);
  if (manifest.formatVersion !== FORMAT_VERSION) {
    throw new Error(
      `snapshot format version ${manifest.formatVersion} is not supported by this version of Korrigo (expects ${FORMAT_VERSION})`,
    );
  }
  return manifest;
};

export const sumsFile = (entries: readonly { name: string; sha256: string }[]): string =>
  entries.map((entry) => `${entry.sha256}  ${entry.name}\n`).join('');

export const parseSums = (text: string): Map<string, string> => {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (match) sums.set(match[2]!, match[1]!);
  }
  return sums;
};
