import { describe, expect, it } from 'vitest';
import { histogram, on20, questionAverages, summarise } from './exam-statistics';

describe('an exam’s statistics', () => {
  it('brings totals to /20 on each copy’s own maximum', () => {
    expect(on20(15, 30)).toBe(10);
    expect(on20(15, null)).toBeNull();
  });

  it('bins marks by whole points, 20 in the last bin', () => {
    const bins = histogram([0, 0.99, 1, 10.5, 19.99, 20]);
    expect(bins).toHaveLength(20);
    expect(bins[0]).toBe(2);
    expect(bins[1]).toBe(1);
    expect(bins[10]).toBe(1);
    expect(bins[19]).toBe(2);
  });

  it('gives mean, median, range and population standard deviation', () => {
    expect(summarise([8, 12, 10, 14])).toEqual({ count: 4, mean: 11, median: 11, min: 8, max: 14, standardDeviation: Math.sqrt(5) });
    expect(summarise([]).mean).toBeNull();
  });

  it('averages each question over the copies scored on it', () => {
    const questions = [
      { questionId: 'q1', label: '1', maxPoints: 4 },
      { questionId: 'q2', label: '2', maxPoints: 6 },
    ];
    const copies = [
      [
        { questionId: 'q1', points: 4 },
        { questionId: 'q2', points: 3 },
      ],
      [{ questionId: 'q1', points: 1 }],
    ];
    expect(questionAverages(questions, copies).map((q) => [q.average, q.scored])).toEqual([
      [2.5, 2],
      [3, 1],
    ]);
  });
});
