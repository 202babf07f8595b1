/**
 * Rows of the copies read model as the batch apply holds them (copies.schema.ts): read with
 * `to_jsonb`, so timestamps stay the exact text PostgreSQL stored and bigints arrive as numbers or
 * strings, and written back with `jsonb_populate_recordset`.
 */
export interface CopyRow {
  copy_id: string;
  exam_id: string;
  scan_id: string;
  anonymous_code: string;
  student_id: string | null;
  identification_method: string | null;
  corrector_id: string | null;
  dispatch_run_id: string | null;
  lock_holder_id: string | null;
  lock_until: string | null;
  locked_since: string | null;
  lock_change: string | null;
  lock_change_reason: string | null;
  lock_changed_at: string | null;
  started: boolean;
  finalised: boolean;
  total: number;
  max: number | null;
  scale_version: number | null;
  finalised_at: string | null;
  page_count: number;
  flags: { reason?: unknown; note?: unknown }[];
  header: unknown;
  appreciation: string;
  corrected_pdf: unknown;
  reopened: unknown;
  imported_at: string;
  updated_at: string;
  revision: string;
}

/** Every column of `copies` but the generated `status`. */
export const COPY_COLUMNS = [
  'copy_id',
  'exam_id',
  'scan_id',
  'anonymous_code',
  'student_id',
  'identification_method',
  'corrector_id',
  'dispatch_run_id',
  'lock_holder_id',
  'lock_until',
  'locked_since',
  'lock_change',
  'lock_change_reason',
  'lock_changed_at',
  'started',
  'finalised',
  'total',
  'max',
  'scale_version',
  'finalised_at',
  'page_count',
  'flags',
  'header',
  'appreciation',
  'corrected_pdf',
  'reopened',
  'imported_at',
  'updated_at',
  'revision',
] as const satisfies readonly (keyof CopyRow)[];

export interface PageRow {
  copy_id: string;
  page_id: string;
  position: number;
  number: number;
  image_blob_key: string | null;
  masked_image_blob_key: string | null;
}

export interface TransferRow {
  transfer_id: string;
  exam_id: string;
  scan_id: string;
  from_copy_id: string;
  to_copy_id: string;
  pages: unknown;
  position: number | null;
  new_copy: boolean;
  detached_at: string;
  attached_at: string | null;
}
