/**
 * The one door from the correction workspace into libs/domain. The domain is pure TypeScript, so the
 * portal runs the very functions the server decides with: a score shown as rounded here is the score
 * the server records, and an annotation built here is the shape its parser accepts.
 */
export type {
  Annotation,
  AnnotationKind,
  AnnotationPoint,
  BoxAnnotation,
  CommentAnnotation,
  MarkAnnotation,
  StrokeAnnotation,
} from '../../../../../libs/domain/src/copy/annotation.js';
export {
  MAX_COMMENT_LENGTH,
  MAX_STROKE_POINTS,
  MAX_STROKE_WIDTH,
  MIN_STROKE_WIDTH,
} from '../../../../../libs/domain/src/copy/annotation.js';
export { scorePoints, sumPoints, type ScaleQuestion } from '../../../../../libs/domain/src/copy/grading.js';
export { leafQuestions, type GradingQuestion } from '../../../../../libs/domain/src/exam/grading-scale.js';
export { MAX_APPRECIATION_LENGTH, MAX_REMARK_LENGTH } from '../../../../../libs/domain/src/copy/copy.guards.js';
