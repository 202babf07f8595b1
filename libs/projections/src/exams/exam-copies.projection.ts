import type { ClientBase } from 'pg';
import type { RecordedEvent } from '#event-store';
import type { Projection } from '../runner/projection.js';

/**
 * The exam office's view of an exam's copies: enough to count progress, choose what a dispatch
 * moves, and refuse publishing while a copy is unfinished. It holds no name and no score: the copy
 * list, pages and scores are the copies read models'. Kept apart so that a decision like "every copy
 * is finalised" never silently passes because another read model is missing.
 */
export const examCopiesProjection: Projection = {
  name: 'exam-copies',
  version: 1,
  eventTypes: [
    'CopyImported',
    'StudentIdentified',
    'IdentificationCleared',
    'CopyFlagged',
    'CopyFlagCleared',
    'CopyDiscarded',
    'CopyAssigned',
    'CopyLocked',
    'LockRenewed',
    'CopyUnlocked',
    'LockExpired',
    'LockForceReleased',
    'CopyFinalized',
    'CopyReopened',
  ],
  tables: [{ name: 'exam_copies', key: 'copy_id' }],
  async setup(db: ClientBase) {
    await db.query(`
      CREATE TABLE IF NOT EXISTS exam_copies (
        copy_id text PRIMARY KEY,
        exam_id text NOT NULL,
        anonymous_code text NOT NULL,
        student_id text,
        corrector_id text,
        run_id text,
        started boolean NOT NULL DEFAULT false,
        finalised boolean NOT NULL DEFAULT false,
        flagged boolean NOT NULL DEFAULT false,
        lock_holder_id text,
        lock_until timestamptz,
        revision bigint NOT NULL
      );
      CREATE INDEX IF NOT EXISTS exam_copies_exam ON exam_copies (exam_id);`);
  },
  async apply(db: ClientBase, events: readonly RecordedEvent[]) {
    // Set-based: the batch's rows are read once, folded in order, and what changed is written back.
    const ids = [...new Set(events.map((event) => event.streamId.slice('copy-'.length)))];
    if (ids.length === 0) return;
    const loaded = await db.query<{ row: ExamCopyRow }>(`SELECT to_jsonb(e) AS row FROM exam_copies e WHERE copy_id = ANY($1::text[])`, [
      ids,
    ]);
    const rows = new Map<string, ExamCopyRow | null>(
      loaded.rows.map(({ row }) => [row.copy_id, { ...row, revision: String(row.revision) }]),
    );
    const changed = new Set<string>();
    for (const event of events) {
      const id = event.streamId.slice('copy-'.length);
      const before = rows.get(id) ?? null;
      const after = examCopyTransition(before, id, event);
      if (after === before) continue;
      rows.set(id, after);
      changed.add(id);
    }
    const gone = [...changed].filter((id) => rows.get(id) === null);
    if (gone.length > 0) await db.query(`DELETE FROM exam_copies WHERE copy_id = ANY($1::text[])`, [gone]);
    const written = [...changed].flatMap((id) => rows.get(id) ?? []);
    if (written.length === 0) return;
    await db.query(
      `INSERT INTO exam_copies (${EXAM_COPY_COLUMNS.join(', ')}) SELECT ${EXAM_COPY_COLUMNS.join(', ')} FROM jsonb_populate_recordset(NULL::exam_copies, $1::jsonb)
       ON CONFLICT (copy_id) DO UPDATE SET ${EXAM_COPY_COLUMNS.slice(1)
         .map((column) => `${column} = EXCLUDED.${column}`)
         .join(', ')}`,
      [JSON.stringify(written)],
    );
  },
};

interface ExamCopyRow {
  copy_id: string;
  exam_id: string;
  anonymous_code: string;
  student_id: string | null;
  corrector_id: string | null;
  run_id: string | null;
  started: boolean;
  finalised: boolean;
  flagged: boolean;
  lock_holder_id: string | null;
  /** As PostgreSQL wrote it (to_jsonb), or the event's ISO time. */
  lock_until: string | null;
  revision: string;
}

const EXAM_COPY_COLUMNS: readonly (keyof ExamCopyRow)[] = [
  'copy_id',
  'exam_id',
  'anonymous_code',
  'student_id',
  'corrector_id',
  'run_id',
  'started',
  'finalised',
  'flagged',
  'lock_holder_id',
  'lock_until',
  'revision',
];

/**
 * One event on a copy's row (null: none). Idempotent by revision: a row only moves to a later
 * event, and the same row object comes back when the event changes nothing.
 */
export const examCopyTransition = (row: ExamCopyRow | null, id: string, event: RecordedEvent): ExamCopyRow | null => {
  const data = event.data as Record<string, unknown>;
  if (event.type === 'CopyImported') {
    if (row !== null) return row;
    const base = { student_id: null, corrector_id: null, run_id: null, started: false, finalised: false, flagged: false };
    return {
      ...base,
      copy_id: id,
      exam_id: String(data.examId),
      anonymous_code: String(data.anonymousCode),
      lock_holder_id: null,
      lock_until: null,
      revision: event.revision.toString(),
    };
  }
  // Merged into another copy: it is no longer counted, dispatched or waited for.
  if (event.type === 'CopyDiscarded') return null;
  if (row === null || BigInt(row.revision) >= event.revision) return row;
  const update = (change: Partial<ExamCopyRow>): ExamCopyRow => ({ ...row, ...change, revision: event.revision.toString() });
  const text = (value: unknown): string | null => (value === undefined || value === null ? null : String(value));
  switch (event.type) {
    case 'StudentIdentified':
      return update({ student_id: text(data.studentId) });
    case 'IdentificationCleared':
      return update({ student_id: null });
    case 'CopyFlagged':
      return update({ flagged: true });
    case 'CopyFlagCleared':
      return update({ flagged: Number(data.flagsLeft) > 0 });
    case 'CopyAssigned':
      return update({ corrector_id: text(data.correctorId), run_id: text(data.runId) });
    case 'CopyLocked':
      return update({ started: true, lock_holder_id: text(data.holderId), lock_until: text(data.leaseUntil) });
    case 'LockRenewed':
      return update({ lock_holder_id: text(data.holderId), lock_until: text(data.leaseUntil) });
    case 'CopyUnlocked':
    case 'LockExpired':
    case 'LockForceReleased':
      return update({ lock_holder_id: null, lock_until: null });
    case 'CopyFinalized':
      return update({ finalised: true });
    case 'CopyReopened':
      return update({ finalised: false, started: true, lock_holder_id: null, lock_until: null });
    default:
      return row;
  }
};

/** The copy's correction status, as the copy decider derives it (CopyStatus). */
export const EXAM_COPY_STATUS_SQL = `CASE WHEN finalised THEN 'finalised' WHEN started THEN 'in_progress' WHEN corrector_id IS NOT NULL THEN 'assigned' WHEN student_id IS NOT NULL THEN 'identified' ELSE 'imported' END`;
