import { auditLogProjection, streamSummaryProjection } from '#projections';

/**
 * The crash test checks the runner (rows and checkpoint commit together, whatever the kill point),
 * so it runs the projections that read every event: its generated events need not follow each
 * domain event's exact shape. The domain projections are covered by their own API tests.
 */
export const crashProjections = [auditLogProjection, streamSummaryProjection];
