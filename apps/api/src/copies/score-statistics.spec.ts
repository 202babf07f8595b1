import { scoreStatistics } from './score-statistics.js';

const finalised = (total: number, max = 20) => ({ finalised: true, total, max });

describe('score statistics of a set of copies', () => {
  it('count finalised copies only, on /20', () => {
    const stats = scoreStatistics([finalised(5, 10), finalised(15), { finalised: false, total: 3, max: null }]);
    expect(stats).toMatchObject({ copies: 3, finalised: 2, mean: 12.5, median: 12.5, standardDeviation: 2.5, min: 10, max: 15 });
  });

  it('take the middle mark as the median of an odd count', () => {
    expect(scoreStatistics([finalised(2), finalised(19), finalised(7)]).median).toBe(7);
  });

  it('put a 20 in the last bin and a 0 in the first', () => {
    const { histogram } = scoreStatistics([finalised(20), finalised(0), finalised(9.99), finalised(10)]);
    expect(histogram).toHaveLength(20);
    expect([histogram[0], histogram[9], histogram[10], histogram[19]]).toEqual([1, 1, 1, 1]);
  });

  it('have no figures without a finalised copy', () => {
    expect(scoreStatistics([{ finalised: false, total: 4, max: null }])).toMatchObject({
      copies: 1,
      finalised: 0,
      mean: null,
      median: null,
    });
  });
});
