/**
 * The domain (DESIGN §4): deciders as pure functions — decide, evolve, initialState — with no
 * framework, database or store import.
 */
export * from './shared/event.js';
export * from './shared/domain-error.js';
export * from './shared/time.js';

// Staff accounts (user-<uuid>)
export type * from './user/user.events.js';
export type * from './user/user.commands.js';
export type { UserState } from './user/user.state.js';
export { userDecider, DISPLAY_NAME_MAX } from './user/user.decider.js';
export { isValidEmail, normaliseEmail } from './user/email.js';
export { isPasswordHash } from './user/password-hash.js';
export { userStreamId, userEmailReservationStreamId } from './user/user.events.js';

// Students (student-<uuid>)
export type * from './student/student.events.js';
export type * from './student/student.commands.js';
export type { StudentAccess, StudentState } from './student/student.state.js';
export { studentDecider } from './student/student.decider.js';
export { studentStreamId } from './student/student.events.js';
export { INE_PATTERN, birthDateProblem, isCalendarDate, isValidIne, normaliseIne } from './student/student.rules.js';

// Roster import
export { parseRoster, type RosterError, type RosterFormat, type RosterParseResult, type RosterRow } from './roster/parse-roster.js';
export { foldName, rosterMatchKey, rosterNameKey, type RosterIdentity } from './roster/roster-match-key.js';
export { splitPronoteName, type SplitName } from './roster/pronote-name.js';

// Exams (exam-<uuid>)
export type * from './exam/exam.events.js';
export type * from './exam/exam.commands.js';
export type { ExamState } from './exam/exam.state.js';
export { ANSWER_KEY_MAX, examDecider, TITLE_MAX } from './exam/exam.decider.js';
export { examStreamId } from './exam/exam.events.js';
export {
  LEAF_MAX_POINTS,
  MAX_DEPTH,
  SCORE_STEPS,
  buildGradingScale,
  gradingScaleSnapshot,
  leafQuestions,
  sameScale,
  scaleTotal,
  type GradingQuestion,
  type GradingQuestionInput,
  type ScoreStep,
} from './exam/grading-scale.js';
export { previewScaleChange, type RecordedScore, type ScaleChangePreview } from './exam/scale-preview.js';
export { dispatchCopies, type Assignment } from './exam/dispatch-copies.js';
export {
  DEFAULT_HEADER_REGION,
  MIN_HEADER_SIDE,
  checkHeaderRegion,
  headerRegionOf,
  sameHeaderRegion,
  type HeaderRegion,
} from './exam/header-region.js';

// Copies (copy-<uuid>): identification, lock lease, annotations, scores, finalisation
export type * from './copy/copy.events.js';
export type * from './copy/copy.commands.js';
export { copyStreamId } from './copy/copy.events.js';
export {
  DEFAULT_LOCK_LEASE_MINUTES,
  MAX_LOCK_LEASE_MINUTES,
  MIN_LOCK_LEASE_MINUTES,
  evolveCopy,
  holds,
  initialCopyState,
  isLockLive,
  type CopyFinalisation,
  type CopyFlag,
  type CopyHeader,
  type CopyLock,
  type CopyScore,
  type CopyState,
  type CopyStatus,
} from './copy/copy.state.js';
export { copyDecider, decideCopy } from './copy/copy.decider.js';
export * from './copy/corrected-copy.js';
export { assertPagesEditable } from './copy/copy-pages.js';
export * from './copy/copy-recut.js';
export * from './copy/ai-answer.js';
export * from './copy/ai-suggestion.js';
export type { AiRequestState, AiSuggestionsState } from './copy/ai-suggestion.state.js';
export * from './copy/annotation.js';
export { scorePoints, sumPoints, type GradingScaleSnapshot, type ScaleQuestion } from './copy/grading.js';
export { MAX_APPRECIATION_LENGTH, MAX_COPY_NOTE_LENGTH, MAX_COPY_REASON_LENGTH, MAX_REMARK_LENGTH } from './copy/copy.guards.js';

// Scans (scan-<uuid>): an uploaded PDF and what the import pipeline made of it
export type * from './scan/scan.events.js';
export type * from './scan/scan.commands.js';
export { scanStreamId, scanFileReservationStreamId } from './scan/scan.events.js';
export {
  copyFirstPages,
  evolveScan,
  initialScanState,
  renderedCount,
  scanPhase,
  type ScanPhase,
  type ScanState,
} from './scan/scan.state.js';
export { MAX_PAGES_PER_COPY, MAX_SCAN_FILE_NAME, decideScan, scanDecider } from './scan/scan.decider.js';
