import type { ClientBase } from 'pg';
import type { CopyEvent, CopyPage } from '#domain';
import type { RecordedEvent } from '#event-store';
import { type Projection, rowUpdater } from '../../libs/projections/src/runner/projection.js';
import { COPIES_DDL, COPIES_TABLES, COPY_EVENT_TYPES } from '../../libs/projections/src/copies/copies.schema.js';
import { COPY_LOCK_CHANNEL, type CopyLockChangeKind } from '../../libs/projections/src/copies/copy-lock-channel.js';

/**
 * The copies projection as it was up to version 4: one event at a time, two or three statements each.
 * Kept, unchanged but for its imports, as the oracle of copies-batch-equivalence.spec.ts: the batch
 * apply (libs/projections/src/copies) must leave exactly the rows this one leaves.
 */
export const copiesPerEventProjection: Projection = {
  name: 'copies',
  // 2: masked page images, header crops, page transfers between copies, discarded copies. 3: corrected-copy PDFs.
  // 4: the current reopening (reason, admin, date) kept for the corrector until the next finalisation.
  version: 4,
  eventTypes: COPY_EVENT_TYPES,
  tables: COPIES_TABLES,
  async setup(db: ClientBase) {
    await db.query(COPIES_DDL);
  },
  async apply(db: ClientBase, events: readonly RecordedEvent[]) {
    for (const recorded of events) {
      if (!recorded.streamId.startsWith('copy-')) continue;
      const copyId = recorded.streamId.slice('copy-'.length);
      const event = { type: recorded.type, data: recorded.data } as unknown as CopyEvent;
      const at = recorded.recordedAt;
      const revision = recorded.revision.toString();
      if (event.type === 'CopyImported') {
        await importCopy(db, copyId, event.data, at, revision);
        continue;
      }
      const moved = await rowUpdater(db, 'copies', 'copy_id', copyId, recorded.revision)('updated_at = $3', [at]);
      if (moved.rowCount === 0) continue; // already applied, or an event of a copy never imported
      await applyChange(db, copyId, event, at);
    }
  },
};

const importCopy = async (
  db: ClientBase,
  copyId: string,
  data: Extract<CopyEvent, { type: 'CopyImported' }>['data'],
  at: string,
  revision: string,
) => {
  const inserted = await db.query(
    `INSERT INTO copies (copy_id, exam_id, scan_id, anonymous_code, page_count, imported_at, updated_at, revision)
     VALUES ($1, $2, $3, $4, $5, $6, $6, $7) ON CONFLICT (copy_id) DO NOTHING`,
    [copyId, data.examId, data.scanId, data.anonymousCode, data.pages.length, at, revision],
  );
  if (inserted.rowCount === 0) return;
  await insertPages(db, copyId, data.pages, 0);
  // A copy split off another: its import completes the transfer that detached its pages.
  await db.query(`UPDATE copy_page_transfers SET attached_at = $2 WHERE to_copy_id = $1 AND new_copy AND attached_at IS NULL`, [
    copyId,
    at,
  ]);
};

const insertPages = (db: ClientBase, copyId: string, pages: readonly CopyPage[], from: number) =>
  db.query(
    `INSERT INTO copy_pages (copy_id, page_id, position, number, image_blob_key, masked_image_blob_key)
     SELECT $1, p->>'pageId', $3 + (o - 1)::int, (p->>'number')::int, p->>'imageBlobKey', p->>'maskedImageBlobKey'
     FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS x(p, o)`,
    [copyId, JSON.stringify(pages), from],
  );

/** Positions 0..n-1 again after pages left, and the page count. */
const renumberPages = async (db: ClientBase, copyId: string) => {
  await db.query(
    `UPDATE copy_pages p SET position = r.position
     FROM (SELECT page_id, (row_number() OVER (ORDER BY position) - 1)::int AS position FROM copy_pages WHERE copy_id = $1) r
     WHERE p.copy_id = $1 AND p.page_id = r.page_id AND p.position <> r.position`,
    [copyId],
  );
  await db.query(`UPDATE copies SET page_count = (SELECT count(*) FROM copy_pages WHERE copy_id = $1) WHERE copy_id = $1`, [copyId]);
};

