import { DomainError } from '../shared/domain-error.js';
import { buildGradingScale, leafQuestions, scaleTotal, type GradingQuestionInput } from './grading-scale.js';

describe('a grading scale', () => {
  it('makes each parent worth the sum of its children, with their finest step', () => {
    const scale = buildGradingScale([
      {
        questionId: 'ex1',
        label: 'Exercice 1 — Suites',
        children: [
          { questionId: 'ex1-a', label: 'a)', maxPoints: 2, step: 0.5 },
          { questionId: 'ex1-b', label: 'b)', maxPoints: 3.25, step: 0.25 },
        ],
      },
      { questionId: 'ex2', label: 'Exercice 2', maxPoints: 4, step: 1 },
    ]);
    expect(scale[0]).toMatchObject({ questionId: 'ex1', maxPoints: 5.25, step: 0.25 });
    expect(scaleTotal(scale)).toBe(9.25);
    expect(leafQuestions(scale).map((question) => question.questionId)).toEqual(['ex1-a', 'ex1-b', 'ex2']);
  });

  it('accepts three levels of nesting', () => {
    const scale = buildGradingScale([nest(3)]);
    expect(leafQuestions(scale)).toHaveLength(1);
  });

  it('accepts a parent total given by the admin when it matches', () => {
    expect(() => buildGradingScale([{ ...parent(), maxPoints: 3 }])).not.toThrow();
  });

  it.each<[string, GradingQuestionInput[], RegExp]>([
    ['no question at all', [], /at least one question/],
    ['a fourth level of nesting', [nest(4)], /at most 3 levels/],
    ['the same id twice', [q('q1'), { ...parent(), children: [q('q1')] }], /used twice/],
    ['an empty label', [{ ...q('q1'), label: '  ' }], /label/],
    ['a label over 200 characters', [{ ...q('q1'), label: 'x'.repeat(201) }], /label/],
    ['an empty id', [q(' ')], /id/],
    ['zero points', [{ ...q('q1'), maxPoints: 0 }], /more than 0/],
    ['more than 100 points', [{ ...q('q1'), maxPoints: 100.5, step: 0.5 }], /at most 100/],
    ['a leaf without points', [{ questionId: 'q1', label: 'Q1', step: 1 }], /more than 0/],
    ['a step of 0.1', [{ ...q('q1'), step: 0.1 }], /step/],
    ['a maximum off its step', [{ ...q('q1'), maxPoints: 2.5, step: 1 }], /not a multiple of the step/],
    ['a parent without children', [{ ...parent(), children: [] }], /at least one/],
    ['a parent total that does not add up', [{ ...parent(), maxPoints: 4 }], /sum of its sub-questions \(3\)/],
  ])('refuses %s', (_, questions, message) => {
    let error: unknown;
    try {
      buildGradingScale(questions);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(message) });
  });
});

function q(questionId: string): GradingQuestionInput {
  return { questionId, label: questionId.toUpperCase(), maxPoints: 1, step: 0.5 };
}
function parent(): GradingQuestionInput {
  return { questionId: 'p', label: 'Partie A', children: [{ ...q('p1'), maxPoints: 2 }, q('p2')] };
}
function nest(depth: number): GradingQuestionInput {
  return depth === 1 ? q(`level${depth}`) : { questionId: `level${depth}`, label: `Niveau ${depth}`, children: [nest(depth - 1)] };
}
