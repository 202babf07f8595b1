import { atOrAfter } from '../shared/time.js';
import { type AiSuggestionsState, evolveAiSuggestions, initialAiSuggestionsState } from './ai-suggestion.state.js';
import type { Annotation } from './annotation.js';
import type { CopyEvent, CopyFlagReason, CopyPage, HeaderCandidate, IdentificationMethod } from './copy.events.js';
import type { CorrectedCopyPdf } from './corrected-copy.js';

/**
 * A copy as its events tell it. Plain JSON-shaped data (records, not Maps) so the audit view can show
 * the state at any revision as is. The stream revision is not in here: the handler keeps it.
 */
export type CopyStatus = 'imported' | 'identified' | 'assigned' | 'in_progress' | 'finalised';
export type CopyLock = Readonly<{ holderId: string; leaseUntil: string }>;
export type CopyScore = Readonly<{ points: number; scaleVersion: number }>;
export type CopyFlag = Readonly<{ reason: CopyFlagReason; note?: string }>;
export type CopyHeader = Readonly<{
  engine: string;
  text: string;
  candidates: readonly HeaderCandidate[];
  confidence: number;
  imageBlobKey?: string;
}>;
export type CopyFinalisation = Readonly<{ total: number; max: number; scaleVersion: number }>;

export type CopyState = Readonly<{
  /** null until CopyImported: every other command then answers NOT_FOUND. */
  copyId: string | null;
  examId: string | null;
  scanId: string | null;
  anonymousCode: string | null;
  /** In reading order. */
  pages: readonly CopyPage[];
  /** Correction progress; identification is told by studentId, which any status may have. */
  status: CopyStatus;
  studentId: string | null;
  identificationMethod: IdentificationMethod | null;
  /** The latest header reading, for the identification desk. */
  header: CopyHeader | null;
  flags: readonly CopyFlag[];
  correctorId: string | null;
  runId: string | null;
  /** The last lease granted; it may have run out. Ask isLockLive / holds, never `lock !== null`. */
  lock: CopyLock | null;
  /** True once someone has taken the lock: the correction has begun. */
  started: boolean;
  annotations: Readonly<Record<string, Annotation>>;
  scores: Readonly<Record<string, CopyScore>>;
  /** Per question; a cleared remark is absent. */
  remarks: Readonly<Record<string, string>>;
  appreciation: string;
  finalised: CopyFinalisation | null;
  /** Set once the copy was merged into another: it takes no command again. */
  discarded: Readonly<{ intoCopyId: string }> | null;
  /** Page transfers already applied here (detached or attached): a retried half is harmless. */
  transferIds: readonly string[];
  /** AI-suggested scores asked for and how each was reviewed (ai-suggestion.ts). */
  ai: AiSuggestionsState;
  /** The PDF of the current finalisation (corrected-copy.ts); cleared by a reopen or a change of identification. */
  correctedPdf: CorrectedCopyPdf | null;
}>;

export const DEFAULT_LOCK_LEASE_MINUTES = 30;
export const MIN_LOCK_LEASE_MINUTES = 1;
export const MAX_LOCK_LEASE_MINUTES = 120;

export const initialCopyState = (): CopyState => ({
  copyId: null,
  examId: null,
  scanId: null,
  anonymousCode: null,
  pages: [],
  status: 'imported',
  studentId: null,
  identificationMethod: null,
  header: null,
  flags: [],
  correctorId: null,
  runId: null,
  lock: null,
  started: false,
  annotations: {},
  scores: {},
  remarks: {},
  appreciation: '',
  finalised: null,
  discarded: null,
  transferIds: [],
  ai: initialAiSuggestionsState(),
  correctedPdf: null,
});

/** A lease is live strictly before leaseUntil: at leaseUntil itself it has expired and the copy is free. */
export const isLockLive = (copy: CopyState, now: string): boolean => copy.lock !== null && !atOrAfter(now, copy.lock.leaseUntil);

/** Whether `actorId` holds a live lease on the copy: the one test for annotating, scoring and finalising. */
export const holds = (copy: CopyState, actorId: string, now: string): boolean => isLockLive(copy, now) && copy.lock?.holderId === actorId;

export const evolveCopy = (copy: CopyState, event: CopyEvent): CopyState => {
  const next = apply(copy, event);
  return { ...next, status: statusOf(next) };
};

const statusOf = (copy: CopyState): CopyStatus => {
  if (copy.finalised) return 'finalised';
  if (copy.started) return 'in_progress';
  if (copy.correctorId !== null) return 'assigned';
  if (copy.studentId !== null) return 'identified';
  return 'imported';
};

