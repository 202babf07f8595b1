import { describe, expect, it } from 'vitest';
import {
  type EditableQuestion,
  type Scale,
  add,
  fromScale,
  indent,
  move,
  numbering,
  outdent,
  problems,
  relocate,
  remove,
  toInput,
  total,
  update,
  worth,
} from './scale-tree';

describe('a grading scale’s totals', () => {
  it('makes a parent worth the sum of its sub-questions, and the scale the sum of its questions', () => {
    const scale = exercise();
    expect(worth(scale[0]!)).toBe(6);
    expect(total(scale)).toBe(10);
  });

  it('follows a change of points at once', () => {
    expect(total(update(exercise(), [0, 1], { maxPoints: 5.5 }))).toBe(11.5);
  });

  it('counts an empty points field as nothing (and reports it)', () => {
    const scale = update(exercise(), [1], { maxPoints: null });
    expect(total(scale)).toBe(6);
    expect(problems(scale).get('q2')).toBe('maxInvalid');
  });
});

describe('reordering questions', () => {
  it('moves a question up among its siblings and keeps its id', () => {
    const { scale, path } = move(exercise(), [0, 1], -1);
    expect(labels(scale[0]!.children)).toEqual(['1b', '1a']);
    expect(path).toEqual([0, 0]);
    expect(scale[0]!.children[0]!.questionId).toBe('q1b');
  });

  it('does not move the first question further up', () => {
    const before = exercise();
    expect(move(before, [0], -1).scale).toBe(before);
  });

  it('drops a question before another one at another level', () => {
    const { scale, path } = relocate(exercise(), [1], [0, 0], 'before');
    expect(labels(scale)).toEqual(['Exercice 1']);
    expect(labels(scale[0]!.children)).toEqual(['Exercice 2', '1a', '1b']);
    expect(path).toEqual([0, 0]);
  });

  it('nests a question inside another, which becomes a parent worth its sub-questions', () => {
    const { scale } = relocate(exercise(), [1], [0, 1], 'inside');
    expect(scale[0]!.children[1]!.children.map((q) => q.questionId)).toEqual(['q2']);
    // 1b's own 4 points give way to its new sub-question's 4: 2 + 4.
    expect(worth(scale[0]!)).toBe(6);
    expect(total(scale)).toBe(6);
  });

  it('refuses to drop a question into its own sub-questions', () => {
    const before = exercise();
    expect(relocate(before, [0], [0, 1], 'inside').scale).toBe(before);
  });

  it('refuses a fourth level', () => {
    const deep = add(add(exercise(), [0, 0], leaf('q1a1', '1a-i', 1)), null, leaf('q3', '3', 1));
    const before = relocate(deep, [2], [0, 0, 0], 'inside');
    expect(before.scale).toBe(deep);
  });

  it('nests under the previous question with indent, and takes it out again with outdent', () => {
    const nested = indent(exercise(), [1]);
    expect(nested.path).toEqual([0, 2]);
    expect(labels(nested.scale[0]!.children)).toEqual(['1a', '1b', 'Exercice 2']);
    const back = outdent(nested.scale, nested.path);
    expect(labels(back.scale)).toEqual(['Exercice 1', 'Exercice 2']);
    expect(back.path).toEqual([1]);
  });

  it('turns a parent whose last sub-question is removed back into a question worth those points', () => {
    const single = remove(exercise(), [0, 1]);
    const leafAgain = remove(single, [0, 0]);
    expect(leafAgain[0]!.children).toEqual([]);
    expect(leafAgain[0]!.maxPoints).toBe(2);
  });

  it('numbers questions by their place', () => {
    expect(numbering([1, 0, 2])).toBe('2.1.3');
  });
});

describe('checking a scale before saving', () => {
  it('accepts a well-formed scale', () => {
    expect(problems(exercise()).size).toBe(0);
  });

  it('names the question with a missing label, points off the step, or none at all', () => {
    let scale = update(exercise(), [0, 0], { label: '  ' });
    scale = update(scale, [1], { maxPoints: 1.3 });
    expect(problems(scale)).toEqual(
      new Map([
        ['q1a', 'labelMissing'],
        ['q2', 'notMultipleOfStep'],
      ]),
    );
    expect(problems([]).get('')).toBe('empty');
  });

  it('sends leaves with their points and step, and parents with their sub-questions only', () => {
    expect(toInput(exercise())).toEqual([
      {
        questionId: 'q1',
        label: 'Exercice 1',
        children: [
          { questionId: 'q1a', label: '1a', maxPoints: 2, step: 0.5 },
          { questionId: 'q1b', label: '1b', maxPoints: 4, step: 0.5 },
        ],
      },
      { questionId: 'q2', label: 'Exercice 2', maxPoints: 4, step: 1 },
    ]);
  });

  it('reads the API’s tree back into the same scale', () => {
    const api = [
      {
        questionId: 'q1',
        label: 'Exercice 1',
        maxPoints: 6,
        step: 0.5,
        children: [{ questionId: 'q1a', label: '1a', maxPoints: 6, step: 0.5, children: null }],
      },
    ];
    expect(toInput(fromScale(api))).toEqual([
      { questionId: 'q1', label: 'Exercice 1', children: [{ questionId: 'q1a', label: '1a', maxPoints: 6, step: 0.5 }] },
    ]);
  });
});

const labels = (scale: Scale): string[] => scale.map((question) => question.label);

function leaf(questionId: string, label: string, maxPoints: number, step: 0.25 | 0.5 | 1 = 0.5): EditableQuestion {
  return { questionId, label, maxPoints, step, children: [] };
}

function exercise(): Scale {
  return [
    { questionId: 'q1', label: 'Exercice 1', maxPoints: null, step: 0.5, children: [leaf('q1a', '1a', 2), leaf('q1b', '1b', 4)] },
    leaf('q2', 'Exercice 2', 4, 1),
  ];
}