const applyChange = async (
  db: ClientBase,
  copyId: string,
  event: Exclude<CopyEvent, { type: 'CopyImported' }>,
  at: string,
): Promise<void> => {
  const set = (assignments: string, params: readonly unknown[]) =>
    db.query(`UPDATE copies SET ${assignments} WHERE copy_id = $1`, [copyId, ...params]);
  const lockChange = (assignments: string, params: readonly unknown[], reason: string | null = null) =>
    set(
      `${assignments}, lock_change = $${params.length + 2}, lock_change_reason = $${params.length + 3}, lock_changed_at = $${params.length + 4}`,
      [...params, event.type, reason, at],
    );
  switch (event.type) {
    case 'HeaderRead': {
      const { engine, text, candidates, confidence, imageBlobKey } = event.data;
      await set('header = $2', [JSON.stringify({ engine, text, candidates, confidence, imageBlobKey: imageBlobKey ?? null })]);
      return;
    }
    case 'StudentIdentified':
      await set('student_id = $2, identification_method = $3, corrected_pdf = NULL', [event.data.studentId, event.data.method]);
      return;
    case 'IdentificationCleared':
      await set('student_id = NULL, identification_method = NULL, corrected_pdf = NULL', []);
      return;
    case 'CopyFlagged': {
      const { reason, note } = event.data;
      await set(`flags = flags || jsonb_build_array($2::jsonb)`, [JSON.stringify(note === undefined ? { reason } : { reason, note })]);
      return;
    }
    case 'PagesReordered':
      await db.query(
        `UPDATE copy_pages p SET position = (o - 1)::int FROM jsonb_array_elements_text($2::jsonb) WITH ORDINALITY AS x(id, o)
         WHERE p.copy_id = $1 AND p.page_id = x.id`,
        [copyId, JSON.stringify(event.data.pageIds)],
      );
      return;
    case 'CopyFlagCleared':
      await set(
        `flags = (SELECT coalesce(jsonb_agg(f ORDER BY o), '[]') FROM jsonb_array_elements(flags) WITH ORDINALITY AS x(f, o) WHERE f->>'reason' <> $2)`,
        [event.data.reason],
      );
      return;
    case 'PagesDetached': {
      const { transferId, toCopyId, pages, position, newCopy } = event.data;
      await db.query(`DELETE FROM copy_pages WHERE copy_id = $1 AND page_id = ANY($2::text[])`, [copyId, pages.map((page) => page.pageId)]);
      await renumberPages(db, copyId);
      await db.query(
        `INSERT INTO copy_page_transfers (transfer_id, exam_id, scan_id, from_copy_id, to_copy_id, pages, position, new_copy, detached_at)
         SELECT $2, exam_id, scan_id, $1, $3, $4, $5, $6, $7 FROM copies WHERE copy_id = $1 ON CONFLICT (transfer_id) DO NOTHING`,
        [copyId, transferId, toCopyId, JSON.stringify(pages), position, newCopy, at],
      );
      return;
    }
    case 'PagesAttached': {
      const { transferId, pages, position } = event.data;
      await db.query(`UPDATE copy_pages SET position = position + $3 WHERE copy_id = $1 AND position >= $2`, [
        copyId,
        position,
        pages.length,
      ]);
      await insertPages(db, copyId, pages, position);
      await renumberPages(db, copyId);
      await db.query(`UPDATE copy_page_transfers SET attached_at = $2 WHERE transfer_id = $1 AND attached_at IS NULL`, [transferId, at]);
      return;
    }
    case 'CopyDiscarded':
      for (const table of ['copy_pages', 'copy_annotations', 'copy_scores', 'copy_remarks', 'copies']) {
        await db.query(`DELETE FROM ${table} WHERE copy_id = $1`, [copyId]);
      }
      return;
    case 'CopyAssigned':
      await set('corrector_id = $2, dispatch_run_id = $3', [event.data.correctorId, event.data.runId]);
      return;
    case 'CopyLocked':
      await lockChange('lock_holder_id = $2, lock_until = $3, locked_since = $4, started = true', [
        event.data.holderId,
        event.data.leaseUntil,
        at,
      ]);
      await notifyLockChange(db, copyId, event.type, {
        holderId: event.data.holderId,
        leaseUntil: event.data.leaseUntil,
        reason: null,
        at,
      });
      return;
    case 'LockRenewed':
      await lockChange('lock_holder_id = $2, lock_until = $3', [event.data.holderId, event.data.leaseUntil]);
      await notifyLockChange(db, copyId, event.type, {
        holderId: event.data.holderId,
        leaseUntil: event.data.leaseUntil,
        reason: null,
        at,
      });
      return;
    case 'CopyUnlocked':
    case 'LockExpired':
    case 'LockForceReleased': {
      const reason = event.type === 'LockForceReleased' ? event.data.reason : null;
      await lockChange('lock_holder_id = NULL, lock_until = NULL, locked_since = NULL', [], reason);
      await notifyLockChange(db, copyId, event.type, { holderId: event.data.holderId, leaseUntil: null, reason, at });
      return;
    }
    case 'AnnotationAdded':
    case 'AnnotationEdited': {
      const { annotation } = event.data;
      await db.query(
        `INSERT INTO copy_annotations (copy_id, annotation_id, page_id, kind, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)
         ON CONFLICT (copy_id, annotation_id) DO UPDATE SET page_id = EXCLUDED.page_id, kind = EXCLUDED.kind, body = EXCLUDED.body, updated_at = EXCLUDED.updated_at`,
        [copyId, annotation.annotationId, annotation.pageId, annotation.kind, JSON.stringify(annotation), at],
      );
      return;
    }
    case 'AnnotationRemoved':
      await db.query(`DELETE FROM copy_annotations WHERE copy_id = $1 AND annotation_id = $2`, [copyId, event.data.annotationId]);
      return;
    case 'ScoreAwarded': {
      const { questionId, points, scaleVersion } = event.data;
      await db.query(
        `INSERT INTO copy_scores (copy_id, exam_id, question_id, points, scale_version, awarded_at)
         SELECT $1, exam_id, $2, $3, $4, $5 FROM copies WHERE copy_id = $1
         ON CONFLICT (copy_id, question_id) DO UPDATE SET points = EXCLUDED.points, scale_version = EXCLUDED.scale_version, awarded_at = EXCLUDED.awarded_at`,
        [copyId, questionId, points, scaleVersion, at],
      );
      await set(`total = (SELECT coalesce(sum(points), 0) FROM copy_scores WHERE copy_id = $1)`, []);
      return;
    }
    case 'RemarkWritten': {
      const { questionId, text } = event.data;
      if (text === '') await db.query(`DELETE FROM copy_remarks WHERE copy_id = $1 AND question_id = $2`, [copyId, questionId]);
      else
        await db.query(
          `INSERT INTO copy_remarks (copy_id, exam_id, question_id, text) SELECT $1, exam_id, $2, $3 FROM copies WHERE copy_id = $1
           ON CONFLICT (copy_id, question_id) DO UPDATE SET text = EXCLUDED.text`,
          [copyId, questionId, text],
        );
      return;
    }
    case 'AppreciationWritten':
      await set('appreciation = $2', [event.data.text]);
      return;
    case 'CopyFinalized':
      await set('finalised = true, total = $2, max = $3, scale_version = $4, finalised_at = $5, reopened = NULL', [
        event.data.total,
        event.data.max,
        event.data.scaleVersion,
        at,
      ]);
      return;
    case 'CopyReopened':
      // As the decider: back to correction with no lock; the final total is read again at the next finalisation.
      await lockChange(
        'finalised = false, max = NULL, finalised_at = NULL, started = true, lock_holder_id = NULL, lock_until = NULL, locked_since = NULL, corrected_pdf = NULL, reopened = $2',
        [JSON.stringify({ reason: event.data.reason, adminId: event.data.adminId, at })],
        event.data.reason,
      );
      return;
    case 'CorrectedCopyRendered': {
      const { finalisedRevision, anonymous, named } = event.data;
      await set('corrected_pdf = $2', [JSON.stringify({ finalisedRevision, anonymous, named })]);
      return;
    }
  }
};

const notifyLockChange = async (
  db: ClientBase,
  copyId: string,
  change: CopyLockChangeKind,
  detail: { holderId: string; leaseUntil: string | null; reason: string | null; at: string },
): Promise<void> => {
  await db.query(
    `SELECT pg_notify($1, json_build_object('copyId', copy_id, 'examId', exam_id, 'anonymousCode', anonymous_code, 'correctorId', corrector_id, 'change', $3::text,
       'holderId', $4::text, 'leaseUntil', $5::text, 'reason', $6::text, 'at', $7::text)::text)
     FROM copies WHERE copy_id = $2 AND $7::timestamptz > now() - make_interval(secs => $8)`,
    [COPY_LOCK_CHANNEL, copyId, change, detail.holderId, detail.leaseUntil, detail.reason, detail.at, 120],
  );
};

/** The exam-copies projection as it was up to now, event by event: the oracle of its batch apply. */
export const examCopiesPerEventProjection: Projection = {
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
