import { conflict, forbidden, illegalState, notFound, validation } from '../shared/domain-error.js';
import type { Decider } from '../shared/event.js';
import { addMinutes, atOrAfter } from '../shared/time.js';
import { decideAiSuggestion } from './ai-suggestion.js';
import { parseAnnotation, sameAnnotation } from './annotation.js';
import type { CopyCommand, FinalizeCopy, ImportCopy, LockCopy } from './copy.commands.js';
import type { CopyEvent } from './copy.events.js';
import { recordCorrectedCopy } from './corrected-copy.js';
import { FLAG_REASONS, attachPages, clearFlag, detachPages, mergeInto, parsePages, reorderPages } from './copy-pages.js';
import {
  allow,
  boundedText,
  correcting,
  existing,
  inCharge,
  leaseMinutes,
  optionalText,
  ownEntry,
  requiredText,
  unitInterval,
} from './copy.guards.js';
import { MAX_APPRECIATION_LENGTH, MAX_COPY_NOTE_LENGTH, MAX_COPY_REASON_LENGTH, MAX_REMARK_LENGTH } from './copy.guards.js';
import { evolveCopy, holds, initialCopyState, isLockLive, type CopyState } from './copy.state.js';
import { checkScale, questionOf, scorePoints, sumPoints } from './grading.js';

/**
 * decide(command, copy) → events, or a coded DomainError for a request the rules refuse.
 * Checks run in the order: the copy exists, the actor may do this, the input is valid, the state allows it.
 * "Nothing to do" (a retry, the same value again) is an empty list, never an error.
 */
