import { MAX_STROKE_POINTS, type Annotation, type AnnotationPoint } from './copy-domain.js';

/**
 * Geometry of annotations on a page. Stored coordinates are fractions of the page width (x) and height
 * (y); drawing and hit-testing happen in "width units" — x as is, y times the page's aspect ratio
 * (height / width) — so a circle stays round and a tolerance means the same distance on both axes.
 */

/** Marks (tick, cross) and comment text are sized in page widths, so they scale with the zoom. */
export const MARK_SIZE = 0.03;
export const COMMENT_FONT = 0.016;
export const COMMENT_PADDING = 0.006;
const COMMENT_LINE_CHARS = 40;
/** A straight-enough run of points within this distance (a tenth of a millimetre on A4) is one segment. */
const SIMPLIFY_EPSILON = 0.0005;

export const clampUnit = (value: number): number => Math.min(1, Math.max(0, value));
/** Five decimals are a fiftieth of a pixel on a 2000-pixel page: more would only fatten the payload. */
export const roundUnit = (value: number): number => Math.round(clampUnit(value) * 1e5) / 1e5;

/**
 * A box's start and extent on one axis, rounded, with start + extent never past 1: the server refuses
 * a box leaving the page, and 0.33333 + 0.66667 can add up to a hair above 1 in floating point.
 */
export const fitSpan = (start: number, extent: number): [number, number] => {
  let size = Math.floor(Math.min(extent, 1) * 1e5 + 1e-6);
  const from = roundUnit(Math.min(start, 1 - size / 1e5));
  while (size > 0 && from + size / 1e5 > 1) size--;
  return [from, size / 1e5];
};

type Vec = readonly [number, number];
const toWidthUnits = ([x, y]: AnnotationPoint, aspect: number): Vec => [x, y * aspect];

/** Distance from p to the segment a–b, all in width units. */
const segmentDistance = (p: Vec, a: Vec, b: Vec): number => {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / lengthSquared));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
};

/**
 * Ramer–Douglas–Peucker, iterative (a long stroke must not blow the stack): keeps the points that
 * carry the shape and drops the hundreds a pointer reports along a straight run.
 */
export const simplifyStroke = (points: readonly AnnotationPoint[], aspect: number, epsilon = SIMPLIFY_EPSILON): AnnotationPoint[] => {
  if (points.length <= 2) return [...points];
  const scaled = points.map((point) => toWidthUnits(point, aspect));
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const spans: Array<[number, number]> = [[0, points.length - 1]];
  while (spans.length > 0) {
    const [first, last] = spans.pop()!;
    let farthest = -1;
    let distance = epsilon;
    for (let index = first + 1; index < last; index++) {
      const d = segmentDistance(scaled[index]!, scaled[first]!, scaled[last]!);
      if (d > distance) [farthest, distance] = [index, d];
    }
    if (farthest < 0) continue;
    keep[farthest] = 1;
    spans.push([first, farthest], [farthest, last]);
  }
  return points.filter((_, index) => keep[index] === 1);
};

/** Simplifies until the stroke fits what the server accepts, coarsening only when it must. */
export const finishStroke = (points: readonly AnnotationPoint[], aspect: number): AnnotationPoint[] => {
  let epsilon = SIMPLIFY_EPSILON;
  let result = simplifyStroke(points, aspect, epsilon);
  while (result.length > MAX_STROKE_POINTS) {
    epsilon *= 2;
    result = simplifyStroke(points, aspect, epsilon);
  }
  return result.map(([x, y]) => [roundUnit(x), roundUnit(y)]);
};

/**
 * An SVG path through the points, smoothed by quadratic curves between segment midpoints: the stored
 * polyline stays exact and light while the ink on screen has no corners.
 */
export const strokePath = (points: readonly AnnotationPoint[], aspect: number): string => {
  const scaled = points.map((point) => toWidthUnits(point, aspect));
  const [start] = scaled;
  if (!start) return '';
  const fmt = (value: number): string => value.toFixed(5);
  // A dot: a zero-length segment drawn with round caps.
  if (scaled.length === 1) return `M${fmt(start[0])} ${fmt(start[1])}l0 0.00001`;
  let path = `M${fmt(start[0])} ${fmt(start[1])}`;
  for (let index = 1; index < scaled.length - 1; index++) {
    const [point, next] = [scaled[index]!, scaled[index + 1]!];
    path += `Q${fmt(point[0])} ${fmt(point[1])} ${fmt((point[0] + next[0]) / 2)} ${fmt((point[1] + next[1]) / 2)}`;
  }
  const end = scaled[scaled.length - 1]!;
  return `${path}L${fmt(end[0])} ${fmt(end[1])}`;
};

