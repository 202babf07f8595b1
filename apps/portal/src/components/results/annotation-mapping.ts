import type { Annotation, AnnotationPoint } from '@/components/copy/copy-domain';
import type { AnnotationInput, AnnotationKind, AnnotationViewFieldsFragment } from '@/graphql/generated';

/**
 * The API's annotations in the domain's shape, and back. GraphQL has one flat Annotation type with
 * nullable fields and upper-case kinds; the domain has one exact shape per kind, built field for
 * field in the order its parseAnnotation uses, so that an annotation read back compares equal (JSON)
 * to the one the workspace drew and a retried save is recognised as the same.
 */
const KIND_TO_API: Readonly<Record<Annotation['kind'], AnnotationKind>> = {
  pen: 'PEN',
  highlighter: 'HIGHLIGHTER',
  box: 'BOX',
  comment: 'COMMENT',
  tick: 'TICK',
  cross: 'CROSS',
};

/** What the API sends for an annotation; null when the row does not make a drawable annotation. */
export const annotationFromApi = (row: AnnotationViewFieldsFragment): Annotation | null => {
  const base = { annotationId: row.annotationId, pageId: row.pageId };
  const num = (value: number | null): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  const [x, y] = [num(row.x), num(row.y)];
  switch (row.kind) {
    case 'PEN':
    case 'HIGHLIGHTER': {
      const points = (row.points ?? []).filter((p) => p.length === 2).map((p): AnnotationPoint => [p[0]!, p[1]!]);
      if (points.length === 0 || num(row.strokeWidth) === null || !row.color) return null;
      return { ...base, kind: row.kind === 'PEN' ? 'pen' : 'highlighter', points, strokeWidth: row.strokeWidth!, color: row.color };
    }
    case 'BOX': {
      const [w, h] = [num(row.w), num(row.h)];
      return x === null || y === null || w === null || h === null ? null : { ...base, kind: 'box', x, y, w, h };
    }
    case 'COMMENT':
      return x === null || y === null || !row.text ? null : { ...base, kind: 'comment', x, y, text: row.text };
    case 'TICK':
    case 'CROSS':
      return x === null || y === null ? null : { ...base, kind: row.kind === 'TICK' ? 'tick' : 'cross', x, y };
  }
};

export const annotationsFromApi = (rows: readonly AnnotationViewFieldsFragment[]): Annotation[] =>
  rows.map(annotationFromApi).filter((annotation): annotation is Annotation => annotation !== null);

/** The mutation input: the kind in capitals and only the fields of that kind (the API refuses others). */
export const annotationToInput = (annotation: Annotation): AnnotationInput => {
  const { kind, annotationId, pageId, ...fields } = annotation;
  const input: AnnotationInput = { annotationId, pageId, kind: KIND_TO_API[kind] };
  for (const [key, value] of Object.entries(fields) as [keyof AnnotationInput, unknown][]) {
    if (value !== null && value !== undefined)
      Object.assign(input, { [key]: key === 'points' ? (value as AnnotationPoint[]).map((p) => [...p]) : value });
  }
  return input;
};
