import { Inject, Injectable } from '@nestjs/common';
import { copyFileStreamId, examFileStreamId } from '#domain';
import { type RecordedEvent, StreamNotFoundError } from '#event-store';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { gradeExportStreamId } from '../exports/grades-exported.js';
import { mapLimited } from '../shared/command-context.js';
import { badInput, notFound } from '../shared/errors.js';
import { FILE_EVENT_TYPES, type FileEvent, summariseFile } from './file-activity-summary.js';
import { type FileActivityEntryModel, FileActivityKind, type FileActivityPageModel } from './file-activity.models.js';

export const FILE_ACTIVITY_PAGE_MAX = 200;
/** Stream reads at once for one page: a page touches at most `first` streams (one per copy downloaded). */
const READS_AT_ONCE = 8;

/**
 * One page of the journal: $1 exam, $2 its own file streams wanted, $3 whether copies are wanted,
 * $4 file event types, $5-$7 the cursor (µs, stream, revision) or nulls, $8 the limit, $9 the
 * `copyfile-` prefix. Each stream is read through audit_log (stream_id, revision) in a LATERAL with
 * its own limit: a plain join lets the planner scan the whole audit log (a school year of events)
 * once its statistics see many file events; this way the cost follows the exam's own file events,
 * at most `limit` per stream. Only narrow rows are sorted and the cursors built after the limit
 * (twice as fast as for every row). Figures: tests/bench/file-activity.bench.ts.
 */
const JOURNAL_SQL = `WITH streams AS (
     SELECT stream_id, NULL::text AS copy_id, NULL::text AS anonymous_code FROM unnest($2::text[]) AS stream_id
     UNION ALL
     SELECT $9::text || copy_id, copy_id, anonymous_code FROM copies WHERE exam_id = $1 AND $3::boolean),
   page AS (
     SELECT a.event_id, a.stream_id, a.revision, a.actor_id, a.actor_role, a.occurred_at, a.recorded_at, s.copy_id, s.anonymous_code
     FROM streams s CROSS JOIN LATERAL (
       SELECT * FROM audit_log a
       WHERE a.stream_id = s.stream_id AND a.type = ANY($4::text[])
         AND ($5::text IS NULL OR (a.recorded_at, a.stream_id, a.revision) < (timestamptz 'epoch' + $5::bigint * interval '1 microsecond', $6::text, $7::bigint))
       ORDER BY a.recorded_at DESC, a.revision DESC
       LIMIT $8) a
     ORDER BY a.recorded_at DESC, a.stream_id DESC, a.revision DESC
     LIMIT $8)
   SELECT event_id, stream_id, revision::text AS revision, actor_id, actor_role, coalesce(occurred_at, recorded_at) AS at, copy_id, anonymous_code,
          json_build_array((extract(epoch FROM recorded_at) * 1000000)::bigint::text, stream_id, revision::text) AS cursor
   FROM page
   ORDER BY recorded_at DESC, stream_id DESC, revision DESC`;

/** The page's query, with its parameters (exported for the bench's EXPLAIN). */
export const journalQuery = (
  examId: string,
  kinds: readonly FileActivityKind[] | null,
  limit: number,
  cursor: readonly [string, string, string] | null,
): { text: string; values: unknown[] } => {
  const wanted = new Set(kinds && kinds.length > 0 ? kinds : Object.values(FileActivityKind));
  const examStreams = [
    ...(wanted.has(FileActivityKind.GRADE_EXPORT) ? [gradeExportStreamId(examId)] : []),
    ...(wanted.has(FileActivityKind.ARCHIVE) ? [examFileStreamId(examId)] : []),
  ];
  const values = [examId, examStreams, wanted.has(FileActivityKind.CORRECTED_COPY), FILE_EVENT_TYPES, ...(cursor ?? [null, null, null])];
  return { text: JOURNAL_SQL, values: [...values, limit, copyFileStreamId('')] };
};

interface Row {
  event_id: string;
  stream_id: string;
  revision: string;
  actor_id: string | null;
  actor_role: string | null;
  at: Date;
  copy_id: string | null;
  anonymous_code: string | null;
  cursor: [string, string, string];
}

/** The kind follows the stream, so that a line whose event cannot be read still says what it was. */
const kindOf = (streamId: string): FileActivityKind =>
  streamId.startsWith(gradeExportStreamId(''))
    ? FileActivityKind.GRADE_EXPORT
    : streamId.startsWith(examFileStreamId(''))
      ? FileActivityKind.ARCHIVE
      : FileActivityKind.CORRECTED_COPY;

/** The cursor is the last row's place (recorded_at in µs since 1970, stream, revision), opaque to the portal. */
const encodeCursor = (cursor: Row['cursor']): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');
const decodeCursor = (value: string): Row['cursor'] => {
  try {
    const cursor = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(cursor) && cursor.length === 3 && cursor.every((part) => typeof part === 'string')) {
      const [micros, , revision] = cursor as Row['cursor'];
      if (/^\d{1,19}$/.test(micros) && /^\d{1,19}$/.test(revision)) return cursor as Row['cursor'];
    }
  } catch {
    // reported below
  }
  throw badInput('Curseur de pagination invalide.');
};

