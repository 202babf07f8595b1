import type { CopyEvent } from '#domain';
import type { ReadModelTable } from '../runner/projection.js';

/**
 * The copies read model (DESIGN §5): one row per copy with its status, identification, corrector,
 * lock lease and totals, and one table each for pages, annotations, scores and remarks.
 * Other areas read `copies` (exam progress, dispatch) and `copy_scores` (scale-change preview):
 * keep these column names. `status` is computed exactly as the copy decider's statusOf:
 * 'imported' | 'identified' | 'assigned' | 'in_progress' | 'finalised'. No student name is ever
 * stored here: only the student id, which admin queries join to `students`. A copy merged into
 * another (CopyDiscarded) leaves every table. `copy_page_transfers` lists page moves between copies,
 * so those detached but never attached (a crash between the two appends) can be completed.
 * `reopened` ({ reason, adminId, at }) is the current reopening, shown to the corrector until the copy
 * is finalised again; earlier ones stay in the audit.
 */

/** Every copy event: each moves the copy's row to its revision. */
export const COPY_EVENT_TYPES: readonly CopyEvent['type'][] = [
  'CopyImported',
  'HeaderRead',
  'StudentIdentified',
  'IdentificationCleared',
  'CopyFlagged',
  'PagesReordered',
  'CopyFlagCleared',
  'PagesDetached',
  'PagesAttached',
  'CopyDiscarded',
  'CopyAssigned',
  'CopyLocked',
  'LockRenewed',
  'CopyUnlocked',
  'LockExpired',
  'LockForceReleased',
  'AnnotationAdded',
  'AnnotationEdited',
  'AnnotationRemoved',
  'ScoreAwarded',
  'RemarkWritten',
  'AppreciationWritten',
  'CopyFinalized',
  'CopyReopened',
  'CorrectedCopyRendered',
];

/** The tables, as rebuild and checksums name them. */
export const COPIES_TABLES: readonly ReadModelTable[] = [
  { name: 'copies', key: 'copy_id' },
  { name: 'copy_pages', key: 'copy_id, page_id' },
  { name: 'copy_annotations', key: 'copy_id, annotation_id' },
  { name: 'copy_scores', key: 'copy_id, question_id' },
  { name: 'copy_remarks', key: 'copy_id, question_id' },
  { name: 'copy_page_transfers', key: 'transfer_id' },
];

export const COPIES_DDL = `
CREATE TABLE IF NOT EXISTS copies (
  copy_id text PRIMARY KEY,
  exam_id text NOT NULL,
  scan_id text NOT NULL,
  anonymous_code text NOT NULL,
  student_id text,
  identification_method text,
  corrector_id text,
  dispatch_run_id text,
  lock_holder_id text,
  lock_until timestamptz,
  locked_since timestamptz,
  lock_change text,
  lock_change_reason text,
  lock_changed_at timestamptz,
  started boolean NOT NULL DEFAULT false,
  finalised boolean NOT NULL DEFAULT false,
  status text GENERATED ALWAYS AS (
    CASE WHEN finalised THEN 'finalised' WHEN started THEN 'in_progress' WHEN corrector_id IS NOT NULL THEN 'assigned'
         WHEN student_id IS NOT NULL THEN 'identified' ELSE 'imported' END) STORED,
  total double precision NOT NULL DEFAULT 0,
  max double precision,
  scale_version integer,
  finalised_at timestamptz,
  page_count integer NOT NULL,
  flags jsonb NOT NULL DEFAULT '[]',
  header jsonb,
  appreciation text NOT NULL DEFAULT '',
  corrected_pdf jsonb,
  reopened jsonb,
  imported_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  revision bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS copies_exam ON copies (exam_id, status);
CREATE INDEX IF NOT EXISTS copies_exam_code ON copies (exam_id, anonymous_code);
CREATE INDEX IF NOT EXISTS copies_corrector ON copies (corrector_id, exam_id);
CREATE INDEX IF NOT EXISTS copies_student ON copies (student_id);
CREATE INDEX IF NOT EXISTS copies_lease ON copies (lock_until) WHERE lock_holder_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS copies_pdf_missing ON copies (finalised_at) WHERE finalised AND corrected_pdf IS NULL;
CREATE TABLE IF NOT EXISTS copy_pages (
  copy_id text NOT NULL,
  page_id text NOT NULL,
  position integer NOT NULL,
  number integer NOT NULL,
  image_blob_key text,
  masked_image_blob_key text,
  PRIMARY KEY (copy_id, page_id)
);
CREATE INDEX IF NOT EXISTS copy_pages_page ON copy_pages (page_id);
CREATE TABLE IF NOT EXISTS copy_page_transfers (
  transfer_id text PRIMARY KEY,
  exam_id text NOT NULL,
  scan_id text NOT NULL,
  from_copy_id text NOT NULL,
  to_copy_id text NOT NULL,
  pages jsonb NOT NULL,
  position integer,
  new_copy boolean NOT NULL,
  detached_at timestamptz NOT NULL,
  attached_at timestamptz
);
CREATE INDEX IF NOT EXISTS copy_page_transfers_pending ON copy_page_transfers (detached_at) WHERE attached_at IS NULL;
CREATE TABLE IF NOT EXISTS copy_annotations (
  copy_id text NOT NULL,
  annotation_id text NOT NULL,
  page_id text NOT NULL,
  kind text NOT NULL,
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (copy_id, annotation_id)
);
CREATE TABLE IF NOT EXISTS copy_scores (
  copy_id text NOT NULL,
  exam_id text NOT NULL,
  question_id text NOT NULL,
  points double precision NOT NULL,
  scale_version integer NOT NULL,
  awarded_at timestamptz NOT NULL,
  PRIMARY KEY (copy_id, question_id)
);
CREATE INDEX IF NOT EXISTS copy_scores_exam ON copy_scores (exam_id, question_id);
CREATE TABLE IF NOT EXISTS copy_remarks (
  copy_id text NOT NULL,
  exam_id text NOT NULL,
  question_id text NOT NULL,
  text text NOT NULL,
  PRIMARY KEY (copy_id, question_id)
);`;
