import { buildGradingScale } from './grading-scale.js';
import { previewScaleChange } from './scale-preview.js';

describe('previewing a grading scale change', () => {
  const before = buildGradingScale([
    { questionId: 'q1', label: 'Q1', maxPoints: 4, step: 0.25 },
    { questionId: 'q2', label: 'Q2', maxPoints: 3, step: 0.5 },
    { questionId: 'q3', label: 'Q3', maxPoints: 2, step: 1 },
  ]);
  const after = buildGradingScale([
    { questionId: 'q1', label: 'Q1', maxPoints: 4, step: 0.5 },
    { questionId: 'q2', label: 'Q2 (revu)', maxPoints: 2, step: 0.5 },
    { questionId: 'q4', label: 'Q4', maxPoints: 1, step: 1 },
  ]);

  it('lists dropped, clamped and off-step scores, and the copies they touch', () => {
    const preview = previewScaleChange(before, after, [
      { copyId: 'c1', questionId: 'q1', points: 3.5 },
      { copyId: 'c1', questionId: 'q3', points: 2 },
      { copyId: 'c2', questionId: 'q2', points: 2.5 },
      { copyId: 'c2', questionId: 'q2', points: 2 },
      { copyId: 'c3', questionId: 'q1', points: 2.75 },
      { copyId: 'c4', questionId: 'q1', points: 4 },
    ]);
    expect(preview).toEqual({
      copiesTouched: ['c1', 'c2', 'c3'],
      scoresDropped: [{ copyId: 'c1', questionId: 'q3', points: 2 }],
      scoresClamped: [{ copyId: 'c2', questionId: 'q2', points: 2.5, newMaxPoints: 2 }],
      scoresOffStep: [{ copyId: 'c3', questionId: 'q1', points: 2.75, newStep: 0.5 }],
      questionsAdded: ['q4'],
      questionsRemoved: ['q3'],
    });
  });

  it('drops the scores of a question split into sub-questions', () => {
    const split = buildGradingScale([
      { questionId: 'q1', label: 'Q1', children: [{ questionId: 'q1a', label: 'a', maxPoints: 4, step: 0.25 }] },
      ...before.slice(1),
    ]);
    const preview = previewScaleChange(before, split, [{ copyId: 'c1', questionId: 'q1', points: 1 }]);
    expect(preview.scoresDropped).toEqual([{ copyId: 'c1', questionId: 'q1', points: 1 }]);
    expect(preview.questionsAdded).toEqual(['q1a']);
  });

  it('touches nothing when only labels change', () => {
    const relabelled = before.map((question) => ({ ...question, label: `${question.label} bis` }));
    const preview = previewScaleChange(before, relabelled, [{ copyId: 'c1', questionId: 'q2', points: 3 }]);
    expect(preview.copiesTouched).toEqual([]);
    expect(preview.scoresDropped).toEqual([]);
  });
});