const apply = (copy: CopyState, event: CopyEvent): CopyState => {
  switch (event.type) {
    // no default: a new event type is a compile error here
    case 'CopyImported': {
      const { copyId, examId, scanId, pages, anonymousCode } = event.data;
      return { ...copy, copyId, examId, scanId, pages, anonymousCode };
    }
    case 'HeaderRead': {
      const { engine, text, candidates, confidence, imageBlobKey } = event.data;
      return { ...copy, header: { engine, text, candidates, confidence, ...(imageBlobKey === undefined ? {} : { imageBlobKey }) } };
    }
    case 'StudentIdentified':
      return { ...copy, studentId: event.data.studentId, identificationMethod: event.data.method, correctedPdf: null };
    case 'IdentificationCleared':
      return { ...copy, studentId: null, identificationMethod: null, correctedPdf: null };
    case 'CopyFlagged': {
      const { reason, note } = event.data;
      return { ...copy, flags: [...copy.flags, note === undefined ? { reason } : { reason, note }] };
    }
    case 'PagesReordered': {
      const byId = new Map(copy.pages.map((page) => [page.pageId, page]));
      return { ...copy, pages: event.data.pageIds.flatMap((pageId) => byId.get(pageId) ?? []) };
    }
    case 'CopyFlagCleared':
      return { ...copy, flags: copy.flags.filter((flag) => flag.reason !== event.data.reason) };
    case 'PagesDetached': {
      const leaving = new Set(event.data.pages.map((page) => page.pageId));
      return {
        ...copy,
        pages: copy.pages.filter((page) => !leaving.has(page.pageId)),
        transferIds: [...copy.transferIds, event.data.transferId],
      };
    }
    case 'PagesAttached': {
      const at = Math.min(Math.max(event.data.position, 0), copy.pages.length);
      return {
        ...copy,
        pages: [...copy.pages.slice(0, at), ...event.data.pages, ...copy.pages.slice(at)],
        transferIds: [...copy.transferIds, event.data.transferId],
      };
    }
    case 'CopyDiscarded':
      return { ...copy, discarded: { intoCopyId: event.data.intoCopyId } };
    case 'CopyAssigned':
      return { ...copy, correctorId: event.data.correctorId, runId: event.data.runId };
    case 'CopyLocked':
      return { ...copy, lock: { holderId: event.data.holderId, leaseUntil: event.data.leaseUntil }, started: true };
    case 'LockRenewed':
      return { ...copy, lock: { holderId: event.data.holderId, leaseUntil: event.data.leaseUntil } };
    case 'CopyUnlocked':
    case 'LockExpired':
    case 'LockForceReleased':
      return { ...copy, lock: null };
    case 'AnnotationAdded':
    case 'AnnotationEdited':
      return { ...copy, annotations: { ...copy.annotations, [event.data.annotation.annotationId]: event.data.annotation } };
    case 'AnnotationRemoved':
      return { ...copy, annotations: without(copy.annotations, event.data.annotationId) };
    case 'ScoreAwarded': {
      const { questionId, points, scaleVersion } = event.data;
      return { ...copy, scores: { ...copy.scores, [questionId]: { points, scaleVersion } } };
    }
    case 'RemarkWritten': {
      const { questionId, text } = event.data;
      return { ...copy, remarks: text === '' ? without(copy.remarks, questionId) : { ...copy.remarks, [questionId]: text } };
    }
    case 'AppreciationWritten':
      return { ...copy, appreciation: event.data.text };
    case 'CopyFinalized': {
      const { total, max, scaleVersion } = event.data;
      return { ...copy, finalised: { total, max, scaleVersion } };
    }
    case 'AiSuggestionRequested':
    case 'AiSuggestionProduced':
    case 'AiSuggestionFailed':
    case 'AiSuggestionReviewed':
      return { ...copy, ai: evolveAiSuggestions(copy.ai, event) };
    case 'CopyReopened':
      // Back to correction with no lock: the corrector takes it again (the old system forgot to).
      return { ...copy, finalised: null, started: true, lock: null, correctedPdf: null };
    case 'CorrectedCopyRendered': {
      const { finalisedRevision, anonymous, named } = event.data;
      return { ...copy, correctedPdf: { finalisedRevision, anonymous, named } };
    }
  }
};

const without = <T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> =>
  Object.fromEntries(Object.entries(record).filter(([entry]) => entry !== key));
