import { leafQuestions, type GradingQuestion } from './grading-scale.js';

/**
 * What a scale change would do to scores already given, shown to the admin before they confirm it.
 * Pure: the handler passes the exam's scores from the read model.
 */
export type RecordedScore = { copyId: string; questionId: string; points: number };

export type ScaleChangePreview = {
  /** Copies with at least one score dropped, clamped or off the new step: their correctors must look again. */
  copiesTouched: string[];
  /** Scores on questions that are no longer scored: removed, or split into sub-questions. */
  scoresDropped: RecordedScore[];
  /** Scores above a lowered maximum; they will count as the new maximum. */
  scoresClamped: (RecordedScore & { newMaxPoints: number })[];
  /** Scores that fall between the new, coarser steps (2.75 when the step becomes 0.5). */
  scoresOffStep: (RecordedScore & { newStep: number })[];
  /** Newly scored questions: every copy, finalised ones included, will miss a score for them. */
  questionsAdded: string[];
  questionsRemoved: string[];
};

export const previewScaleChange = (
  oldScale: readonly GradingQuestion[],
  newScale: readonly GradingQuestion[],
  scores: readonly RecordedScore[],
): ScaleChangePreview => {
  const oldLeaves = new Map(leafQuestions(oldScale).map((question) => [question.questionId, question]));
  const newLeaves = new Map(leafQuestions(newScale).map((question) => [question.questionId, question]));
  const preview: ScaleChangePreview = {
    copiesTouched: [],
    scoresDropped: [],
    scoresClamped: [],
    scoresOffStep: [],
    questionsAdded: [...newLeaves.keys()].filter((id) => !oldLeaves.has(id)),
    questionsRemoved: [...oldLeaves.keys()].filter((id) => !newLeaves.has(id)),
  };
  const touched = new Set<string>();
  for (const score of scores) {
    const question = newLeaves.get(score.questionId);
    if (!question) preview.scoresDropped.push(score);
    else if (score.points > question.maxPoints) preview.scoresClamped.push({ ...score, newMaxPoints: question.maxPoints });
    else if (!onStep(score.points, question.step)) preview.scoresOffStep.push({ ...score, newStep: question.step });
    else continue;
    touched.add(score.copyId);
  }
  preview.copiesTouched = [...touched].sort();
  return preview;
};

const onStep = (points: number, step: number): boolean => Math.abs(points / step - Math.round(points / step)) < 1e-9;
