import type { Command } from '../shared/event.js';
import type { Assignment } from './dispatch-copies.js';
import type { GradingQuestionInput } from './grading-scale.js';
import type { HeaderRegion } from './header-region.js';

export type CreateExam = Command<'CreateExam', { examId: string; title: string; subject: string; date?: string; classNames: string[] }>;
/** `confirmed` is the admin's answer to `previewScaleChange`, required once scores exist. */
export type DefineGradingScale = Command<'DefineGradingScale', { examId: string; questions: GradingQuestionInput[]; confirmed?: boolean }>;
/** From the score handler, on the first ScoreAwarded of any copy of this exam; repeats are harmless. */
export type RecordFirstScore = Command<'RecordFirstScore', { examId: string }>;
export type AssignCorrectors = Command<'AssignCorrectors', { examId: string; correctorIds: string[] }>;
/**
 * `copyIds`: every copy of the exam to be corrected (from the copies read model); `keep`: the copies
 * already in progress and their corrector. `runId` is client-made: it seeds the draw and makes a retry
 * a no-op.
 */
export type DispatchCopies = Command<'DispatchCopies', { examId: string; runId: string; copyIds: string[]; keep?: Assignment[] }>;
/**
 * `copiesWithCorrector`: how many of the exam's copies a corrector already holds (from the copies read
 * model), so a copy handed over by a manual reassignment, which the exam stream never sees, counts too.
 */
export type DefineHeaderRegion = Command<'DefineHeaderRegion', { examId: string; region: HeaderRegion; copiesWithCorrector?: number }>;
export type PublishResults = Command<'PublishResults', { examId: string }>;
export type WithdrawResults = Command<'WithdrawResults', { examId: string; reason?: string }>;
export type ArchiveExam = Command<'ArchiveExam', { examId: string }>;
export type DefineAnswerKey = Command<'DefineAnswerKey', { examId: string; text: string }>;

export type ExamCommand =
  | CreateExam
  | DefineGradingScale
  | RecordFirstScore
  | AssignCorrectors
  | DispatchCopies
  | DefineHeaderRegion
  | PublishResults
  | WithdrawResults
  | ArchiveExam
  | DefineAnswerKey;
