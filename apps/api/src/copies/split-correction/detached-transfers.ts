import type { CopyPage } from '#domain';
import type { ProjectionRunner } from '#projections';
import type { Runtime } from '../../runtime/runtime.js';
import type { Actor } from '../../shared/execute-command.js';
import { ApiError } from '../../shared/errors.js';
import type { PageTransfers } from './page-transfers.js';

interface DetachedRow {
  transfer_id: string;
  exam_id: string;
  scan_id: string;
  from_copy_id: string;
  to_copy_id: string;
  pages: CopyPage[];
  position: number | null;
  new_copy: boolean;
}

/**
 * Lands every transfer of the scan's copies that a crash left detached, whatever its age (the
 * TransferCompletionProcessor waits a grace period first): a detached page is in no copy, so a re-cut
 * planned before it lands would leave it out. The read model is brought up to the store's head first.
 */
export const completeDetachedTransfers = async (
  runtime: Runtime,
  runner: ProjectionRunner,
  transfers: PageTransfers,
  scanId: string,
  actor: Actor,
): Promise<number> => {
  const head = await runtime.store.head();
  if (head && !(await runner.waitFor(head.position, ['copies'], 5000))) {
    throw new ApiError('UNAVAILABLE', 'Les copies ne sont pas encore à jour : réessayez dans un instant.');
  }
  const { rows } = await runtime.pool.query<DetachedRow>(
    `SELECT transfer_id, exam_id, scan_id, from_copy_id, to_copy_id, pages, position, new_copy FROM copy_page_transfers
     WHERE attached_at IS NULL AND scan_id = $1 ORDER BY detached_at, transfer_id`,
    [scanId],
  );
  process.stderr.write(`DEBUG pending ${rows.length} head ${String(head?.position.commit ?? head?.position)}\n`);
  const all = await runtime.pool.query(`SELECT transfer_id, scan_id, attached_at FROM copy_page_transfers`);
  process.stderr.write(`DEBUG all ${JSON.stringify(all.rows)} scan ${scanId}\n`);
  for (const row of rows) {
    await transfers.complete(
      {
        transferId: row.transfer_id,
        examId: row.exam_id,
        scanId: row.scan_id,
        fromCopyId: row.from_copy_id,
        toCopyId: row.to_copy_id,
        pages: row.pages,
        position: row.position,
        newCopy: row.new_copy,
      },
      actor,
    );
  }
  return rows.length;
};
