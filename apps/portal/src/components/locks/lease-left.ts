import type { LockBoardQuery } from '@/graphql/generated';

/**
 * Seconds left on a lease, counted down in the browser from the server's own figure (secondsLeft at
 * the moment of the answer) rather than from `until`: a wrong clock on the school's PC does not
 * change the countdown.
 */
export const leaseLeft = (secondsLeftAtFetch: number, fetchedAt: number, now: number): number =>
  Math.max(0, Math.floor(secondsLeftAtFetch - (now - fetchedAt) / 1000));

/** Under this the lease is about to run out (shown in warning colours). */
export const LEASE_WARNING_SECONDS = 120;

/** A row of the lock board. */
export type LockEntry = LockBoardQuery['lockBoard'][number];
