import type { ClientBase } from 'pg';
import type { ScanEvent } from '#domain';
import type { RecordedEvent } from '#event-store';
import { type Projection, rowUpdater } from '../runner/projection.js';

/**
 * Scans as the exam office follows them (DESIGN §5, §7): one row per uploaded or refused PDF with
 * the pipeline's counters, its rendered pages, and the copies cut from it with whether their header
 * was read and their student identified (from the copies' own events), so progress needs no stream.
 * The stage shown is derived from these facts when read (see SCAN_STAGE_SQL). The scan pipeline finds
 * its unfinished work here. Holds no student name.
 */
const DDL = `
CREATE TABLE IF NOT EXISTS scans (
  scan_id text PRIMARY KEY,
  exam_id text NOT NULL,
  file_name text NOT NULL,
  mode text NOT NULL,
  blob_key text,
  sha256 text,
  size bigint NOT NULL,
  page_count integer NOT NULL DEFAULT 0,
  pages_per_copy integer NOT NULL DEFAULT 0,
  uploaded_by text NOT NULL,
  uploaded_at timestamptz NOT NULL,
  rejected boolean NOT NULL DEFAULT false,
  rejection_code text,
  rejection_reason text,
  rejection_page integer,
  pages_rendered integer NOT NULL DEFAULT 0,
  split boolean NOT NULL DEFAULT false,
  copy_count integer NOT NULL DEFAULT 0,
  warnings jsonb NOT NULL DEFAULT '[]',
  identified boolean NOT NULL DEFAULT false,
  auto_count integer NOT NULL DEFAULT 0,
  desk_count integer NOT NULL DEFAULT 0,
  completed boolean NOT NULL DEFAULT false,
  completed_at timestamptz,
  failed boolean NOT NULL DEFAULT false,
  failure_stage text,
  failure_code text,
  failure_reason text,
  failure_page integer,
  retries integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL,
  revision bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS scans_exam ON scans (exam_id, uploaded_at);
CREATE INDEX IF NOT EXISTS scans_unfinished ON scans (uploaded_at) WHERE NOT (completed OR failed OR rejected);
CREATE TABLE IF NOT EXISTS scan_pages (
  scan_id text NOT NULL,
  number integer NOT NULL,
  image_blob_key text NOT NULL,
  masked_image_blob_key text,
  width integer NOT NULL,
  height integer NOT NULL,
  ink_ratio double precision NOT NULL,
  PRIMARY KEY (scan_id, number)
);
CREATE TABLE IF NOT EXISTS scan_copies (
  scan_id text NOT NULL,
  copy_id text NOT NULL,
  position integer NOT NULL,
  page_numbers integer[] NOT NULL,
  flags jsonb NOT NULL,
  header_read boolean NOT NULL DEFAULT false,
  identified boolean NOT NULL DEFAULT false,
  copy_revision bigint NOT NULL DEFAULT -1,
  PRIMARY KEY (scan_id, copy_id)
);
CREATE UNIQUE INDEX IF NOT EXISTS scan_copies_copy ON scan_copies (copy_id);`;

/**
 * Where a scan stands, from its row: 'rejected' | 'failed' | 'completed' | 'uploaded' | 'rendering'
 * | 'splitting' | 'reading' | 'matching'.
 */
export const SCAN_STAGE_SQL = `CASE WHEN s.rejected THEN 'rejected' WHEN s.completed THEN 'completed' WHEN s.failed THEN 'failed'
  WHEN s.pages_rendered = 0 THEN 'uploaded' WHEN s.pages_rendered < s.page_count THEN 'rendering'
  WHEN NOT s.split THEN 'splitting'
  WHEN (SELECT count(*) FROM scan_copies c WHERE c.scan_id = s.scan_id AND c.header_read) < s.copy_count THEN 'reading'
  ELSE 'matching' END`;

const SCAN_EVENTS: readonly ScanEvent['type'][] = [
  'ScanUploaded',
  'ScanRejected',
  'PagesRendered',
  'ScanSplit',
  'ScanIdentified',
  'ScanCompleted',
  'ScanFailed',
  'ScanRetried',
];

export const scansProjection: Projection = {
  name: 'scans',
  version: 1,
  eventTypes: [...SCAN_EVENTS, 'HeaderRead', 'StudentIdentified', 'IdentificationCleared'],
  tables: [
    { name: 'scans', key: 'scan_id' },
    { name: 'scan_pages', key: 'scan_id, number' },
    { name: 'scan_copies', key: 'scan_id, copy_id' },
  ],
  async setup(db: ClientBase) {
    await db.query(DDL);
  },
  async apply(db: ClientBase, events: readonly RecordedEvent[]) {
    for (const recorded of events) {
      if (recorded.streamId.startsWith('copy-')) await applyCopyEvent(db, recorded);
      else if (recorded.streamId.startsWith('scan-')) await applyScanEvent(db, recorded);
    }
  },
};

