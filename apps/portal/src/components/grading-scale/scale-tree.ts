import type { GradingQuestionInput } from '@/graphql/generated';

/**
 * The grading scale as the editor holds it: a tree of questions where only leaves carry points and
 * a parent is worth the sum of its children (libs/domain/src/exam/grading-scale.ts has the same rules,
 * checked again by the API). Every operation returns a new tree; a question is found by its path
 * (indices from the root), and keeps its id wherever it moves, so scores keep pointing at it.
 */
export const STEPS = [0.25, 0.5, 1] as const;
export type Step = (typeof STEPS)[number];
export const MAX_DEPTH = 3;
export const LEAF_MAX_POINTS = 100;
export const LABEL_MAX = 200;

export interface EditableQuestion {
  readonly questionId: string;
  readonly label: string;
  /** A leaf's points (null while the field is empty); ignored on a parent. */
  readonly maxPoints: number | null;
  readonly step: Step;
  readonly children: readonly EditableQuestion[];
}
export type Scale = readonly EditableQuestion[];
export type Path = readonly number[];

/** The scale tree as the API returns it (up to three levels). */
export interface ScaleNode {
  readonly questionId: string;
  readonly label: string;
  readonly maxPoints: number;
  readonly step: number;
  readonly children?: readonly ScaleNode[] | null;
}

const asStep = (step: number): Step => (STEPS.includes(step as Step) ? (step as Step) : 1);

