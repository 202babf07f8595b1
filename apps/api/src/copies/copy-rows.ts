import type { CorrectedCopyPdf } from '#domain';
import { correctedPdfOf } from '../corrected-copies/corrected-pdf.model.js';
import type { CopyFlagModel, CopyIdentity } from './models/copy-admin.models.js';
import type { CopyFlagReason } from './models/copy-admin.models.js';
import type { AnnotationModel, CopyLockModel, CopyReopeningModel, CopyStatus, CopySummaryModel } from './models/copy.models.js';

/**
 * The SELECT every copy view starts from: the copies row, the lock holder's and the corrector's
 * display names (staff only), the reopening admin's, the exam's scale total, and, for the exam office only, the student.
 * `lock_live` says whether the lease still runs: a lapsed one is free even before the expiry
 * processor records it.
 */
export const copySelect = (withStudent: boolean): string => `
  SELECT c.*, c.revision::text AS revision_text, h.display_name AS holder_name, k.display_name AS corrector_name, e.max_points AS exam_max,
         e.title AS exam_title, r.display_name AS reopened_by_name, (c.lock_holder_id IS NOT NULL AND c.lock_until > now()) AS lock_live,
         GREATEST(0, CEIL(EXTRACT(EPOCH FROM c.lock_until - now())))::int AS seconds_left
         ${withStudent ? ', s.last_name, s.first_name, s.class_name' : ''}
  FROM copies c
  LEFT JOIN users h ON h.user_id = c.lock_holder_id
  LEFT JOIN users k ON k.user_id = c.corrector_id
  LEFT JOIN copy_exams e ON e.exam_id = c.exam_id
  LEFT JOIN users r ON r.user_id = c.reopened->>'adminId'
  ${withStudent ? 'LEFT JOIN students s ON s.student_id = c.student_id' : ''}`;

export interface CopyRow {
  copy_id: string;
  exam_id: string;
  scan_id: string;
  anonymous_code: string;
  status: CopyStatus;
  student_id: string | null;
  identification_method: string | null;
  corrector_id: string | null;
  lock_holder_id: string | null;
  lock_until: Date | null;
  locked_since: Date | null;
  lock_live: boolean;
  seconds_left: number | null;
  total: number;
  max: number | null;
  exam_max: number | null;
  exam_title: string | null;
  scale_version: number | null;
  finalised_at: Date | null;
  page_count: number;
  flags: { reason: CopyFlagReason; note?: string }[];
  appreciation: string;
  corrected_pdf: CorrectedCopyPdf | null;
  reopened: { reason: string; adminId: string; at: string } | null;
  reopened_by_name: string | null;
  updated_at: Date;
  revision_text: string;
  holder_name: string | null;
  corrector_name: string | null;
  last_name?: string | null;
  first_name?: string | null;
  class_name?: string | null;
}

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

export const lockOf = (row: CopyRow): CopyLockModel | null =>
  row.lock_live && row.lock_holder_id && row.lock_until
    ? {
        holderId: row.lock_holder_id,
        holderName: row.holder_name ?? '',
        since: iso(row.locked_since),
        until: row.lock_until.toISOString(),
        secondsLeft: row.seconds_left ?? 0,
      }
    : null;

/** The anonymous view: no student field is read from the row, whatever the SELECT brought. */
export const toSummary = (row: CopyRow): CopySummaryModel => ({
  copyId: row.copy_id,
  examId: row.exam_id,
  anonymousCode: row.anonymous_code,
  status: row.status,
  correctorId: row.corrector_id,
  lock: lockOf(row),
  pageCount: row.page_count,
  total: row.total,
  max: row.max ?? row.exam_max,
  finalisedAt: iso(row.finalised_at),
  updatedAt: row.updated_at.toISOString(),
  revision: BigInt(row.revision_text),
  correctedPdf: correctedPdfOf(row, 'anonymous'),
  reopened: reopeningOf(row),
});

const reopeningOf = ({ reopened, reopened_by_name }: CopyRow): CopyReopeningModel | null =>
  reopened ? { reason: reopened.reason, at: new Date(reopened.at).toISOString(), by: reopened_by_name } : null;

/** A copy's flags as stored (note left out when none), in the GraphQL shape. */
export const toFlags = (flags: CopyRow['flags']): CopyFlagModel[] =>
  flags.map((flag) => ({ reason: flag.reason, note: flag.note ?? null }));

export const toIdentity = (row: CopyRow): CopyIdentity => ({
  scanId: row.scan_id,
  student:
    row.student_id && row.last_name != null
      ? { studentId: row.student_id, lastName: row.last_name, firstName: row.first_name ?? '', className: row.class_name ?? '' }
      : null,
  identificationMethod: row.identification_method,
  flags: toFlags(row.flags),
  correctorName: row.corrector_name,
  correctedPdf: correctedPdfOf(row, row.student_id ? 'named' : 'anonymous'),
});

/** An annotation as stored in its event (copy_annotations.body), in the GraphQL shape. */
export const toAnnotation = (body: Record<string, unknown>): AnnotationModel => body as unknown as AnnotationModel;