export const decideCopy = (command: CopyCommand, copy: CopyState): CopyEvent[] => {
  if (command.type === 'ImportCopy') return importCopy(command, copy);
  const copyId = existing(copy);
  if (copy.discarded) {
    // Only the retry of the merge that discarded it is answered (with nothing): the copy takes no change.
    const transferId = (command.data as { transferId?: unknown }).transferId;
    if (typeof transferId === 'string' && copy.transferIds.includes(transferId)) return [];
    throw illegalState('this copy was merged into another: it takes no change', { intoCopyId: copy.discarded.intoCopyId });
  }
  const { metadata } = command;
  const { actorId, actorRole, now } = metadata;
  switch (command.type) {
    case 'RecordHeaderRead': {
      allow(metadata, 'admin', 'system');
      const { engine, text, candidates, confidence } = command.data;
      const imageBlobKey = optionalText(command.data.imageBlobKey, 'imageBlobKey', 500);
      const read = {
        engine: requiredText(engine, 'engine'),
        text: boundedText(text, 'text', MAX_COPY_NOTE_LENGTH),
        candidates: (Array.isArray(candidates) ? candidates : []).map((c) => ({
          studentId: requiredText(c.studentId, 'studentId'),
          score: unitInterval(c.score, 'score'),
        })),
        confidence: unitInterval(confidence, 'confidence'),
        ...(imageBlobKey === undefined ? {} : { imageBlobKey }),
      };
      return [{ type: 'HeaderRead', data: { copyId, ...read } }];
    }
    case 'IdentifyStudent': {
      allow(metadata, 'admin', 'system');
      const studentId = requiredText(command.data.studentId, 'studentId');
      // One student per copy is decided here. One copy per student and exam is not: the handler appends
      // to the reservation stream `examstudent-<examId>-<studentId>` with no_stream, which this copy cannot see.
      if (copy.studentId === studentId) return [];
      if (copy.studentId !== null) {
        throw illegalState('this copy is identified as another student: clear the identification first', { studentId: copy.studentId });
      }
      const method = actorRole === 'system' ? 'auto' : 'manual';
      return [{ type: 'StudentIdentified', data: { copyId, studentId, method, by: actorId } }];
    }
    case 'ClearIdentification': {
      allow(metadata, 'admin');
      const reason = optionalText(command.data.reason, 'reason', MAX_COPY_REASON_LENGTH);
      if (copy.studentId === null) throw illegalState('this copy is not identified');
      // The handler also releases the student's reservation stream, so the student can be identified elsewhere.
      return [
        {
          type: 'IdentificationCleared',
          data: { copyId, studentId: copy.studentId, by: actorId, ...(reason === undefined ? {} : { reason }) },
        },
      ];
    }
    case 'FlagCopy': {
      allow(metadata, 'admin', 'system');
      const { reason } = command.data;
      if (!FLAG_REASONS.includes(reason)) throw validation(`unknown flag reason: ${String(reason)}`, { field: 'reason' });
      const note = optionalText(command.data.note, 'note', MAX_COPY_NOTE_LENGTH);
      if (copy.flags.some((flag) => flag.reason === reason && flag.note === note)) return [];
      return [{ type: 'CopyFlagged', data: { copyId, reason, ...(note === undefined ? {} : { note }) } }];
    }
    case 'ReorderPages':
      return reorderPages(command, copy, copyId);
    case 'ClearFlag':
      return clearFlag(command, copy, copyId);
    case 'DetachPages':
      return detachPages(command, copy, copyId);
    case 'AttachPages':
      return attachPages(command, copy, copyId);
    case 'MergeInto':
      return mergeInto(command, copy, copyId);
    case 'AssignCorrector': {
      allow(metadata, 'admin', 'system');
      const correctorId = requiredText(command.data.correctorId, 'correctorId');
      const runId = requiredText(command.data.runId, 'runId');
      if (copy.correctorId === correctorId) return [];
      if (copy.finalised) throw illegalState('this copy is finalised: reopen it before giving it to another corrector');
      if (isLockLive(copy, now) && copy.lock?.holderId !== correctorId) {
        throw illegalState('another corrector holds this copy: the lock is released first', { holderId: copy.lock?.holderId ?? null });
      }
      return [{ type: 'CopyAssigned', data: { copyId, correctorId, runId } }];
    }
    case 'LockCopy':
      return lockCopy(command, copy, copyId);
    case 'RenewLock': {
      inCharge(copy, metadata);
      const minutes = leaseMinutes(command.data.leaseMinutes);
      if (!holds(copy, actorId, now)) {
        const expired = copy.lock?.holderId === actorId;
        throw conflict(
          expired ? "you do not hold this copy's lock: your lease expired, lock it again" : "you do not hold this copy's lock",
        );
      }
      return [{ type: 'LockRenewed', data: { copyId, holderId: actorId, leaseUntil: addMinutes(now, minutes) } }];
    }
    case 'UnlockCopy': {
      const lock = copy.lock;
      if (lock === null) return [];
      // The holder may release even a lapsed lease: it tidies the lock board before the expiry processor runs.
      if (lock.holderId === actorId) return [{ type: 'CopyUnlocked', data: { copyId, holderId: actorId } }];
      if (!isLockLive(copy, now)) return [];
      throw forbidden("you do not hold this copy's lock: an admin force-releases it with a reason");
    }
    case 'ExpireLock': {
      allow(metadata, 'system');
      const lock = copy.lock;
      // Early or repeated (the lease was renewed meanwhile, another processor got there first): nothing to do.
      if (lock === null || !atOrAfter(now, lock.leaseUntil)) return [];
      return [{ type: 'LockExpired', data: { copyId, holderId: lock.holderId, leaseUntil: lock.leaseUntil } }];
    }
    case 'ForceReleaseLock': {
      allow(metadata, 'admin');
      const reason = requiredText(command.data.reason, 'reason', MAX_COPY_REASON_LENGTH);
      if (copy.lock === null || !isLockLive(copy, now)) throw illegalState('this copy is not locked');
      return [{ type: 'LockForceReleased', data: { copyId, holderId: copy.lock.holderId, adminId: actorId, reason } }];
    }
    case 'AddAnnotation': {
      correcting(copy, metadata);
      const annotation = parseAnnotation(command.data.annotation, pageIdsOf(copy));
      const stored = ownEntry(copy.annotations, annotation.annotationId);
      if (stored && sameAnnotation(stored, annotation)) return []; // the portal's retry queue sent it again
      if (stored) throw conflict('another annotation already has this id', { annotationId: annotation.annotationId });
      return [{ type: 'AnnotationAdded', data: { copyId, annotation } }];
    }
    case 'EditAnnotation': {
      correcting(copy, metadata);
      const annotation = parseAnnotation(command.data.annotation, pageIdsOf(copy));
      const stored = ownEntry(copy.annotations, annotation.annotationId);
      if (!stored) throw notFound('no such annotation on this copy', { annotationId: annotation.annotationId });
      if (sameAnnotation(stored, annotation)) return [];
      return [{ type: 'AnnotationEdited', data: { copyId, annotation } }];
    }
    case 'RemoveAnnotation': {
      correcting(copy, metadata);
      const annotationId = requiredText(command.data.annotationId, 'annotationId').toLowerCase();
      // A removal retried after it succeeded lands here too: the portal's queue takes NOT_FOUND as done.
      if (!ownEntry(copy.annotations, annotationId)) throw notFound('no such annotation on this copy', { annotationId });
      return [{ type: 'AnnotationRemoved', data: { copyId, annotationId } }];
    }
    case 'AwardScore': {
      correcting(copy, metadata);
      const { questionId, points, scale } = command.data;
      checkScale(scale);
      const question = questionOf(scale, questionId);
      if (typeof points !== 'number' || !Number.isFinite(points)) throw validation('points must be a number', { field: 'points' });
      const awarded = scorePoints(points, question);
      if (ownEntry(copy.scores, questionId)?.points === awarded) return [];
      return [{ type: 'ScoreAwarded', data: { copyId, questionId, points: awarded, scaleVersion: scale.version } }];
    }
    case 'WriteRemark': {
      correcting(copy, metadata);
      const { questionId, scale } = command.data;
      checkScale(scale);
      questionOf(scale, questionId);
      const text = boundedText(command.data.text, 'text', MAX_REMARK_LENGTH);
      if ((ownEntry(copy.remarks, questionId) ?? '') === text) return [];
      return [{ type: 'RemarkWritten', data: { copyId, questionId, text } }];
    }
    case 'WriteAppreciation': {
      correcting(copy, metadata);
      const text = boundedText(command.data.text, 'text', MAX_APPRECIATION_LENGTH);
      if (copy.appreciation === text) return [];
      return [{ type: 'AppreciationWritten', data: { copyId, text } }];
    }
    case 'FinalizeCopy':
      return finalizeCopy(command, copy, copyId);
    case 'RequestAiSuggestion':
    case 'RecordAiSuggestion':
    case 'RecordAiSuggestionFailure':
    case 'ReviewAiSuggestion':
      return decideAiSuggestion(command, copy, copyId, (award) => decideCopy(award, copy));
    case 'ReopenCopy': {
      allow(metadata, 'admin');
      const reason = requiredText(command.data.reason, 'reason', MAX_COPY_REASON_LENGTH);
      if (!copy.finalised) throw illegalState('only a finalised copy can be reopened');
      return [{ type: 'CopyReopened', data: { copyId, adminId: actorId, reason } }];
    }
    case 'RecordCorrectedCopy':
      return recordCorrectedCopy(command, copy, copyId);
  }
};

