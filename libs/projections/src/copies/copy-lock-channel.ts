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

/** One statement for a batch's lock changes, in their order; each payload is a CopyLockNotice. */
export const notifyLockChanges = async (db: ClientBase, notices: readonly CopyLockNotice[]): Promise<void> => {
  if (notices.length === 0) return;
  await db.query(
    `SELECT pg_notify($1, json_build_object('copyId', n->>'copyId', 'examId', n->>'examId', 'anonymousCode', n->>'anonymousCode',
       'correctorId', n->>'correctorId', 'change', n->>'change', 'holderId', n->>'holderId', 'leaseUntil', n->>'leaseUntil',
       'reason', n->>'reason', 'at', n->>'at')::text)
     FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS x(n, o)
     WHERE (n->>'at')::timestamptz > now() - make_interval(secs => $3) ORDER BY o`,
    [COPY_LOCK_CHANNEL, JSON.stringify(notices), RECENT_SECONDS],
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
