import type pg from 'pg';
import { SCAN_STAGE_SQL } from '#projections';
import { ScanMode, type ScanModel, ScanStage } from './scan.models.js';

interface ScanRow {
  scan_id: string;
  exam_id: string;
  file_name: string;
  mode: string;
  size: string;
  page_count: number;
  pages_per_copy: number;
  stage: string;
  pages_rendered: number;
  copy_count: number;
  headers_read: number;
  identified_count: number;
  identified: boolean;
  auto_count: number;
  desk_count: number;
  warnings: string[];
  rejection_code: string | null;
  rejection_reason: string | null;
  rejection_page: number | null;
  failed: boolean;
  failure_stage: string | null;
  failure_code: string | null;
  failure_reason: string | null;
  failure_page: number | null;
  uploaded_at: Date;
  completed_at: Date | null;
}

/** The scans of an exam, oldest first, refused ones included (they are part of the record). */
export const examScans = async (pool: pg.Pool, examId: string, scanId?: string): Promise<ScanModel[]> => {
  const { rows } = await pool.query<ScanRow>(
    `SELECT s.*, ${SCAN_STAGE_SQL} AS stage,
            (SELECT count(*) FROM scan_copies c WHERE c.scan_id = s.scan_id AND c.header_read)::int AS headers_read,
            (SELECT count(*) FROM scan_copies c WHERE c.scan_id = s.scan_id AND c.identified)::int AS identified_count
     FROM scans s WHERE s.exam_id = $1 AND ($2::text IS NULL OR s.scan_id = $2) ORDER BY s.uploaded_at, s.scan_id`,
    [examId, scanId ?? null],
  );
  return rows.map(toModel);
};

export const scanExamId = async (pool: pg.Pool, scanId: string): Promise<string | null> => {
  const { rows } = await pool.query<{ exam_id: string }>(`SELECT exam_id FROM scans WHERE scan_id = $1`, [scanId]);
  return rows[0]?.exam_id ?? null;
};

const toModel = (row: ScanRow): ScanModel => {
  const stage = row.stage as ScanStage;
  const [done, total] = progress(stage, row);
  return {
    scanId: row.scan_id,
    examId: row.exam_id,
    fileName: row.file_name,
    mode: row.mode === 'single' ? ScanMode.SINGLE : ScanMode.CLASS,
    size: Number(row.size),
    pageCount: row.page_count,
    pagesPerCopy: row.pages_per_copy,
    stage,
    done,
    total,
    pagesRendered: row.pages_rendered,
    copyCount: row.copy_count,
    headersRead: row.headers_read,
    autoIdentified: row.identified ? row.auto_count : null,
    leftToDesk: row.identified ? row.desk_count : null,
    warnings: row.warnings,
    problem: problemOf(row),
    uploadedAt: row.uploaded_at.toISOString(),
    completedAt: row.completed_at?.toISOString() ?? null,
  };
};

const progress = (stage: ScanStage, row: ScanRow): [number, number] => {
  switch (stage) {
    case ScanStage.UPLOADED:
    case ScanStage.RENDERING:
    case ScanStage.SPLITTING:
    case ScanStage.FAILED:
      return [row.pages_rendered, row.page_count];
    case ScanStage.READING:
      return [row.headers_read, row.copy_count];
    case ScanStage.MATCHING:
      return [row.identified_count, row.copy_count];
    case ScanStage.COMPLETED:
      return [row.copy_count, row.copy_count];
    case ScanStage.REJECTED:
      return [0, 0];
  }
};

const problemOf = (row: ScanRow): ScanModel['problem'] => {
  if (row.rejection_code) {
    return { code: row.rejection_code, reason: row.rejection_reason ?? '', page: row.rejection_page, stage: null };
  }
  if (row.failed) {
    return { code: row.failure_code ?? 'FAILED', reason: row.failure_reason ?? '', page: row.failure_page, stage: row.failure_stage };
  }
  return null;
};
