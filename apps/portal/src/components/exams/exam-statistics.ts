/**
 * Figures of an exam's finalised copies, computed in the portal from what the admin's queries return
 * (copies with their totals; each copy's scores). Totals are brought to /20 and binned like the
 * API's own statistics (apps/api/src/copies/score-statistics.ts): 20 one-point bins, 20 in the last.
 */
export interface Summary {
  readonly count: number;
  readonly mean: number | null;
  readonly median: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly standardDeviation: number | null;
}

export const on20 = (total: number, max: number | null | undefined): number | null => (max && max > 0 ? (total / max) * 20 : null);

export const histogram = (values: readonly number[], bins = 20, top = 20): number[] => {
  const counts = new Array<number>(bins).fill(0);
  for (const value of values) {
    const index = Math.min(bins - 1, Math.max(0, Math.floor((value / top) * bins)));
    counts[index]! += 1;
  }
  return counts;
};

export const summarise = (values: readonly number[]): Summary => {
  if (values.length === 0) return { count: 0, mean: null, median: null, min: null, max: null, standardDeviation: null };
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  const variance = sorted.reduce((sum, value) => sum + (value - mean) ** 2, 0) / sorted.length;
  return { count: sorted.length, mean, median, min: sorted[0]!, max: sorted[sorted.length - 1]!, standardDeviation: Math.sqrt(variance) };
};

export interface QuestionAverage {
  readonly questionId: string;
  readonly label: string;
  readonly maxPoints: number;
  /** Null when no copy has a score for it. */
  readonly average: number | null;
  readonly scored: number;
}

/** The average of each scored question over the copies that have a score for it. */
export const questionAverages = (
  questions: readonly { questionId: string; label: string; maxPoints: number }[],
  copies: readonly (readonly { questionId: string; points: number }[])[],
): QuestionAverage[] =>
  questions.map((question) => {
    const points = copies.flatMap((scores) =>
      scores.filter((score) => score.questionId === question.questionId).map((score) => score.points),
    );
    return {
      questionId: question.questionId,
      label: question.label,
      maxPoints: question.maxPoints,
      average: points.length ? points.reduce((sum, value) => sum + value, 0) / points.length : null,
      scored: points.length,
    };
  });
