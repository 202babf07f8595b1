import type { ClientBase } from 'pg';

/**
 * Live lock changes (DESIGN §6: "the holder's portal learns at once"). The copies projection
 * NOTIFYs this channel in the transaction that applies a lock event, so PostgreSQL delivers it
 * once the row is committed, to every API replica listening. A replay (rebuild) stays quiet: only
 * events recorded in the last RECENT_SECONDS are announced, older news is of no use to a portal.
 */
export const COPY_LOCK_CHANNEL = 'korrigo_copy_lock';
const RECENT_SECONDS = 120;

export type CopyLockChangeKind = 'CopyLocked' | 'LockRenewed' | 'CopyUnlocked' | 'LockExpired' | 'LockForceReleased';

export interface CopyLockNotice {
  readonly copyId: string;
  readonly examId: string;
  readonly anonymousCode: string;
  /** The copy's corrector, so a teacher hears of their own copies only. */
  readonly correctorId: string | null;
  readonly change: CopyLockChangeKind;
  /** Who held (or now holds) the lock. */
  readonly holderId: string;
  /** The new lease end, for CopyLocked and LockRenewed. */
  readonly leaseUntil: string | null;
  readonly reason: string | null;
  readonly at: string;
}

export const notifyLockChange = async (
  db: ClientBase,
  copyId: string,
  change: CopyLockChangeKind,
  detail: { holderId: string; leaseUntil: string | null; reason: string | null; at: string },
): Promise<void> => {
  await db.query(
    `SELECT pg_notify($1, json_build_object('copyId', copy_id, 'examId', exam_id, 'anonymousCode', anonymous_code, 'correctorId', corrector_id, 'change', $3::text,
       'holderId', $4::text, 'leaseUntil', $5::text, 'reason', $6::text, 'at', $7::text)::text)
     FROM copies WHERE copy_id = $2 AND $7::timestamptz > now() - make_interval(secs => $8)`,
    [COPY_LOCK_CHANNEL, copyId, change, detail.holderId, detail.leaseUntil, detail.reason, detail.at, RECENT_SECONDS],
  );
};

export const parseLockNotice = (payload: string): CopyLockNotice | null => {
  try {
    const notice = JSON.parse(payload) as CopyLockNotice;
    return typeof notice.copyId === 'string' && typeof notice.examId === 'string' ? notice : null;
  } catch {
    return null;
  }
};
