import type { Event } from '../shared/event.js';
import type { Assignment } from './dispatch-copies.js';
import type { GradingQuestion } from './grading-scale.js';
import type { HeaderRegion } from './header-region.js';

export const examStreamId = (examId: string): string => `exam-${examId}`;

/** Events of an `exam-<uuid>` stream: a mock exam, its grading scale, its correctors and its results. */
export type ExamCreated = Event<
  'ExamCreated',
  { examId: string; title: string; subject: string; /** YYYY-MM-DD */ date?: string; classNames: string[]; createdBy: string }
>;
/**
 * Before any score exists the scale is replaced in place (same version); once scoring started, every
 * change is a new version, so a score can always be read against the scale it was given on.
 */
export type GradingScaleDefined = Event<'GradingScaleDefined', { version: number; questions: GradingQuestion[] }>;
/** Sent by the handler when the first ScoreAwarded lands on one of the exam's copies. */
export type ScoringStarted = Event<'ScoringStarted', { at: string }>;
/** The whole set of correctors, replacing the previous one. */
export type CorrectorsAssigned = Event<'CorrectorsAssigned', { correctorIds: string[] }>;
/** Every copy of the run and its corrector, kept ones included: the event alone tells who has what. */
export type CopiesDispatched = Event<'CopiesDispatched', { runId: string; assignments: Assignment[] }>;
/** Where the name box is on the first page of this exam's copies (fractions of the page, top-left origin). */
export type HeaderRegionDefined = Event<'HeaderRegionDefined', { region: HeaderRegion }>;
export type ResultsPublished = Event<'ResultsPublished', { by: string; at: string }>;
export type ResultsWithdrawn = Event<'ResultsWithdrawn', { by: string; reason?: string }>;
export type ExamArchived = Event<'ExamArchived', { by: string }>;
/** The exam's answer key for AI-suggested scores (issue 6), free text; an empty text removes it. */
export type AnswerKeyDefined = Event<'AnswerKeyDefined', { text: string; by: string }>;

export type ExamEvent =
  | ExamCreated
  | GradingScaleDefined
  | ScoringStarted
  | CorrectorsAssigned
  | CopiesDispatched
  | HeaderRegionDefined
  | ResultsPublished
  | ResultsWithdrawn
  | ExamArchived
  | AnswerKeyDefined;
