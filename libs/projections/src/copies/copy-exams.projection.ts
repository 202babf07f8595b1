import type { ClientBase } from 'pg';
import { scaleTotal, type ExamEvent } from '#domain';
import type { RecordedEvent } from '#event-store';
import { type Projection, rowUpdater } from '../runner/projection.js';

/**
 * What the copies area needs to know of each exam: its title, grading scale (labels for students'
 * results), correctors (who may watch its locks and read its statistics) and whether its results
 * are published (students see nothing before). The exam office's own exams read model lives with
 * the exams area; this one is small on purpose so the copies area does not wait on it.
 */
export const copyExamsProjection: Projection = {
  name: 'copy-exams',
  version: 1,
  eventTypes: ['ExamCreated', 'GradingScaleDefined', 'CorrectorsAssigned', 'ResultsPublished', 'ResultsWithdrawn', 'ExamArchived'],
  tables: [{ name: 'copy_exams', key: 'exam_id' }],
  async setup(db: ClientBase) {
    await db.query(`
      CREATE TABLE IF NOT EXISTS copy_exams (
        exam_id text PRIMARY KEY,
        title text NOT NULL,
        subject text NOT NULL,
        exam_date text,
        scale jsonb,
        scale_version integer,
        max_points double precision,
        corrector_ids jsonb NOT NULL DEFAULT '[]',
        published boolean NOT NULL DEFAULT false,
        published_at timestamptz,
        archived boolean NOT NULL DEFAULT false,
        revision bigint NOT NULL
      );`);
  },
  async apply(db: ClientBase, events: readonly RecordedEvent[]) {
    for (const recorded of events) {
      if (!recorded.streamId.startsWith('exam-')) continue;
      const examId = recorded.streamId.slice('exam-'.length);
      const event = { type: recorded.type, data: recorded.data } as unknown as ExamEvent;
      const revision = recorded.revision.toString();
      const update = rowUpdater(db, 'copy_exams', 'exam_id', examId, recorded.revision);
      switch (event.type) {
        case 'ExamCreated':
          await db.query(
            `INSERT INTO copy_exams (exam_id, title, subject, exam_date, revision) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (exam_id) DO NOTHING`,
            [examId, event.data.title, event.data.subject, event.data.date ?? null, revision],
          );
          break;
        case 'GradingScaleDefined':
          await update('scale = $3, scale_version = $4, max_points = $5', [
            JSON.stringify(event.data.questions),
            event.data.version,
            scaleTotal(event.data.questions),
          ]);
          break;
        case 'CorrectorsAssigned':
          await update('corrector_ids = $3', [JSON.stringify(event.data.correctorIds)]);
          break;
        case 'ResultsPublished':
          await update('published = true, published_at = $3', [event.data.at]);
          break;
        case 'ResultsWithdrawn':
          await update('published = false, published_at = NULL', []);
          break;
        case 'ExamArchived':
          await update('archived = true', []);
          break;
        default:
          break;
      }
    }
  },
};