/**
 * An exam's file journal (DESIGN §1 "exports, audit"): every grade export, corrected-copy download
 * and class ZIP, newest first. The audit log (one indexed row per event) finds a page of them in one
 * query over the exam's file streams — `gradeexport-`, `examfile-` and `copyfile-<copy>` for the
 * exam's copies — then only those events are read from the store for their data (format, variant,
 * hash). A copy merged into another leaves the copies read model, and its downloads with it.
 */
@Injectable()
export class FileActivity {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async journal(
    examId: string,
    kinds: readonly FileActivityKind[] | null,
    first: number,
    after: string | null,
  ): Promise<FileActivityPageModel> {
    if (!Number.isInteger(first) || first < 1 || first > FILE_ACTIVITY_PAGE_MAX) {
      throw badInput(`Entre 1 et ${FILE_ACTIVITY_PAGE_MAX} entrées par page.`);
    }
    const cursor = after ? decodeCursor(after) : null;
    const { rows } = await this.runtime.pool.query<Row>(journalQuery(examId, kinds, first + 1, cursor));
    if (rows.length === 0 && !(await this.examExists(examId))) throw notFound('Examen introuvable.');
    const page = rows.slice(0, first);
    const [events, names] = await Promise.all([this.events(page), this.names(page)]);
    return {
      examId,
      items: page.map((row) => this.entry(row, events.get(row.event_id), names)),
      nextCursor: rows.length > first ? encodeCursor(page[page.length - 1]!.cursor) : null,
    };
  }

  private entry(row: Row, event: FileEvent | undefined, names: Map<string, string>): FileActivityEntryModel {
    const sha256 = event?.data.sha256 ?? null;
    return {
      eventId: row.event_id,
      kind: kindOf(row.stream_id),
      at: row.at.toISOString(),
      actorId: row.actor_id,
      actorName: row.actor_id ? (names.get(row.actor_id) ?? row.actor_id) : 'Système',
      actorRole: row.actor_role,
      // Indexed but not (or no longer) readable: say so rather than drop the line from the record.
      summary: event ? summariseFile(event, row.anonymous_code) : `Événement illisible (${row.stream_id}, révision ${row.revision})`,
      copyId: row.copy_id,
      anonymousCode: row.anonymous_code,
      fileName: event?.type === 'GradesExported' ? event.data.fileName : null,
      sha256,
      sha256Short: sha256 ? sha256.slice(0, 12) : null,
    };
  }

  /**
   * The page's events from the store: per stream, the one range of revisions the page holds (a
   * stream's entries on a page are consecutive revisions, as both are in time order); should a range
   * ever be wider than the page, its revisions are read one by one, so a read stays a page's worth.
   */
  private async events(page: readonly Row[]): Promise<Map<string, FileEvent>> {
    const revisions = new Map<string, bigint[]>();
    for (const row of page) revisions.set(row.stream_id, [...(revisions.get(row.stream_id) ?? []), BigInt(row.revision)]);
    const reads = [...revisions].flatMap(([streamId, list]) => {
      const from = list.reduce((low, r) => (r < low ? r : low));
      const count = Number(list.reduce((high, r) => (r > high ? r : high)) - from) + 1;
      return count <= page.length ? [{ streamId, from, count }] : list.map((revision) => ({ streamId, from: revision, count: 1 }));
    });
    const wanted = new Set(page.map((row) => row.event_id));
    const read = await mapLimited(reads, READS_AT_ONCE, ({ streamId, from, count }) =>
      this.runtime.store.readStream(streamId, { fromRevision: from, maxCount: count }).catch((error: unknown): RecordedEvent[] => {
        // A stream the log indexed but the store no longer has (a partial restore): its lines say so below.
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }),
    );
    const events = new Map<string, FileEvent>();
    for (const event of read.flat()) {
      if (wanted.has(event.eventId)) events.set(event.eventId, { type: event.type, data: event.data } as unknown as FileEvent);
    }
    return events;
  }

  /** Staff display names and students' "NOM Prénom" for the page's actors, in one query. */
  private async names(page: readonly Row[]): Promise<Map<string, string>> {
    const ids = [...new Set(page.flatMap((row) => (row.actor_id ? [row.actor_id] : [])))];
    if (ids.length === 0) return new Map();
    const { rows } = await this.runtime.pool.query<{ id: string; name: string }>(
      `SELECT user_id AS id, display_name AS name FROM users WHERE user_id = ANY($1)
       UNION ALL SELECT student_id, upper(last_name) || ' ' || first_name FROM students WHERE student_id = ANY($1)`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  private async examExists(examId: string): Promise<boolean> {
    const { rows } = await this.runtime.pool.query(`SELECT 1 FROM copy_exams WHERE exam_id = $1`, [examId]);
    return rows.length > 0;
  }
}
