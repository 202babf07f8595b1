import { validation } from '../shared/domain-error.js';

/**
 * A grading scale is a tree of questions. Only leaves are scored; a parent (exercise, part) is worth the
 * sum of its children. Question ids are made by the client and stay stable across versions, so scores
 * keep pointing at the right question when a label is fixed or a question is added.
 */
export const SCORE_STEPS = [0.25, 0.5, 1] as const;
export type ScoreStep = (typeof SCORE_STEPS)[number];
export const MAX_DEPTH = 3;
export const LEAF_MAX_POINTS = 100;
const LABEL_MAX = 200;
const ID_MAX = 64;

export type GradingQuestion = {
  questionId: string;
  label: string;
  /** A leaf's own maximum; a parent's is the sum of its children. */
  maxPoints: number;
  /** A leaf's score step; a parent carries its finest child step, which its totals are always multiples of. */
  step: ScoreStep;
  children?: GradingQuestion[];
};

/** What the admin sends: a parent's maxPoints and step may be left out (they are computed). */
export type GradingQuestionInput = {
  questionId: string;
  label: string;
  maxPoints?: number;
  step?: number;
  children?: GradingQuestionInput[];
};

/** Checks a scale and returns it with parents' totals filled in; throws VALIDATION naming the question. */
export const buildGradingScale = (input: readonly GradingQuestionInput[]): GradingQuestion[] => {
  if (input.length === 0) throw validation('a grading scale needs at least one question');
  const ids = new Set<string>();
  const build = (question: GradingQuestionInput, depth: number): GradingQuestion => {
    const questionId = question.questionId.trim();
    if (questionId === '' || questionId.length > ID_MAX) throw validation(`a question id must have 1 to ${ID_MAX} characters`);
    if (ids.has(questionId)) throw validation(`the question id ${questionId} is used twice`, { questionId });
    ids.add(questionId);
    const label = question.label.trim().replace(/\s+/g, ' ');
    if (label === '' || [...label].length > LABEL_MAX)
      throw validation(`a question label must have 1 to ${LABEL_MAX} characters`, { questionId });
    if (depth > MAX_DEPTH) throw validation(`questions nest at most ${MAX_DEPTH} levels deep`, { questionId });

    if (question.children === undefined) return leaf(questionId, label, question);
    if (question.children.length === 0) throw validation('a question with sub-questions needs at least one', { questionId });
    const children = question.children.map((child) => build(child, depth + 1));
    const maxPoints = children.reduce((sum, child) => sum + child.maxPoints, 0);
    if (question.maxPoints !== undefined && !same(question.maxPoints, maxPoints)) {
      throw validation(`${label} is worth the sum of its sub-questions (${maxPoints}), not ${question.maxPoints}`, { questionId });
    }
    const step = Math.min(...children.map((child) => child.step)) as ScoreStep;
    return { questionId, label, maxPoints, step, children };
  };
  return input.map((question) => build(question, 1));
};

const leaf = (questionId: string, label: string, question: GradingQuestionInput): GradingQuestion => {
  const { maxPoints, step } = question;
  if (!SCORE_STEPS.includes(step as ScoreStep))
    throw validation(`the step of ${label} must be one of ${SCORE_STEPS.join(', ')}`, { questionId });
  if (maxPoints === undefined || !Number.isFinite(maxPoints) || maxPoints <= 0 || maxPoints > LEAF_MAX_POINTS) {
    throw validation(`${label} must be worth more than 0 and at most ${LEAF_MAX_POINTS} points`, { questionId });
  }
  // Otherwise the maximum could never be awarded.
  if (!same(maxPoints / (step as number), Math.round(maxPoints / (step as number)))) {
    throw validation(`${label}: ${maxPoints} points is not a multiple of the step ${step}`, { questionId });
  }
  return { questionId, label, maxPoints, step: step as ScoreStep };
};

const same = (a: number, b: number): boolean => Math.abs(a - b) < 1e-9;

/** The scored questions, in reading order. */
export const leafQuestions = (scale: readonly GradingQuestion[]): GradingQuestion[] =>
  scale.flatMap((question) => (question.children ? leafQuestions(question.children) : [question]));

export const scaleTotal = (scale: readonly GradingQuestion[]): number => scale.reduce((sum, question) => sum + question.maxPoints, 0);

/** Built scales have a fixed key order, so their JSON compares them exactly. */
export const sameScale = (a: readonly GradingQuestion[], b: readonly GradingQuestion[]): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The flat view a copy's decider scores against: the leaves with their maximum and step, and the version
 * each score and total is recorded with.
 */
export const gradingScaleSnapshot = (scale: Readonly<{ version: number; questions: readonly GradingQuestion[] }>) => ({
  version: scale.version,
  questions: leafQuestions(scale.questions).map(({ questionId, maxPoints, step }) => ({ questionId, maxPoints, step })),
});