/** The scan pipeline (or an admin correcting a split) creates the copy; the store's eventId makes retries safe. */
const importCopy = ({ data, metadata }: ImportCopy, copy: CopyState): CopyEvent[] => {
  allow(metadata, 'admin', 'system');
  if (copy.copyId !== null) throw illegalState('this copy is already imported', { copyId: copy.copyId });
  const ids = {
    copyId: requiredText(data.copyId, 'copyId'),
    examId: requiredText(data.examId, 'examId'),
    scanId: requiredText(data.scanId, 'scanId'),
  };
  const anonymousCode = requiredText(data.anonymousCode, 'anonymousCode');
  const pages = parsePages(data.pages);
  return [{ type: 'CopyImported', data: { ...ids, pages, anonymousCode } }];
};

/**
 * The lock is a lease (DESIGN §4, §10). Locking again is how the portal re-opens a copy it already
 * holds, so it renews rather than fails. A lapsed lease is free; taking it records its expiry first so
 * the lock board and the audit trail say who lost the copy and when.
 */
const lockCopy = ({ data, metadata }: LockCopy, copy: CopyState, copyId: string): CopyEvent[] => {
  const { actorId, actorRole, now } = metadata;
  const assigned = actorRole === 'teacher' && actorId === copy.correctorId;
  if (actorRole !== 'admin' && !assigned) throw forbidden('only the assigned corrector or an admin may lock this copy');
  const leaseUntil = addMinutes(now, leaseMinutes(data.leaseMinutes));
  if (copy.finalised) throw illegalState('a finalised copy cannot be locked: an admin reopens it first');
  if (holds(copy, actorId, now)) return [{ type: 'LockRenewed', data: { copyId, holderId: actorId, leaseUntil } }];
  const lock = copy.lock;
  if (lock !== null && isLockLive(copy, now)) {
    throw conflict('locked by another', { holderId: lock.holderId, leaseUntil: lock.leaseUntil });
  }
  const lapsed: CopyEvent[] = lock ? [{ type: 'LockExpired', data: { copyId, holderId: lock.holderId, leaseUntil: lock.leaseUntil } }] : [];
  return [...lapsed, { type: 'CopyLocked', data: { copyId, holderId: actorId, leaseUntil } }];
};

/** Finalising totals the canonical scores on the scale and releases the lock (DESIGN §4). */
const finalizeCopy = ({ data, metadata }: FinalizeCopy, copy: CopyState, copyId: string): CopyEvent[] => {
  correcting(copy, metadata);
  const { scale } = data;
  checkScale(scale);
  const missing = scale.questions.filter((q) => !ownEntry(copy.scores, q.questionId)).map((q) => q.questionId);
  if (missing.length > 0) throw validation(`questions not scored yet: ${missing.join(', ')}`, { missing: missing.join(',') });
  // A scale revised after scoring may have lowered a maximum: such a score is read again, never exported as is.
  const stale = scale.questions.filter((q) => (ownEntry(copy.scores, q.questionId)?.points ?? 0) > q.maxPoints).map((q) => q.questionId);
  if (stale.length > 0) {
    throw validation(`scores above the maximum of grading scale v${scale.version}: ${stale.join(', ')}`, { stale: stale.join(',') });
  }
  const total = sumPoints(scale.questions.map((q) => ownEntry(copy.scores, q.questionId)?.points ?? 0));
  const max = sumPoints(scale.questions.map((q) => q.maxPoints));
  return [
    { type: 'CopyFinalized', data: { copyId, total, max, scaleVersion: scale.version } },
    { type: 'CopyUnlocked', data: { copyId, holderId: metadata.actorId } },
  ];
};

const pageIdsOf = (copy: CopyState): string[] => copy.pages.map((page) => page.pageId);

export const copyDecider: Decider<CopyState, CopyCommand, CopyEvent> = {
  initialState: initialCopyState,
  evolve: evolveCopy,
  decide: decideCopy,
};
