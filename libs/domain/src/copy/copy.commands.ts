import type { Command } from '../shared/event.js';
import type { AiSuggestionCommand } from './ai-suggestion.js';
import type { Annotation } from './annotation.js';
import type { RecordCorrectedCopy } from './corrected-copy.js';
import type { CopyFlagReason, CopyPage, HeaderCandidate } from './copy.events.js';
import type { GradingScaleSnapshot } from './grading.js';

/**
 * What people and processors ask of a copy. The actor, their role and the time come in `metadata`;
 * the copy is the stream the handler loaded, so commands after the import do not repeat its id.
 * Fields are typed for callers but checked again at run time: they arrive from GraphQL and processors.
 */

// Scan pipeline and identification desk (admin or system)
export type ImportCopy = Command<
  'ImportCopy',
  { copyId: string; examId: string; scanId: string; pages: readonly CopyPage[]; anonymousCode: string }
>;
export type RecordHeaderRead = Command<
  'RecordHeaderRead',
  { engine: string; text: string; candidates: readonly HeaderCandidate[]; confidence: number; imageBlobKey?: string }
>;
/** The method is not asked: the system's identification is 'auto', an admin's is 'manual'. */
export type IdentifyStudent = Command<'IdentifyStudent', { studentId: string }>;
export type ClearIdentification = Command<'ClearIdentification', { reason?: string }>;
export type FlagCopy = Command<'FlagCopy', { reason: CopyFlagReason; note?: string }>;
/** The full new reading order: every page of the copy exactly once. */
export type ReorderPages = Command<'ReorderPages', { pageIds: readonly string[] }>;
/** Removes every flag of this reason (the problem was dealt with). */
export type ClearFlag = Command<'ClearFlag', { reason: CopyFlagReason }>;

// Split correction, before correction starts (see PagesDetached in copy.events.ts)
/** The source half of a page move or split: the pages leave for `toCopyId` (a copy to create when `newCopy`). */
export type DetachPages = Command<
  'DetachPages',
  { pageIds: readonly string[]; toCopyId: string; transferId: string; position?: number | null; newCopy?: boolean }
>;
/** The target half: the pages a PagesDetached carried, at `position` (null or absent: at the end). */
export type AttachPages = Command<
  'AttachPages',
  { transferId: string; fromCopyId: string; pages: readonly CopyPage[]; position?: number | null }
>;
/** Every page goes to the target and this copy is discarded, its identification cleared. */
export type MergeInto = Command<'MergeInto', { targetCopyId: string; transferId: string }>;

// Dispatch and the lock (DESIGN §4, §10)
export type AssignCorrector = Command<'AssignCorrector', { correctorId: string; runId: string }>;
/** The lock goes to the actor; `leaseMinutes` defaults to DEFAULT_LOCK_LEASE_MINUTES. */
export type LockCopy = Command<'LockCopy', { leaseMinutes?: number }>;
/** The portal's heartbeat. */
export type RenewLock = Command<'RenewLock', { leaseMinutes?: number }>;
export type UnlockCopy = Command<'UnlockCopy'>;
/** Sent by the lock-expiry processor (role 'system'); harmless when early or repeated. */
export type ExpireLock = Command<'ExpireLock'>;
export type ForceReleaseLock = Command<'ForceReleaseLock', { reason: string }>;

// Correction (the lock holder only)
export type AddAnnotation = Command<'AddAnnotation', { annotation: Annotation }>;
export type EditAnnotation = Command<'EditAnnotation', { annotation: Annotation }>;
export type RemoveAnnotation = Command<'RemoveAnnotation', { annotationId: string }>;
/** `scale` is the exam's current grading scale, loaded by the handler from the exam stream. */
export type AwardScore = Command<'AwardScore', { questionId: string; points: number; scale: GradingScaleSnapshot }>;
export type WriteRemark = Command<'WriteRemark', { questionId: string; text: string; scale: GradingScaleSnapshot }>;
export type WriteAppreciation = Command<'WriteAppreciation', { text: string }>;
export type FinalizeCopy = Command<'FinalizeCopy', { scale: GradingScaleSnapshot }>;
export type ReopenCopy = Command<'ReopenCopy', { reason: string }>;

export type CopyCommand =
  | ImportCopy
  | RecordHeaderRead
  | IdentifyStudent
  | ClearIdentification
  | FlagCopy
  | ReorderPages
  | ClearFlag
  | DetachPages
  | AttachPages
  | MergeInto
  | AssignCorrector
  | LockCopy
  | RenewLock
  | UnlockCopy
  | ExpireLock
  | ForceReleaseLock
  | AddAnnotation
  | EditAnnotation
  | RemoveAnnotation
  | AwardScore
  | WriteRemark
  | WriteAppreciation
  | FinalizeCopy
  | ReopenCopy
  | AiSuggestionCommand
  | RecordCorrectedCopy;

export type CopyCommandType = CopyCommand['type'];
