import type { ClientBase } from 'pg';
import type { RecordedEvent } from '#event-store';
import { CopiesFold } from './copies.fold.js';
import { COPY_COLUMNS, type CopyRow, type PageRow, type TransferRow } from './copies.rows.js';
import { notifyLockChanges } from './copy-lock-channel.js';

/**
 * The copies projection's SQL for a batch: the rows its events touch are read once, folded in JS
 * (copies.fold.ts), and written back with a few set-based statements per table, whatever the
 * batch's size. A rebuild thus costs about ten statements per thousand events instead of thousands.
 */
const PAGE_EVENTS = new Set(['PagesReordered', 'PagesDetached', 'PagesAttached']);

export const loadFold = async (db: ClientBase, events: readonly RecordedEvent[]): Promise<CopiesFold> => {
  const fold = new CopiesFold();
  const copyIds = new Set<string>();
  const pageCopyIds = new Set<string>();
  const transferIds = new Set<string>();
  const importedIds = new Set<string>();
  for (const event of events) {
    if (!event.streamId.startsWith('copy-')) continue;
    const copyId = event.streamId.slice('copy-'.length);
    copyIds.add(copyId);
    if (PAGE_EVENTS.has(event.type)) pageCopyIds.add(copyId);
    const transferId = (event.data as { transferId?: unknown }).transferId;
    if (typeof transferId === 'string' && (event.type === 'PagesDetached' || event.type === 'PagesAttached')) transferIds.add(transferId);
    if (event.type === 'CopyImported') importedIds.add(copyId);
  }
  if (copyIds.size === 0) return fold;
  const copies = await db.query<{ row: CopyRow }>(`SELECT to_jsonb(c) - 'status' AS row FROM copies c WHERE copy_id = ANY($1::text[])`, [
    [...copyIds],
  ]);
  for (const { row } of copies.rows) fold.copies.set(row.copy_id, { ...row, revision: String(row.revision) });
  if (pageCopyIds.size > 0) {
    const pages = await db.query<PageRow>(
      `SELECT copy_id, page_id, position, number, image_blob_key, masked_image_blob_key FROM copy_pages WHERE copy_id = ANY($1::text[])`,
      [[...pageCopyIds]],
    );
    for (const copyId of pageCopyIds) fold.pages.set(copyId, []);
    for (const page of pages.rows) fold.pages.get(page.copy_id)!.push(page);
  }
  if (transferIds.size > 0 || importedIds.size > 0) {
    const transfers = await db.query<{ row: TransferRow }>(
      `SELECT to_jsonb(t) AS row FROM copy_page_transfers t
       WHERE transfer_id = ANY($1::text[]) OR (new_copy AND attached_at IS NULL AND to_copy_id = ANY($2::text[]))`,
      [[...transferIds], [...importedIds]],
    );
    for (const { row } of transfers.rows) fold.transfers.set(row.transfer_id, row);
  }
  return fold;
};

/** Rows of a per-copy keyed map as records for jsonb_populate_recordset, with the copy and key columns. */
const flatten = <Row extends object>(rows: Map<string, Map<string, Row | null>>, keyColumn: string, keep: 'rows' | 'deleted') =>
  [...rows].flatMap(([copyId, forCopy]) =>
    [...forCopy]
      .filter(([, row]) => (keep === 'rows' ? row !== null : row === null))
      .map(([key, row]) => ({ ...(row ?? {}), copy_id: copyId, [keyColumn]: key })),
  );

const upsert = (
  db: ClientBase,
  table: string,
  columns: readonly string[],
  key: string,
  update: readonly string[],
  rows: readonly object[],
) =>
  rows.length === 0
    ? Promise.resolve()
    : db.query(
        `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)
         ON CONFLICT (${key}) DO ${update.length === 0 ? 'NOTHING' : `UPDATE SET ${update.map((column) => `${column} = EXCLUDED.${column}`).join(', ')}`}`,
        [JSON.stringify(rows)],
      );

