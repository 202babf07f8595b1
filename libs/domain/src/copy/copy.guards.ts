import { conflict, forbidden, illegalState, notFound, validation } from '../shared/domain-error.js';
import type { CommandMetadata, Role } from '../shared/event.js';
import { holds, MAX_LOCK_LEASE_MINUTES, MIN_LOCK_LEASE_MINUTES, DEFAULT_LOCK_LEASE_MINUTES, type CopyState } from './copy.state.js';

/** The checks the copy decider repeats, each throwing the coded error the API edge maps. */

export const MAX_COPY_REASON_LENGTH = 500;
export const MAX_COPY_NOTE_LENGTH = 2_000;
export const MAX_REMARK_LENGTH = 2_000;
export const MAX_APPRECIATION_LENGTH = 4_000;

/** Characters as a reader counts them (an accented letter or an emoji is one). */
export const charCount = (text: string): number => [...text].length;

/** Own-property lookup: ids come from clients, and `scores['constructor']` must not find Object's. */
export const ownEntry = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

/** The copy's id, or NOT_FOUND when nothing was imported on this stream. */
export const existing = (copy: CopyState): string => {
  if (copy.copyId === null) throw notFound('no such copy');
  return copy.copyId;
};

export const allow = (metadata: CommandMetadata, ...roles: Role[]): void => {
  if (!roles.includes(metadata.actorRole)) throw forbidden(`only ${roles.join(' or ')} may do this`, { role: metadata.actorRole });
};

/**
 * Whether the actor may work on this copy at all: an admin, its assigned corrector, or whoever holds
 * its lock. Checked before the copy's state, so that a teacher learns nothing of a copy outside their lot.
 */
export const inCharge = (copy: CopyState, { actorId, actorRole }: CommandMetadata): void => {
  if (actorRole === 'admin' || (actorRole === 'teacher' && copy.correctorId === actorId) || copy.lock?.holderId === actorId) return;
  throw forbidden("you do not hold this copy's lock: it is not in your lot");
};

/**
 * Annotating, scoring, remarks and finalising need a live lease held by the actor — admins included:
 * they take the lock first, so two people never write the same copy at once (DESIGN §4, §10).
 */
export const correcting = (copy: CopyState, metadata: CommandMetadata): void => {
  const { actorId, now } = metadata;
  inCharge(copy, metadata);
  if (copy.finalised) throw illegalState('this copy is finalised: an admin reopens it before any change');
  if (holds(copy, actorId, now)) return;
  const lock = copy.lock;
  if (lock?.holderId === actorId) {
    // The actor had it and the lease ran out (a closed laptop): retryable once they lock again.
    throw conflict(`you do not hold this copy's lock: your lease expired at ${lock.leaseUntil}, lock it again`, {
      leaseUntil: lock.leaseUntil,
    });
  }
  throw forbidden("you do not hold this copy's lock: lock it first");
};

/** A non-blank string of at most `max` characters. */
export const requiredText = (value: unknown, field: string, max = 200): string => {
  if (typeof value !== 'string' || value.trim() === '') throw validation(`${field} is required`, { field });
  return boundedText(value, field, max);
};

/** Any string (empty included) of at most `max` characters. */
export const boundedText = (value: unknown, field: string, max: number): string => {
  if (typeof value !== 'string') throw validation(`${field} must be text`, { field });
  if (charCount(value) > max) throw validation(`${field} is at most ${max} characters`, { field, max });
  return value;
};

/** An optional note or reason: absent and blank both mean none. */
export const optionalText = (value: unknown, field: string, max: number): string | undefined =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '') ? undefined : boundedText(value, field, max);

export const leaseMinutes = (value: unknown): number => {
  if (value === undefined || value === null) return DEFAULT_LOCK_LEASE_MINUTES;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_LOCK_LEASE_MINUTES || value > MAX_LOCK_LEASE_MINUTES) {
    throw validation(`a lease is a whole number of minutes from ${MIN_LOCK_LEASE_MINUTES} to ${MAX_LOCK_LEASE_MINUTES}`, {
      field: 'leaseMinutes',
    });
  }
  return value;
};

/** A number in [0, 1]: OCR confidences and candidate scores. */
export const unitInterval = (value: unknown, field: string): number => {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw validation(`${field} must be between 0 and 1`, { field });
  return value;
};
