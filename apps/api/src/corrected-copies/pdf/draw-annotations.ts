import type { Annotation, AnnotationPoint } from '#domain';
import {
  LineCapStyle,
  LineJoinStyle,
  type PDFDocument,
  type PDFName,
  type PDFOperator,
  type PDFPage,
  type PDFRef,
  appendBezierCurve,
  closePath,
  fillAndStroke,
  lineTo,
  moveTo,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  rgb,
  setFillingRgbColor,
  setGraphicsState,
  setLineCap,
  setLineJoin,
  setLineWidth,
  setStrokingRgbColor,
  stroke,
} from 'pdf-lib';
import { type PdfFonts, drawable, wrapText } from './pdf-text.js';

/**
 * The corrector's annotations drawn over a page image as vectors, looking like the portal drew them
 * (apps/portal/src/components/copy/CopyAnnotationShape.vue and annotation-geometry.ts): same sizes in
 * page widths, same colours, strokes smoothed the same way. Coordinates are page fractions with the
 * origin top-left; PDF's origin is bottom-left, hence the flipped y.
 */

const MARK_SIZE = 0.03;
const BOX_WIDTH = 0.002;
const COMMENT_FONT = 0.016;
const COMMENT_PADDING = 0.006;
/** About the 40 characters a line the portal wraps comments at. */
const COMMENT_WIDTH = 0.36;
const COLORS = {
  box: [0xd3, 0x2f, 0x2f],
  tick: [0x2e, 0x7d, 0x32],
  cross: [0xc6, 0x28, 0x28],
  commentFill: [0xff, 0xf8, 0xc4],
  commentBorder: [0xc9, 0xa8, 0x00],
  commentText: [0x1a, 0x1a, 0x1a],
} as const;

export interface AnnotationContext {
  fonts: PdfFonts;
  /** The document's translucent ink for highlighters, registered on first use (see highlighterState). */
  highlighter: () => PDFRef;
}

type Rgb = readonly [number, number, number];
type Point = readonly [number, number];

export const drawAnnotations = (page: PDFPage, annotations: readonly Annotation[], context: AnnotationContext): void => {
  const { width, height } = page.getSize();
  // Two decimals are a hundredth of a point: more would only fatten the content stream.
  const at = ([x, y]: AnnotationPoint): Point => [round(x * width), round(height - y * height)];
  let highlighterName: PDFName | undefined;
  for (const annotation of annotations) {
    switch (annotation.kind) {
      case 'pen':
      case 'highlighter': {
        const operators = [setLineWidth(round(annotation.strokeWidth * width)), setStrokingRgbColor(...unit(hex(annotation.color)))];
        if (annotation.kind === 'highlighter') {
          highlighterName ??= page.node.newExtGState('GS', context.highlighter());
          operators.push(setGraphicsState(highlighterName));
        }
        page.pushOperators(...inked(operators, [...smoothPath(annotation.points.map(at)), stroke()]));
        break;
      }
      case 'box': {
        const [left, top] = at([annotation.x, annotation.y]);
        const [right, bottom] = at([annotation.x + annotation.w, annotation.y + annotation.h]);
        const operators = [setLineWidth(round(BOX_WIDTH * width)), setStrokingRgbColor(...unit(COLORS.box))];
        page.pushOperators(...inked(operators, [rectangle(left, bottom, round(right - left), round(top - bottom)), stroke()]));
        break;
      }
      case 'tick':
      case 'cross': {
        const s = (MARK_SIZE / 2) * width;
        const [x, y] = at([annotation.x, annotation.y]);
        // The portal's paths, y pointing up here.
        const path =
          annotation.kind === 'tick'
            ? [moveTo(round(x - s), y), lineTo(round(x - s / 3), round(y - s * 0.7)), lineTo(round(x + s), round(y + s * 0.8))]
            : [
                moveTo(round(x - s), round(y + s)),
                lineTo(round(x + s), round(y - s)),
                moveTo(round(x + s), round(y + s)),
                lineTo(round(x - s), round(y - s)),
              ];
        const operators = [setLineWidth(round((MARK_SIZE / 8) * width)), setStrokingRgbColor(...unit(COLORS[annotation.kind]))];
        page.pushOperators(...inked(operators, [...path, stroke()]));
        break;
      }
      case 'comment':
        drawComment(page, annotation, context.fonts);
        break;
    }
  }
};

