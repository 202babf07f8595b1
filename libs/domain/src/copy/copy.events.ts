import type { Event } from '../shared/event.js';
import type { AiSuggestionEvent } from './ai-suggestion.js';
import type { Annotation } from './annotation.js';
import type { CorrectedCopyRendered } from './corrected-copy.js';

/**
 * What happens to one scanned copy, on its own stream `copy-<uuid>` (DESIGN §3, §4). Every event
 * names its copy so projections reading `$all` need not parse stream ids. Type names are stored in
 * the event store and never renamed: change a shape with an upcaster.
 * AiSuggestionProduced / AiSuggestionReviewed belong to the AI issue and join this union there.
 */

/**
 * `number` is the page's place in the scanned PDF (1-based); the array order is the reading order.
 * `maskedImageBlobKey` is the view image with the header painted white (a copy's first page): what
 * correctors are served, so the server never hands them a student's name.
 */
export type CopyPage = { pageId: string; number: number; imageBlobKey?: string; maskedImageBlobKey?: string };
export type HeaderCandidate = { studentId: string; score: number };
export type CopyFlagReason = 'missing_pages' | 'blank_pages' | 'duplicate_pages' | 'no_header' | 'other';
export type IdentificationMethod = 'auto' | 'manual';

export type CopyImported = Event<
  'CopyImported',
  { copyId: string; examId: string; scanId: string; pages: readonly CopyPage[]; anonymousCode: string }
>;
/**
 * What OCR (or a vision model) read in the header, with roster candidates best first; confidence in [0, 1].
 * `imageBlobKey` is the header crop (PNG) the identification desk shows.
 */
export type HeaderRead = Event<
  'HeaderRead',
  { copyId: string; engine: string; text: string; candidates: readonly HeaderCandidate[]; confidence: number; imageBlobKey?: string }
>;
export type StudentIdentified = Event<'StudentIdentified', { copyId: string; studentId: string; method: IdentificationMethod; by: string }>;
export type IdentificationCleared = Event<'IdentificationCleared', { copyId: string; studentId: string; by: string; reason?: string }>;
export type CopyFlagged = Event<'CopyFlagged', { copyId: string; reason: CopyFlagReason; note?: string }>;
export type PagesReordered = Event<'PagesReordered', { copyId: string; pageIds: readonly string[] }>;
export type CopyFlagCleared = Event<'CopyFlagCleared', { copyId: string; reason: CopyFlagReason; by: string; flagsLeft: number }>;

/**
 * Split correction moves pages between two copy streams in two appends (see apps/api split-correction):
 * PagesDetached on the source first, carrying everything the target needs, then PagesAttached on the
 * target (or, when `newCopy`, the target's CopyImported), both under the same `transferId`. A crash in
 * between leaves a detached transfer that is completed later, idempotently by `transferId`.
 * `position` is where the pages go in the target's reading order (null: at the end).
 */
export type PagesDetached = Event<
  'PagesDetached',
  { copyId: string; transferId: string; toCopyId: string; pages: readonly CopyPage[]; position: number | null; newCopy: boolean }
>;
export type PagesAttached = Event<
  'PagesAttached',
  { copyId: string; transferId: string; fromCopyId: string; pages: readonly CopyPage[]; position: number }
>;
/** The copy was merged into another: its pages went there, it leaves every list and takes no command again. */
export type CopyDiscarded = Event<'CopyDiscarded', { copyId: string; intoCopyId: string; by: string }>;

export type CopyAssigned = Event<'CopyAssigned', { copyId: string; correctorId: string; runId: string }>;
export type CopyLocked = Event<'CopyLocked', { copyId: string; holderId: string; leaseUntil: string }>;
export type LockRenewed = Event<'LockRenewed', { copyId: string; holderId: string; leaseUntil: string }>;
export type CopyUnlocked = Event<'CopyUnlocked', { copyId: string; holderId: string }>;
export type LockExpired = Event<'LockExpired', { copyId: string; holderId: string; leaseUntil: string }>;
export type LockForceReleased = Event<'LockForceReleased', { copyId: string; holderId: string; adminId: string; reason: string }>;

export type AnnotationAdded = Event<'AnnotationAdded', { copyId: string; annotation: Annotation }>;
/** Carries the whole annotation as it now is, not a patch: a projection replaces its row. */
export type AnnotationEdited = Event<'AnnotationEdited', { copyId: string; annotation: Annotation }>;
export type AnnotationRemoved = Event<'AnnotationRemoved', { copyId: string; annotationId: string }>;

/** `points` is already clamped and rounded to the scale's step: the one canonical score. */
export type ScoreAwarded = Event<'ScoreAwarded', { copyId: string; questionId: string; points: number; scaleVersion: number }>;
/** An empty text removes the question's remark. */
export type RemarkWritten = Event<'RemarkWritten', { copyId: string; questionId: string; text: string }>;
export type AppreciationWritten = Event<'AppreciationWritten', { copyId: string; text: string }>;
export type CopyFinalized = Event<'CopyFinalized', { copyId: string; total: number; max: number; scaleVersion: number }>;
export type CopyReopened = Event<'CopyReopened', { copyId: string; adminId: string; reason: string }>;

export type CopyEvent =
  | CopyImported
  | HeaderRead
  | StudentIdentified
  | IdentificationCleared
  | CopyFlagged
  | PagesReordered
  | CopyFlagCleared
  | PagesDetached
  | PagesAttached
  | CopyDiscarded
  | CopyAssigned
  | CopyLocked
  | LockRenewed
  | CopyUnlocked
  | LockExpired
  | LockForceReleased
  | AnnotationAdded
  | AnnotationEdited
  | AnnotationRemoved
  | ScoreAwarded
  | RemarkWritten
  | AppreciationWritten
  | CopyFinalized
  | CopyReopened
  | AiSuggestionEvent
  | CorrectedCopyRendered;

export type CopyEventType = CopyEvent['type'];

/** The stream a copy's events live on. */
export const copyStreamId = (copyId: string): string => `copy-${copyId}`;
