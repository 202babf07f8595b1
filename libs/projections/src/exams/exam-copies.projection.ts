import type { ClientBase } from 'pg';
import type { RecordedEvent } from '#event-store';
import { type Projection, rowUpdater } from '../runner/projection.js';

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
    for (const event of events) {
      const id = event.streamId.slice('copy-'.length);
      const data = event.data as Record<string, unknown>;
      const revision = event.revision.toString();
      const update = rowUpdater(db, 'exam_copies', 'copy_id', id, event.revision);
      switch (event.type) {
        case 'CopyImported':
          await db.query(
            `INSERT INTO exam_copies (copy_id, exam_id, anonymous_code, revision) VALUES ($1, $2, $3, $4) ON CONFLICT (copy_id) DO NOTHING`,
            [id, data.examId, data.anonymousCode, revision],
          );
          break;
        case 'StudentIdentified':
          await update('student_id = $3', [data.studentId]);
          break;
        case 'IdentificationCleared':
          await update('student_id = NULL', []);
          break;
        case 'CopyFlagged':
          await update('flagged = true', []);
          break;
        case 'CopyFlagCleared':
          await update('flagged = $3', [Number(data.flagsLeft) > 0]);
          break;
        case 'CopyDiscarded':
          // Merged into another copy: it is no longer counted, dispatched or waited for.
          await db.query(`DELETE FROM exam_copies WHERE copy_id = $1`, [id]);
          break;
        case 'CopyAssigned':
          await update('corrector_id = $3, run_id = $4', [data.correctorId, data.runId]);
          break;
        case 'CopyLocked':
          await update('started = true, lock_holder_id = $3, lock_until = $4', [data.holderId, data.leaseUntil]);
          break;
        case 'LockRenewed':
          await update('lock_holder_id = $3, lock_until = $4', [data.holderId, data.leaseUntil]);
          break;
        case 'CopyUnlocked':
        case 'LockExpired':
        case 'LockForceReleased':
          await update('lock_holder_id = NULL, lock_until = NULL', []);
          break;
        case 'CopyFinalized':
          await update('finalised = true', []);
          break;
        case 'CopyReopened':
          await update('finalised = false, started = true, lock_holder_id = NULL, lock_until = NULL', []);
          break;
      }
    }
  },
};

/** The copy's correction status, as the copy decider derives it (CopyStatus). */
export const EXAM_COPY_STATUS_SQL = `CASE WHEN finalised THEN 'finalised' WHEN started THEN 'in_progress' WHEN corrector_id IS NOT NULL THEN 'assigned' WHEN student_id IS NOT NULL THEN 'identified' ELSE 'imported' END`;
