export * from './runner/projection.js';
export * from './runner/checkpoints.js';
export * from './runner/projection-runner.js';
export { auditLogProjection } from './audit-log/audit-log.projection.js';
export { streamSummaryProjection } from './stream-summary/stream-summary.projection.js';
export { usersProjection } from './users/users.projection.js';
export { studentsProjection, studentLoginCode } from './students/students.projection.js';
export { examsProjection } from './exams/exams.projection.js';
export { examCopiesProjection, EXAM_COPY_STATUS_SQL } from './exams/exam-copies.projection.js';
export * from './copies/index.js';
export { scansProjection, SCAN_STAGE_SQL } from './scans/scans.projection.js';
export { aiSuggestionsProjection } from './ai-suggestions/ai-suggestions.projection.js';

import { auditLogProjection } from './audit-log/audit-log.projection.js';
import { streamSummaryProjection } from './stream-summary/stream-summary.projection.js';
import { usersProjection } from './users/users.projection.js';
import { studentsProjection } from './students/students.projection.js';
import { examsProjection } from './exams/exams.projection.js';
import { examCopiesProjection } from './exams/exam-copies.projection.js';
import { copiesProjection, copyExamsProjection } from './copies/index.js';
import { scansProjection } from './scans/scans.projection.js';
import { aiSuggestionsProjection } from './ai-suggestions/ai-suggestions.projection.js';
import type { Projection } from './runner/projection.js';

/** Every read model of the product, in the order they are set up. */
export const allProjections: readonly Projection[] = [
  auditLogProjection,
  streamSummaryProjection,
  usersProjection,
  studentsProjection,
  examsProjection,
  examCopiesProjection,
  copiesProjection,
  copyExamsProjection,
  scansProjection,
  aiSuggestionsProjection,
];
