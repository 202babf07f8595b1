import { validation } from '../shared/domain-error.js';
import { charCount } from './copy.guards.js';

/**
 * What a corrector draws on a page. Coordinates are normalised to the page (0..1 on both axes, origin
 * top-left) so an annotation lands in the same place whatever the zoom or the rendering resolution.
 * Annotations carry no score (DESIGN §4, §10): the previous system summed annotation points and
 * question scores and exported zeros; here a score is only ever a question's ScoreAwarded.
 */
export type AnnotationPoint = readonly [x: number, y: number];

type AnnotationBase<Kind extends string> = { annotationId: string; pageId: string; kind: Kind };

/** Pen and highlighter: a polyline. The stroke width is a fraction of the page width, like the points. */
export type StrokeAnnotation = AnnotationBase<'pen' | 'highlighter'> & {
  points: readonly AnnotationPoint[];
  strokeWidth: number;
  color: string;
};
export type BoxAnnotation = AnnotationBase<'box'> & { x: number; y: number; w: number; h: number };
export type CommentAnnotation = AnnotationBase<'comment'> & { x: number; y: number; text: string };
export type MarkAnnotation = AnnotationBase<'tick' | 'cross'> & { x: number; y: number };

export type Annotation = StrokeAnnotation | BoxAnnotation | CommentAnnotation | MarkAnnotation;
export type AnnotationKind = Annotation['kind'];

export const ANNOTATION_KINDS: readonly AnnotationKind[] = ['pen', 'highlighter', 'box', 'comment', 'tick', 'cross'];
export const MAX_STROKE_POINTS = 5_000;
/** 0.0005 of an A4 width is a hairline; 0.05 is a broad highlighter. */
export const MIN_STROKE_WIDTH = 0.0005;
export const MAX_STROKE_WIDTH = 0.05;
export const MAX_COMMENT_LENGTH = 2_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLOR = /^#[0-9a-f]{6}$/i;

/**
 * Checks an annotation coming from a client and rebuilds it from its known fields only, so nothing
 * unexpected (a `score`, a stray object) ever reaches an event. Ids and colours are lower-cased so a
 * retry compares equal to what was stored. Throws VALIDATION with the offending field.
 */
export const parseAnnotation = (input: unknown, pageIds: readonly string[]): Annotation => {
  const raw = asRecord(input, 'annotation');
  const kind = raw['kind'];
  if (typeof kind !== 'string' || !(ANNOTATION_KINDS as readonly string[]).includes(kind)) {
    throw validation(`unknown annotation kind: ${String(kind)}`, { field: 'kind' });
  }
  const annotationId = raw['annotationId'];
  if (typeof annotationId !== 'string' || !UUID.test(annotationId)) {
    throw validation('an annotation id must be a uuid made by the client', { field: 'annotationId' });
  }
  const pageId = raw['pageId'];
  if (typeof pageId !== 'string' || !pageIds.includes(pageId)) {
    throw validation('the annotation is not on a page of this copy', { field: 'pageId' });
  }
  const base = { annotationId: annotationId.toLowerCase(), pageId };
  switch (kind as AnnotationKind) {
    case 'pen':
    case 'highlighter':
      onlyFields(raw, ['points', 'strokeWidth', 'color']);
      return { ...base, kind: kind as 'pen' | 'highlighter', points: strokePoints(raw['points']), ...strokeStyle(raw) };
    case 'box': {
      onlyFields(raw, ['x', 'y', 'w', 'h']);
      const [x, y, w, h] = [unit(raw, 'x'), unit(raw, 'y'), unit(raw, 'w'), unit(raw, 'h')];
      // A box must have an area and stay on the page.
      if (w === 0 || h === 0 || x + w > 1 || y + h > 1) throw validation('a box must have an area inside the page', { field: 'w' });
      return { ...base, kind: 'box', x, y, w, h };
    }
    case 'comment': {
      onlyFields(raw, ['x', 'y', 'text']);
      const text = raw['text'];
      if (typeof text !== 'string' || text.trim() === '') throw validation('a comment needs text', { field: 'text' });
      if (charCount(text) > MAX_COMMENT_LENGTH) {
        throw validation(`a comment is at most ${MAX_COMMENT_LENGTH} characters`, { field: 'text', max: MAX_COMMENT_LENGTH });
      }
      return { ...base, kind: 'comment', x: unit(raw, 'x'), y: unit(raw, 'y'), text };
    }
    case 'tick':
    case 'cross':
      onlyFields(raw, ['x', 'y']);
      return { ...base, kind: kind as 'tick' | 'cross', x: unit(raw, 'x'), y: unit(raw, 'y') };
  }
};

/** Same content, field for field: parseAnnotation builds fields in a fixed order, so JSON compares them. */
export const sameAnnotation = (a: Annotation, b: Annotation): boolean => JSON.stringify(a) === JSON.stringify(b);

const asRecord = (value: unknown, field: string): Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw validation(`${field} must be an object`, { field });
  return value as Record<string, unknown>;
};

const onlyFields = (raw: Record<string, unknown>, allowed: readonly string[]): void => {
  const known = ['annotationId', 'pageId', 'kind', ...allowed];
  const extra = Object.keys(raw).find((key) => !known.includes(key));
  if (extra === undefined) return;
  const hint = extra === 'score' ? ' (annotations carry no score: score the question instead)' : '';
  throw validation(`unexpected annotation field: ${extra}${hint}`, { field: extra });
};

/** A normalised page coordinate: a finite number in [0, 1]. */
const unit = (raw: Record<string, unknown>, field: string): number => {
  const value = raw[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw validation(`${field} must be a page coordinate between 0 and 1`, { field });
  }
  return value;
};

const strokePoints = (value: unknown): AnnotationPoint[] => {
  if (!Array.isArray(value) || value.length === 0) throw validation('a stroke needs at least one point', { field: 'points' });
  if (value.length > MAX_STROKE_POINTS) {
    throw validation(`a stroke has at most ${MAX_STROKE_POINTS} points`, { field: 'points', max: MAX_STROKE_POINTS });
  }
  return value.map((point: unknown): AnnotationPoint => {
    if (!Array.isArray(point) || point.length !== 2) throw validation('a point is [x, y]', { field: 'points' });
    return [unit({ x: point[0] }, 'x'), unit({ y: point[1] }, 'y')];
  });
};

const strokeStyle = (raw: Record<string, unknown>): { strokeWidth: number; color: string } => {
  const strokeWidth = raw['strokeWidth'];
  if (typeof strokeWidth !== 'number' || !(strokeWidth >= MIN_STROKE_WIDTH && strokeWidth <= MAX_STROKE_WIDTH)) {
    throw validation(`strokeWidth must be between ${MIN_STROKE_WIDTH} and ${MAX_STROKE_WIDTH} of the page width`, { field: 'strokeWidth' });
  }
  const color = raw['color'];
  if (typeof color !== 'string' || !COLOR.test(color)) throw validation('color must be #rrggbb', { field: 'color' });
  return { strokeWidth, color: color.toLowerCase() };
};