/** Random enough to never collide within an exam, and available on plain http (randomUUID is not). */
export const newQuestionId = (): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return `q-${[...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
};

export const newQuestion = (label = '', maxPoints: number | null = 1): EditableQuestion => ({
  questionId: newQuestionId(),
  label,
  maxPoints,
  step: 0.5,
  children: [],
});

export const fromScale = (scale: readonly ScaleNode[]): Scale =>
  scale.map((node) => ({
    questionId: node.questionId,
    label: node.label,
    maxPoints: node.children?.length ? null : node.maxPoints,
    step: asStep(node.step),
    children: node.children?.length ? fromScale(node.children) : [],
  }));

export const toInput = (scale: Scale): GradingQuestionInput[] =>
  scale.map((question) =>
    question.children.length
      ? { questionId: question.questionId, label: question.label.trim(), children: toInput(question.children) }
      : { questionId: question.questionId, label: question.label.trim(), maxPoints: question.maxPoints, step: question.step },
  );

export const isLeaf = (question: EditableQuestion): boolean => question.children.length === 0;

/** A question's worth: its own points for a leaf, the sum of its children for a parent. */
export const worth = (question: EditableQuestion): number =>
  isLeaf(question) ? (question.maxPoints ?? 0) : question.children.reduce((sum, child) => sum + worth(child), 0);

export const total = (scale: Scale): number => scale.reduce((sum, question) => sum + worth(question), 0);

/** Levels below and including this question (a leaf is 1). */
export const height = (question: EditableQuestion): number => 1 + Math.max(0, ...question.children.map(height));

export const at = (scale: Scale, path: Path): EditableQuestion | undefined => {
  let level: Scale = scale;
  let found: EditableQuestion | undefined;
  for (const index of path) {
    found = level[index];
    if (!found) return undefined;
    level = found.children;
  }
  return found;
};

/** Replaces the sibling list that holds `parentPath`'s children (the root for []). */
const withChildren = (scale: Scale, parentPath: Path, change: (siblings: EditableQuestion[]) => EditableQuestion[]): Scale => {
  if (parentPath.length === 0) return change([...scale]);
  const [head, ...rest] = parentPath;
  return scale.map((question, index) =>
    index === head ? { ...question, children: withChildren(question.children, rest, change) } : question,
  );
};

const parentOf = (path: Path): Path => path.slice(0, -1);
const last = (path: Path): number => path[path.length - 1]!;

export const update = (scale: Scale, path: Path, patch: Partial<Pick<EditableQuestion, 'label' | 'maxPoints' | 'step'>>): Scale =>
  withChildren(scale, parentOf(path), (siblings) =>
    siblings.map((question, index) => (index === last(path) ? { ...question, ...patch } : question)),
  );

/** Adds a question at the end of the root, or as the last sub-question of `parentPath`. */
export const add = (scale: Scale, parentPath: Path | null, question: EditableQuestion = newQuestion()): Scale => {
  if (parentPath === null) return [...scale, question];
  if (parentPath.length >= MAX_DEPTH) return scale;
  return withChildren(scale, parentOf(parentPath), (siblings) =>
    siblings.map((parent, index) => (index === last(parentPath) ? { ...parent, children: [...parent.children, question] } : parent)),
  );
};

/** Removes a question; a parent left without sub-questions becomes a leaf worth what it was worth. */
export const remove = (scale: Scale, path: Path): Scale => {
  const parentPath = parentOf(path);
  const parent = at(scale, parentPath);
  const removed = withChildren(scale, parentPath, (siblings) => siblings.filter((_, index) => index !== last(path)));
  if (parent && parent.children.length === 1) return update(removed, parentPath, { maxPoints: worth(parent) || 1 });
  return removed;
};

/** Moves a question one place up (-1) or down (+1) among its siblings. Returns its new path. */
export const move = (scale: Scale, path: Path, offset: -1 | 1): { scale: Scale; path: Path } => {
  const target = last(path) + offset;
  const siblings = parentOf(path).length ? at(scale, parentOf(path))!.children : scale;
  if (target < 0 || target >= siblings.length) return { scale, path };
  const next = withChildren(scale, parentOf(path), (list) => {
    const [moved] = list.splice(last(path), 1);
    list.splice(target, 0, moved!);
    return list;
  });
  return { scale: next, path: [...parentOf(path), target] };
};

const depthAllows = (question: EditableQuestion, parentPath: Path): boolean => parentPath.length + height(question) <= MAX_DEPTH;

/**
 * Moves a question before or after another one, or inside it as its last sub-question (drag and
 * drop, and the keyboard's nest/un-nest). Refused (same tree back) into its own subtree or deeper
 * than three levels. Returns the question's new path.
 */
export const relocate = (scale: Scale, from: Path, to: Path, where: 'before' | 'after' | 'inside'): { scale: Scale; path: Path } => {
  const question = at(scale, from);
  const anchor = at(scale, to);
  const into = (path: Path): boolean => path.length >= from.length && from.every((index, i) => path[i] === index);
  if (!question || !anchor || into(to)) return { scale, path: from };
  const parentPath = where === 'inside' ? to : parentOf(to);
  if (!depthAllows(question, parentPath)) return { scale, path: from };
  // Remove first, then find the anchor again: removing may shift its indices.
  const withoutQuestion = remove(scale, from);
  const anchorPath = pathOf(withoutQuestion, anchor.questionId)!;
  if (where === 'inside') {
    const parent = at(withoutQuestion, anchorPath)!;
    return { scale: add(withoutQuestion, anchorPath, question), path: [...anchorPath, parent.children.length] };
  }
  const index = last(anchorPath) + (where === 'after' ? 1 : 0);
  const next = withChildren(withoutQuestion, parentOf(anchorPath), (siblings) => {
    siblings.splice(index, 0, question);
    return siblings;
  });
  return { scale: next, path: [...parentOf(anchorPath), index] };
};

/** Nests a question under its previous sibling. */
export const indent = (scale: Scale, path: Path): { scale: Scale; path: Path } =>
  last(path) === 0 ? { scale, path } : relocate(scale, path, [...parentOf(path), last(path) - 1], 'inside');

/** Takes a question out of its parent, right after it. */
export const outdent = (scale: Scale, path: Path): { scale: Scale; path: Path } =>
  path.length < 2 ? { scale, path } : relocate(scale, path, parentOf(path), 'after');

export const pathOf = (scale: Scale, questionId: string, prefix: Path = []): Path | undefined => {
  for (const [index, question] of scale.entries()) {
    if (question.questionId === questionId) return [...prefix, index];
    const inside = pathOf(question.children, questionId, [...prefix, index]);
    if (inside) return inside;
  }
  return undefined;
};

export type ScaleProblem = 'empty' | 'labelMissing' | 'labelTooLong' | 'maxInvalid' | 'notMultipleOfStep' | 'tooDeep';

/** What the API would refuse, question by question (questionId → problem; '' for the whole scale). */
export const problems = (scale: Scale): Map<string, ScaleProblem> => {
  const found = new Map<string, ScaleProblem>();
  if (scale.length === 0) found.set('', 'empty');
  const visit = (question: EditableQuestion, depth: number): void => {
    const label = question.label.trim();
    if (label === '') found.set(question.questionId, 'labelMissing');
    else if ([...label].length > LABEL_MAX) found.set(question.questionId, 'labelTooLong');
    else if (depth > MAX_DEPTH) found.set(question.questionId, 'tooDeep');
    else if (isLeaf(question)) {
      const max = question.maxPoints;
      if (max === null || !Number.isFinite(max) || max <= 0 || max > LEAF_MAX_POINTS) found.set(question.questionId, 'maxInvalid');
      else if (Math.abs(max / question.step - Math.round(max / question.step)) > 1e-9) found.set(question.questionId, 'notMultipleOfStep');
    }
    question.children.forEach((child) => visit(child, depth + 1));
  };
  scale.forEach((question) => visit(question, 1));
  return found;
};

/** "1", "1.2", "1.2.3": the number shown before a question's label. */
export const numbering = (path: Path): string => path.map((index) => index + 1).join('.');

/** The scored questions in reading order, with their numbering (statistics, audit). */
export const leaves = (
  scale: readonly ScaleNode[],
  prefix: Path = [],
): { questionId: string; label: string; maxPoints: number; number: string }[] =>
  scale.flatMap((node, index) =>
    node.children?.length
      ? leaves(node.children, [...prefix, index])
      : [{ questionId: node.questionId, label: node.label, maxPoints: node.maxPoints, number: numbering([...prefix, index]) }],
  );
