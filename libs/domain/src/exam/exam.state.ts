import type { Assignment } from './dispatch-copies.js';
import type { ExamEvent } from './exam.events.js';
import type { GradingQuestion } from './grading-scale.js';
import { DEFAULT_HEADER_REGION, type HeaderRegion } from './header-region.js';

export type ExamState = Readonly<{
  created: boolean;
  examId: string;
  title: string;
  classNames: readonly string[];
  scale: Readonly<{ version: number; questions: readonly GradingQuestion[] }> | null;
  scoringStarted: boolean;
  correctorIds: readonly string[];
  /** Run ids already applied, so a retried dispatch writes nothing. */
  dispatchRuns: readonly string[];
  assignments: readonly Assignment[];
  headerRegion: HeaderRegion;
  published: boolean;
  archived: boolean;
  /** For AI-suggested scores; empty when none. */
  answerKey: string;
}>;

export const initialState = (): ExamState => ({
  created: false,
  examId: '',
  title: '',
  classNames: [],
  scale: null,
  scoringStarted: false,
  correctorIds: [],
  dispatchRuns: [],
  assignments: [],
  headerRegion: DEFAULT_HEADER_REGION,
  published: false,
  archived: false,
  answerKey: '',
});

export const evolve = (exam: ExamState, event: ExamEvent): ExamState => {
  switch (event.type) {
    case 'ExamCreated':
      return { ...exam, created: true, examId: event.data.examId, title: event.data.title, classNames: event.data.classNames };
    case 'GradingScaleDefined':
      return { ...exam, scale: { version: event.data.version, questions: event.data.questions } };
    case 'ScoringStarted':
      return { ...exam, scoringStarted: true };
    case 'CorrectorsAssigned':
      return { ...exam, correctorIds: event.data.correctorIds };
    case 'CopiesDispatched':
      return { ...exam, dispatchRuns: [...exam.dispatchRuns, event.data.runId], assignments: event.data.assignments };
    case 'HeaderRegionDefined':
      return { ...exam, headerRegion: event.data.region };
    case 'ResultsPublished':
      return { ...exam, published: true };
    case 'ResultsWithdrawn':
      return { ...exam, published: false };
    case 'ExamArchived':
      return { ...exam, archived: true };
    case 'AnswerKeyDefined':
      return { ...exam, answerKey: event.data.text };
  }
};
