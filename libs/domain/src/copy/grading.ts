import { validation } from '../shared/domain-error.js';

/**
 * The grading scale lives in the exam stream. A copy's decider never reads another stream, so the
 * handler passes the scale it decided against; its version is recorded with every score and the
 * final total, which says which scale a number was read on.
 */
export type ScaleQuestion = Readonly<{ questionId: string; maxPoints: number; step: number }>;
export type GradingScaleSnapshot = Readonly<{ version: number; questions: readonly ScaleQuestion[] }>;

/** Refuses a malformed snapshot: that is a bug upstream, and a score read on it would be wrong. */
export const checkScale = (scale: GradingScaleSnapshot): void => {
  if (!Number.isInteger(scale.version) || scale.version < 1) throw validation('invalid grading scale: version', { field: 'scale' });
  if (scale.questions.length === 0) throw validation('invalid grading scale: no questions', { field: 'scale' });
  const seen = new Set<string>();
  for (const { questionId, maxPoints, step } of scale.questions) {
    if (questionId === '' || seen.has(questionId)) throw validation(`invalid grading scale: question id ${questionId}`, { field: 'scale' });
    if (!Number.isFinite(maxPoints) || maxPoints < 0 || !Number.isFinite(step) || step <= 0) {
      throw validation(`invalid grading scale: maximum or step of ${questionId}`, { field: 'scale' });
    }
    seen.add(questionId);
  }
};

export const questionOf = (scale: GradingScaleSnapshot, questionId: string): ScaleQuestion => {
  const question = scale.questions.find((q) => q.questionId === questionId);
  if (!question) throw validation(`unknown question ${questionId} in grading scale v${scale.version}`, { field: 'questionId', questionId });
  return question;
};

/**
 * The one canonical score for a question: `points` clamped to [0, maxPoints], then rounded to the
 * nearest allowed value, halves going up. Allowed values are the multiples of the step, plus the
 * maximum itself so full marks stay reachable when it is off the step:
 *   step 0.5, max 4: 1.24 → 1, 1.25 → 1.5        step 2, max 5: 4.4 → 4, 4.5 → 5
 * The epsilon absorbs binary fractions (0.35 - 0.3 < 0.4 - 0.35 in floating point); tidy drops 0.30000000000000004.
 */
export const scorePoints = (points: number, { maxPoints, step }: ScaleQuestion): number => {
  const clamped = Math.min(maxPoints, Math.max(0, points));
  const lower = tidy(Math.floor(clamped / step) * step);
  const upper = Math.min(maxPoints, tidy(lower + step));
  return clamped - lower + 1e-9 >= upper - clamped ? upper : lower;
};

/** Sums without floating-point dust (0.1 + 0.2 is 0.3 on a report card). */
export const sumPoints = (values: readonly number[]): number => tidy(values.reduce((sum, value) => sum + value, 0));

const tidy = (value: number): number => Number(value.toFixed(6)) + 0; // + 0 turns -0 into 0
