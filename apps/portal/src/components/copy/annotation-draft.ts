import { clampUnit, fitSpan, roundUnit } from './annotation-geometry.js';
import {
  MAX_COMMENT_LENGTH,
  MAX_STROKE_WIDTH,
  MIN_STROKE_WIDTH,
  type AnnotationPoint,
  type BoxAnnotation,
  type CommentAnnotation,
  type MarkAnnotation,
  type StrokeAnnotation,
} from './copy-domain.js';

/**
 * Builds annotations exactly as the domain's parseAnnotation rebuilds them (same fields, same order,
 * lower-case id and colour), so a retried save compares equal to what the server stored. The id is
 * made here, once: a retry after an unknown outcome sends the same id and the server ignores it.
 */

export type StrokeKind = StrokeAnnotation['kind'];
export type MarkKind = MarkAnnotation['kind'];

/** Widths in page widths: a fine red pen, a broad highlighter. */
export const STROKE_STYLE: Readonly<Record<StrokeKind, { width: number; color: string }>> = {
  pen: { width: 0.002, color: '#d32f2f' },
  highlighter: { width: 0.016, color: '#ffd600' },
};

const newId = (): string => crypto.randomUUID().toLowerCase();

/**
 * A stylus presses from 0 to 1 and a mouse reports 0.5 while a button is down: the average pressure
 * scales the stroke from half to one and a half times its width (the domain keeps one width per stroke).
 */
export const pressureWidth = (base: number, pressures: readonly number[]): number => {
  const known = pressures.filter((pressure) => pressure > 0);
  const average = known.length === 0 ? 0.5 : known.reduce((sum, pressure) => sum + pressure, 0) / known.length;
  return Math.min(MAX_STROKE_WIDTH, Math.max(MIN_STROKE_WIDTH, Number((base * (0.5 + average)).toFixed(6))));
};

export const newStroke = (
  kind: StrokeKind,
  pageId: string,
  points: readonly AnnotationPoint[],
  strokeWidth: number,
  color: string,
): StrokeAnnotation => ({
  annotationId: newId(),
  pageId,
  kind,
  points: [...points],
  strokeWidth,
  color: color.toLowerCase(),
});

/** A box from two corners dragged in any direction; undefined when it has no area once rounded. */
export const newBox = (pageId: string, from: AnnotationPoint, to: AnnotationPoint): BoxAnnotation | undefined => {
  const [left, top] = [clampUnit(Math.min(from[0], to[0])), clampUnit(Math.min(from[1], to[1]))];
  const [x, w] = fitSpan(left, clampUnit(Math.max(from[0], to[0])) - left);
  const [y, h] = fitSpan(top, clampUnit(Math.max(from[1], to[1])) - top);
  if (w <= 0 || h <= 0) return undefined;
  return { annotationId: newId(), pageId, kind: 'box', x, y, w, h };
};

export const newComment = (pageId: string, at: AnnotationPoint, text: string): CommentAnnotation => ({
  annotationId: newId(),
  pageId,
  kind: 'comment',
  x: roundUnit(at[0]),
  y: roundUnit(at[1]),
  text: clipComment(text),
});

export const newMark = (kind: MarkKind, pageId: string, at: AnnotationPoint): MarkAnnotation => ({
  annotationId: newId(),
  pageId,
  kind,
  x: roundUnit(at[0]),
  y: roundUnit(at[1]),
});

/** The editor stops at the limit already; this keeps a pasted essay from being refused as a whole. */
export const clipComment = (text: string): string => [...text].slice(0, MAX_COMMENT_LENGTH).join('');
