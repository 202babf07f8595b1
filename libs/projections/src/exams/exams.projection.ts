import type { ClientBase } from 'pg';
import { DEFAULT_HEADER_REGION } from '#domain';
import type { RecordedEvent } from '#event-store';
import { type Projection, rowUpdater } from '../runner/projection.js';

/**
 * Exams as the exam office and the correctors list them: title, classes, the current grading scale
 * (the whole tree, as the decider built it), the correctors, each dispatch run, the header region
 * (read and masked on the copies' first pages) and the publication.
 * Version 2: the header region.
 */
export const examsProjection: Projection = {
  name: 'exams',
  version: 2,
  eventTypes: [
    'ExamCreated',
    'GradingScaleDefined',
    'ScoringStarted',
    'CorrectorsAssigned',
    'CopiesDispatched',
    'HeaderRegionDefined',
    'ResultsPublished',
    'ResultsWithdrawn',
    'ExamArchived',
  ],
  tables: [
    { name: 'exams', key: 'exam_id' },
    { name: 'exam_dispatch_runs', key: 'exam_id, run_id' },
  ],
  async setup(db: ClientBase) {
    await db.query(`
      CREATE TABLE IF NOT EXISTS exams (
        exam_id text PRIMARY KEY,
        title text NOT NULL,
        subject text NOT NULL,
        exam_date date,
        class_names text[] NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        scale jsonb,
        scale_version integer,
        max_points double precision,
        scoring_started boolean NOT NULL DEFAULT false,
        corrector_ids text[] NOT NULL DEFAULT '{}',
        header_region jsonb NOT NULL DEFAULT '${JSON.stringify(DEFAULT_HEADER_REGION)}',
        published boolean NOT NULL DEFAULT false,
        published_at timestamptz,
        published_by text,
        withdrawn_at timestamptz,
        withdrawn_reason text,
        archived boolean NOT NULL DEFAULT false,
        revision bigint NOT NULL
      );
      CREATE INDEX IF NOT EXISTS exams_correctors ON exams USING gin (corrector_ids);
      CREATE TABLE IF NOT EXISTS exam_dispatch_runs (
        exam_id text NOT NULL,
        run_id text NOT NULL,
        dispatched_at timestamptz NOT NULL,
        dispatched_by text NOT NULL,
        assignments jsonb NOT NULL,
        PRIMARY KEY (exam_id, run_id)
      );`);
  },
  async apply(db: ClientBase, events: readonly RecordedEvent[]) {
    for (const event of events) {
      const id = event.streamId.slice('exam-'.length);
      const data = event.data as Record<string, unknown>;
      const revision = event.revision.toString();
      // Each update only applies an event newer than the row: replaying a batch changes nothing.
      const update = rowUpdater(db, 'exams', 'exam_id', id, event.revision);
      switch (event.type) {
        case 'ExamCreated':
          await db.query(
            `INSERT INTO exams (exam_id, title, subject, exam_date, class_names, created_by, created_at, revision)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (exam_id) DO NOTHING`,
            [id, data.title, data.subject, data.date ?? null, data.classNames, data.createdBy, event.recordedAt, revision],
          );
          break;
        case 'GradingScaleDefined': {
          const questions = data.questions as { maxPoints: number }[];
          const max = questions.reduce((sum, question) => sum + question.maxPoints, 0);
          await update('scale = $3, scale_version = $4, max_points = $5', [JSON.stringify(questions), data.version, max]);
          break;
        }
        case 'ScoringStarted':
          await update('scoring_started = true', []);
          break;
        case 'CorrectorsAssigned':
          await update('corrector_ids = $3', [data.correctorIds]);
          break;
        case 'CopiesDispatched':
          await db.query(
            `INSERT INTO exam_dispatch_runs (exam_id, run_id, dispatched_at, dispatched_by, assignments)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (exam_id, run_id) DO NOTHING`,
            [id, data.runId, event.recordedAt, event.metadata?.actorId ?? 'system', JSON.stringify(data.assignments)],
          );
          break;
        case 'HeaderRegionDefined':
          await update('header_region = $3', [JSON.stringify(data.region)]);
          break;
        case 'ResultsPublished':
          await update('published = true, published_at = $3, published_by = $4', [data.at, data.by]);
          break;
        case 'ResultsWithdrawn':
          await update('published = false, withdrawn_at = $3, withdrawn_reason = $4', [event.recordedAt, data.reason ?? null]);
          break;
        case 'ExamArchived':
          await update('archived = true', []);
          break;
      }
    }
  },
};
