import { scorePoints, sumPoints, type GradingQuestion, type ScaleQuestion } from './copy-domain.js';

/**
 * What the corrector typed in a score box, read the way the server will record it: the domain's own
 * scorePoints clamps to [0, max] and rounds to the step, so the number shown is the number saved.
 */
export type ScoreEntry =
  | Readonly<{ kind: 'empty' }>
  | Readonly<{ kind: 'invalid'; text: string }>
  | Readonly<{ kind: 'score'; typed: number; points: number; reason: 'exact' | 'clampedMax' | 'clampedMin' | 'rounded' }>;

/** "12,5", "12.5", " 3 ", ",75", "-1": a French keyboard types a comma, a numeric pad a dot. */
const NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/;

export const readScore = (text: string, question: ScaleQuestion): ScoreEntry => {
  const trimmed = text.trim().replace(/\s+/g, '');
  if (trimmed === '') return { kind: 'empty' };
  if (!NUMBER.test(trimmed)) return { kind: 'invalid', text: text.trim() };
  const typed = Number(trimmed.replace(',', '.'));
  const points = scorePoints(typed, question);
  if (typed > question.maxPoints) return { kind: 'score', typed, points, reason: 'clampedMax' };
  if (typed < 0) return { kind: 'score', typed, points, reason: 'clampedMin' };
  return { kind: 'score', typed, points, reason: points === typed ? 'exact' : 'rounded' };
};

/** Scored points of a question: a leaf's score, or the sum of its scored descendants. */
export const pointsOf = (question: GradingQuestion, scores: Readonly<Record<string, number>>): number | undefined => {
  if (!question.children) return scores[question.questionId];
  const scored = question.children.map((child) => pointsOf(child, scores)).filter((points): points is number => points !== undefined);
  return scored.length === 0 ? undefined : sumPoints(scored);
};

/** A total brought to /20 the way exports do it (DESIGN §10): half-up to two places. */
export const on20 = (total: number, max: number): number => {
  if (max <= 0) return 0;
  const hundredths = Number(((total / max) * 2000).toFixed(6));
  return Math.floor(hundredths + 0.5) / 100;
};