/** The graphics state highlighters share: translucent, multiplied into the page like the portal's CSS. */
export const highlighterState = (doc: PDFDocument): PDFRef =>
  doc.context.register(doc.context.obj({ Type: 'ExtGState', CA: 0.4, ca: 0.4, BM: 'Multiply' }));

const inked = (style: PDFOperator[], path: PDFOperator[]): PDFOperator[] => [
  pushGraphicsState(),
  setLineCap(LineCapStyle.Round),
  setLineJoin(LineJoinStyle.Round),
  ...style,
  ...path,
  popGraphicsState(),
];

/**
 * The portal's smoothing: quadratic curves through the midpoints of successive segments, written as
 * the equivalent cubic Béziers (PDF has no quadratic curve). A lone point is a dot (a round cap).
 */
const smoothPath = (points: readonly Point[]): PDFOperator[] => {
  const [first] = points;
  if (!first) return [];
  if (points.length === 1) return [moveTo(...first), lineTo(first[0] + 0.01, first[1])];
  const operators = [moveTo(...first)];
  let current: Point = first;
  for (let index = 1; index < points.length - 1; index++) {
    const [control, next] = [points[index]!, points[index + 1]!];
    const end: Point = [round((control[0] + next[0]) / 2), round((control[1] + next[1]) / 2)];
    const toward = (from: Point): Point => [
      round(from[0] + ((control[0] - from[0]) * 2) / 3),
      round(from[1] + ((control[1] - from[1]) * 2) / 3),
    ];
    operators.push(appendBezierCurve(...toward(current), ...toward(end), ...end));
    current = end;
  }
  operators.push(lineTo(...points[points.length - 1]!));
  return operators;
};

/** A note on yellow paper with its text wrapped, moved back inside the page when it would overflow. */
const drawComment = (page: PDFPage, annotation: Extract<Annotation, { kind: 'comment' }>, fonts: PdfFonts): void => {
  const { width, height } = page.getSize();
  const [size, padding] = [COMMENT_FONT * width, COMMENT_PADDING * width];
  const leading = size * 1.25;
  let lines = wrapText(drawable(annotation.text, fonts), fonts.regular, size, COMMENT_WIDTH * width);
  const fitting = Math.max(1, Math.floor((height - 2 * padding) / leading));
  if (lines.length > fitting) lines = [...lines.slice(0, fitting - 1), '…'];
  const boxWidth = Math.max(...lines.map((line) => fonts.regular.widthOfTextAtSize(line, size))) + 2 * padding;
  const boxHeight = lines.length * leading + 2 * padding;
  const left = round(Math.max(0, Math.min(annotation.x * width, width - boxWidth)));
  const top = round(Math.min(height, Math.max(height - annotation.y * height, boxHeight)));
  page.pushOperators(
    pushGraphicsState(),
    setLineWidth(round(0.001 * width)),
    setFillingRgbColor(...unit(COLORS.commentFill)),
    setStrokingRgbColor(...unit(COLORS.commentBorder)),
    rectangle(left, round(top - boxHeight), round(boxWidth), round(boxHeight)),
    closePath(),
    fillAndStroke(),
    popGraphicsState(),
  );
  const [r, g, b] = unit(COLORS.commentText);
  lines.forEach((line, index) => {
    const baseline = top - padding - index * leading - size * 0.95;
    page.drawText(line, { x: left + padding, y: round(baseline), size, font: fonts.regular, color: rgb(r, g, b) });
  });
};

const round = (value: number): number => Math.round(value * 100) / 100;
const unit = ([r, g, b]: Rgb): [number, number, number] => [r / 255, g / 255, b / 255];
/** Colours were checked as #rrggbb by the domain; a malformed one (older events) is drawn black rather than lost. */
const hex = (color: string): Rgb => {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  return match ? [parseInt(match[1]!, 16), parseInt(match[2]!, 16), parseInt(match[3]!, 16)] : [0, 0, 0];
};