const deleteKeys = (db: ClientBase, table: string, key: string, rows: readonly object[]) =>
  rows.length === 0
    ? Promise.resolve()
    : db.query(
        `DELETE FROM ${table} WHERE (copy_id, ${key}) IN (SELECT copy_id, ${key} FROM jsonb_to_recordset($1::jsonb) AS x(copy_id text, ${key} text))`,
        [JSON.stringify(rows)],
      );

export const writeFold = async (db: ClientBase, fold: CopiesFold): Promise<void> => {
  const wiped = [...fold.wiped];
  if (wiped.length > 0) {
    for (const table of ['copy_annotations', 'copy_scores', 'copy_remarks'])
      await db.query(`DELETE FROM ${table} WHERE copy_id = ANY($1::text[])`, [wiped]);
  }
  const removed = [...fold.removedAnnotations].flatMap(([copyId, ids]) =>
    [...ids.keys()].map((annotationId) => ({ copy_id: copyId, annotation_id: annotationId })),
  );
  await deleteKeys(db, 'copy_annotations', 'annotation_id', removed);
  await upsert(
    db,
    'copy_annotations',
    ['copy_id', 'annotation_id', 'page_id', 'kind', 'body', 'created_at', 'updated_at'],
    'copy_id, annotation_id',
    ['page_id', 'kind', 'body', 'updated_at'],
    flatten(fold.annotations, 'annotation_id', 'rows'),
  );
  await upsert(
    db,
    'copy_scores',
    ['copy_id', 'exam_id', 'question_id', 'points', 'scale_version', 'awarded_at'],
    'copy_id, question_id',
    ['points', 'scale_version', 'awarded_at'],
    flatten(fold.scores, 'question_id', 'rows'),
  );
  await deleteKeys(db, 'copy_remarks', 'question_id', flatten(fold.remarks, 'question_id', 'deleted'));
  await upsert(
    db,
    'copy_remarks',
    ['copy_id', 'exam_id', 'question_id', 'text'],
    'copy_id, question_id',
    ['text'],
    flatten(fold.remarks, 'question_id', 'rows'),
  );
  const pageCopies = [...fold.changedPages];
  if (pageCopies.length > 0) {
    await db.query(`DELETE FROM copy_pages WHERE copy_id = ANY($1::text[])`, [pageCopies]);
    const pages = pageCopies.flatMap((copyId) => fold.pages.get(copyId) ?? []);
    const columns = ['copy_id', 'page_id', 'position', 'number', 'image_blob_key', 'masked_image_blob_key'];
    await upsert(db, 'copy_pages', columns, 'copy_id, page_id', [], pages);
  }
  const transfers = [...fold.changedTransfers].map((transferId) => fold.transfers.get(transferId)!);
  const transferColumns = [
    'transfer_id',
    'exam_id',
    'scan_id',
    'from_copy_id',
    'to_copy_id',
    'pages',
    'position',
    'new_copy',
    'detached_at',
    'attached_at',
  ];
  await upsert(db, 'copy_page_transfers', transferColumns, 'transfer_id', ['attached_at'], transfers);
  const changed = [...fold.changedCopies].map((copyId) => [copyId, fold.copies.get(copyId) ?? null] as const);
  const gone = changed.filter(([, row]) => row === null).map(([copyId]) => copyId);
  if (gone.length > 0) await db.query(`DELETE FROM copies WHERE copy_id = ANY($1::text[])`, [gone]);
  const rows = changed.flatMap(([, row]) => (row === null ? [] : [row]));
  await upsert(db, 'copies', COPY_COLUMNS, 'copy_id', COPY_COLUMNS.slice(1), rows);
  // The sum as SQL makes it, over the rows as stored: the same total as an event-by-event apply.
  const summed = [...fold.totalFromScores].filter((copyId) => fold.copies.get(copyId));
  if (summed.length > 0) {
    await db.query(
      `UPDATE copies c SET total = (SELECT coalesce(sum(points), 0) FROM copy_scores s WHERE s.copy_id = c.copy_id) WHERE c.copy_id = ANY($1::text[])`,
      [summed],
    );
  }
  await notifyLockChanges(db, fold.notices);
};