/** A comment's text cut into lines as it is drawn: explicit line breaks, then words wrapped. */
export const commentLines = (text: string): string[] =>
  text.split('\n').flatMap((paragraph) => {
    const lines: string[] = [];
    let line = '';
    for (const word of paragraph.split(' ')) {
      const candidate = line === '' ? word : `${line} ${word}`;
      if ([...candidate].length > COMMENT_LINE_CHARS && line !== '') {
        lines.push(line);
        line = word;
      } else line = candidate;
    }
    lines.push(line);
    return lines;
  });

/** The area an annotation covers, in width units: [left, top, right, bottom]. */
export const annotationBounds = (annotation: Annotation, aspect: number): [number, number, number, number] => {
  switch (annotation.kind) {
    case 'pen':
    case 'highlighter': {
      const scaled = annotation.points.map((point) => toWidthUnits(point, aspect));
      const half = annotation.strokeWidth / 2;
      const xs = scaled.map(([x]) => x);
      const ys = scaled.map(([, y]) => y);
      return [Math.min(...xs) - half, Math.min(...ys) - half, Math.max(...xs) + half, Math.max(...ys) + half];
    }
    case 'box':
      return [annotation.x, annotation.y * aspect, annotation.x + annotation.w, (annotation.y + annotation.h) * aspect];
    case 'comment': {
      const lines = commentLines(annotation.text);
      const width = Math.max(...lines.map((line) => [...line].length)) * COMMENT_FONT * 0.55 + 2 * COMMENT_PADDING;
      const height = lines.length * COMMENT_FONT * 1.25 + 2 * COMMENT_PADDING;
      return [annotation.x, annotation.y * aspect, annotation.x + width, annotation.y * aspect + height];
    }
    case 'tick':
    case 'cross': {
      const half = MARK_SIZE / 2;
      return [annotation.x - half, annotation.y * aspect - half, annotation.x + half, annotation.y * aspect + half];
    }
  }
};

/**
 * Whether a point (page fractions) touches an annotation, `tolerance` in width units: a stroke near its
 * ink, a box near its outline (its inside is the student's work, not the mark), the others anywhere
 * on them.
 */
export const hitsAnnotation = (annotation: Annotation, point: AnnotationPoint, tolerance: number, aspect: number): boolean => {
  const p = toWidthUnits(point, aspect);
  if (annotation.kind === 'pen' || annotation.kind === 'highlighter') {
    const scaled = annotation.points.map((q) => toWidthUnits(q, aspect));
    const reach = annotation.strokeWidth / 2 + tolerance;
    if (scaled.length === 1) return Math.hypot(p[0] - scaled[0]![0], p[1] - scaled[0]![1]) <= reach;
    return scaled.some((a, index) => index > 0 && segmentDistance(p, scaled[index - 1]!, a) <= reach);
  }
  const [left, top, right, bottom] = annotationBounds(annotation, aspect);
  const inside = p[0] >= left - tolerance && p[0] <= right + tolerance && p[1] >= top - tolerance && p[1] <= bottom + tolerance;
  if (annotation.kind !== 'box' || !inside) return inside;
  return Math.min(p[0] - left, right - p[0], p[1] - top, bottom - p[1]) <= tolerance;
};

/** The topmost annotation under a point (the last drawn is on top), if any. */
export const annotationAt = (
  annotations: readonly Annotation[],
  point: AnnotationPoint,
  tolerance: number,
  aspect: number,
): Annotation | undefined => [...annotations].reverse().find((annotation) => hitsAnnotation(annotation, point, tolerance, aspect));

/** The annotation moved by (dx, dy) page fractions, held inside the page. */
export const moveAnnotation = (annotation: Annotation, dx: number, dy: number): Annotation => {
  switch (annotation.kind) {
    case 'pen':
    case 'highlighter': {
      const xs = annotation.points.map(([x]) => x);
      const ys = annotation.points.map(([, y]) => y);
      const mx = Math.min(Math.max(dx, -Math.min(...xs)), 1 - Math.max(...xs));
      const my = Math.min(Math.max(dy, -Math.min(...ys)), 1 - Math.max(...ys));
      return { ...annotation, points: annotation.points.map(([x, y]): AnnotationPoint => [roundUnit(x + mx), roundUnit(y + my)]) };
    }
    case 'box': {
      const [x, w] = fitSpan(Math.max(annotation.x + dx, 0), annotation.w);
      const [y, h] = fitSpan(Math.max(annotation.y + dy, 0), annotation.h);
      return { ...annotation, x, y, w, h };
    }
    case 'comment':
    case 'tick':
    case 'cross':
      return { ...annotation, x: roundUnit(annotation.x + dx), y: roundUnit(annotation.y + dy) };
  }
};
