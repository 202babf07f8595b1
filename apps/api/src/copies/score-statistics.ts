import type { ScoreStatisticsModel } from './models/lot-statistics.models.js';

export interface CopyTotal {
  readonly finalised: boolean;
  readonly total: number;
  readonly max: number | null;
}

const BINS = 20;
const round = (value: number): number => Math.round(value * 100) / 100;

/**
 * Mean, median, population standard deviation and a 20-bin histogram of the finalised totals,
 * each brought to /20 (a copy's total over its own maximum, so two scale versions compare).
 */
export const scoreStatistics = (copies: readonly CopyTotal[]): ScoreStatisticsModel => {
  const on20 = copies.filter((copy) => copy.finalised && copy.max !== null && copy.max > 0).map((copy) => (copy.total / copy.max!) * 20);
  const histogram = new Array<number>(BINS).fill(0);
  for (const mark of on20) histogram[Math.min(BINS - 1, Math.max(0, Math.floor(mark)))]! += 1;
  if (on20.length === 0) {
    return { copies: copies.length, finalised: 0, mean: null, median: null, standardDeviation: null, min: null, max: null, histogram };
  }
  const sorted = [...on20].sort((a, b) => a - b);
  const mean = on20.reduce((sum, mark) => sum + mark, 0) / on20.length;
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  const variance = on20.reduce((sum, mark) => sum + (mark - mean) ** 2, 0) / on20.length;
  return {
    copies: copies.length,
    finalised: on20.length,
    mean: round(mean),
    median: round(median),
    standardDeviation: round(Math.sqrt(variance)),
    min: round(sorted[0]!),
    max: round(sorted[sorted.length - 1]!),
    histogram,
  };
};