const applyScanEvent = async (db: ClientBase, recorded: RecordedEvent): Promise<void> => {
  const scanId = recorded.streamId.slice('scan-'.length);
  const event = { type: recorded.type, data: recorded.data } as unknown as ScanEvent;
  const at = recorded.recordedAt;
  const update = (set: string, params: readonly unknown[]) =>
    rowUpdater(db, 'scans', 'scan_id', scanId, recorded.revision)(`${set}, updated_at = $${params.length + 3}`, [...params, at]);
  switch (event.type) {
    case 'ScanUploaded': {
      const d = event.data;
      await db.query(
        `INSERT INTO scans (scan_id, exam_id, file_name, mode, blob_key, sha256, size, page_count, pages_per_copy, uploaded_by, uploaded_at, updated_at, revision)
         VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10, $10, $11) ON CONFLICT (scan_id) DO NOTHING`,
        [
          scanId,
          d.examId,
          d.fileName,
          d.mode,
          d.pdfBlobKey,
          d.size,
          d.pageCount,
          d.pagesPerCopy,
          d.uploadedBy,
          at,
          recorded.revision.toString(),
        ],
      );
      return;
    }
    case 'ScanRejected': {
      const d = event.data;
      await db.query(
        `INSERT INTO scans (scan_id, exam_id, file_name, mode, sha256, size, uploaded_by, uploaded_at, rejected, rejection_code, rejection_reason, rejection_page, updated_at, revision)
         VALUES ($1, $2, $3, 'class', $4, $5, $6, $7, true, $8, $9, $10, $7, $11) ON CONFLICT (scan_id) DO NOTHING`,
        [scanId, d.examId, d.fileName, d.sha256, d.size, d.rejectedBy, at, d.code, d.reason, d.page ?? null, recorded.revision.toString()],
      );
      return;
    }
    case 'PagesRendered':
      await db.query(
        `INSERT INTO scan_pages (scan_id, number, image_blob_key, masked_image_blob_key, width, height, ink_ratio)
         SELECT $1, (p->>'number')::int, p->>'imageBlobKey', p->>'maskedImageBlobKey', (p->>'width')::int, (p->>'height')::int, (p->>'inkRatio')::float8
         FROM jsonb_array_elements($2::jsonb) AS p ON CONFLICT (scan_id, number) DO NOTHING`,
        [scanId, JSON.stringify(event.data.pages)],
      );
      await update(`pages_rendered = (SELECT count(*) FROM scan_pages WHERE scan_id = $1)`, []);
      return;
    case 'ScanSplit':
      await db.query(
        `INSERT INTO scan_copies (scan_id, copy_id, position, page_numbers, flags)
         SELECT $1, c->>'copyId', (o - 1)::int, ARRAY(SELECT (p->>'number')::int FROM jsonb_array_elements(c->'pages') AS p), c->'flags'
         FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS x(c, o) ON CONFLICT DO NOTHING`,
        [scanId, JSON.stringify(event.data.copies)],
      );
      await update('split = true, copy_count = $3, warnings = $4', [event.data.copies.length, JSON.stringify(event.data.warnings)]);
      return;
    case 'ScanIdentified':
      await update('identified = true, auto_count = $3, desk_count = $4', [event.data.auto, event.data.desk]);
      return;
    case 'ScanCompleted':
      await update('completed = true, completed_at = $3', [at]);
      return;
    case 'ScanFailed': {
      const { stage, code, reason, page } = event.data;
      await update('failed = true, failure_stage = $3, failure_code = $4, failure_reason = $5, failure_page = $6', [
        stage,
        code ?? null,
        reason,
        page ?? null,
      ]);
      return;
    }
    case 'ScanRetried':
      await update('failed = false, retries = retries + 1', []);
      return;
  }
};

/** The copies' own events tell the scan's reading and identification progress. */
const applyCopyEvent = async (db: ClientBase, recorded: RecordedEvent): Promise<void> => {
  const copyId = recorded.streamId.slice('copy-'.length);
  const revision = recorded.revision.toString();
  if (recorded.type === 'HeaderRead') {
    await db.query(`UPDATE scan_copies SET header_read = true WHERE copy_id = $1`, [copyId]);
  } else if (recorded.type === 'StudentIdentified' || recorded.type === 'IdentificationCleared') {
    await db.query(`UPDATE scan_copies SET identified = $3, copy_revision = $2 WHERE copy_id = $1 AND copy_revision < $2`, [
      copyId,
      revision,
      recorded.type === 'StudentIdentified',
    ]);
  }
};
