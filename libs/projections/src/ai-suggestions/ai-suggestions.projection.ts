import type { ClientBase } from 'pg';
import type { RecordedEvent } from '#event-store';
import { type Projection, rowUpdater } from '../runner/projection.js';

/**
 * AI-suggested scores (issue 6): each request with its outcome (the suggestions, or why there are
 * none) and the figures of the call, each review decision, and the exams' answer keys. The workspace
 * reads a copy's latest request; the exam office reads acceptance and gaps per exam.
 */
export const aiSuggestionsProjection: Projection = {
  name: 'ai-suggestions',
  version: 1,
  eventTypes: ['AiSuggestionRequested', 'AiSuggestionProduced', 'AiSuggestionFailed', 'AiSuggestionReviewed', 'AnswerKeyDefined'],
  tables: [
    { name: 'ai_suggestion_requests', key: 'request_id' },
    { name: 'ai_suggestion_reviews', key: 'request_id, question_id' },
    { name: 'exam_answer_keys', key: 'exam_id' },
  ],
  async setup(db: ClientBase) {
    await db.query(`
      CREATE TABLE IF NOT EXISTS ai_suggestion_requests (
        request_id text PRIMARY KEY,
        copy_id text NOT NULL,
        exam_id text NOT NULL,
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL,
        model text NOT NULL,
        status text NOT NULL,
        scale_version integer,
        suggestions jsonb NOT NULL DEFAULT '[]',
        comment text,
        tokens_in integer,
        tokens_out integer,
        latency_ms integer,
        attempts integer,
        failure_code text,
        failure_message text,
        finished_at timestamptz,
        revision bigint NOT NULL
      );
      CREATE INDEX IF NOT EXISTS ai_suggestion_requests_copy ON ai_suggestion_requests (copy_id, requested_at DESC);
      CREATE INDEX IF NOT EXISTS ai_suggestion_requests_exam ON ai_suggestion_requests (exam_id);
      CREATE INDEX IF NOT EXISTS ai_suggestion_requests_pending ON ai_suggestion_requests (requested_at) WHERE status = 'pending';
      CREATE TABLE IF NOT EXISTS ai_suggestion_reviews (
        request_id text NOT NULL,
        question_id text NOT NULL,
        copy_id text NOT NULL,
        decision text NOT NULL,
        points double precision,
        reviewed_by text NOT NULL,
        reviewed_at timestamptz NOT NULL,
        revision bigint NOT NULL,
        PRIMARY KEY (request_id, question_id)
      );
      CREATE TABLE IF NOT EXISTS exam_answer_keys (
        exam_id text PRIMARY KEY,
        text text NOT NULL,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL,
        revision bigint NOT NULL
      );`);
  },
  async apply(db: ClientBase, events: readonly RecordedEvent[]) {
    for (const event of events) {
      const data = event.data as Record<string, unknown>;
      const revision = event.revision.toString();
      const update = rowUpdater(db, 'ai_suggestion_requests', 'request_id', String(data.requestId), event.revision);
      switch (event.type) {
        case 'AiSuggestionRequested':
          await db.query(
            `INSERT INTO ai_suggestion_requests (request_id, copy_id, exam_id, requested_by, requested_at, model, status, revision)
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) ON CONFLICT (request_id) DO NOTHING`,
            [data.requestId, data.copyId, data.examId, data.by, event.recordedAt, data.model, revision],
          );
          break;
        case 'AiSuggestionProduced':
          await update(
            `status = 'produced', scale_version = $3, suggestions = $4, comment = $5, tokens_in = $6, tokens_out = $7, latency_ms = $8,
             attempts = $9, finished_at = $10`,
            [
              data.scaleVersion,
              JSON.stringify(data.suggestions),
              data.comment,
              data.tokensIn,
              data.tokensOut,
              data.latencyMs,
              data.attempts,
              event.recordedAt,
            ],
          );
          break;
        case 'AiSuggestionFailed': {
          const reason = data.reason as { code: string; message: string };
          await update(
            `status = 'failed', failure_code = $3, failure_message = $4, latency_ms = $5, attempts = $6, finished_at = $7,
             tokens_in = $8, tokens_out = $9`,
            [reason.code, reason.message, data.latencyMs, data.attempts, event.recordedAt, data.tokensIn ?? 0, data.tokensOut ?? 0],
          );
          break;
        }
        case 'AiSuggestionReviewed':
          await db.query(
            `INSERT INTO ai_suggestion_reviews (request_id, question_id, copy_id, decision, points, reviewed_by, reviewed_at, revision)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (request_id, question_id) DO UPDATE SET decision = excluded.decision, points = excluded.points,
               reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at, revision = excluded.revision
             WHERE ai_suggestion_reviews.revision < excluded.revision`,
            [data.requestId, data.questionId, data.copyId, data.decision, data.points ?? null, data.by, event.recordedAt, revision],
          );
          break;
        case 'AnswerKeyDefined':
          await db.query(
            `INSERT INTO exam_answer_keys (exam_id, text, updated_by, updated_at, revision) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (exam_id) DO UPDATE SET text = excluded.text, updated_by = excluded.updated_by, updated_at = excluded.updated_at,
               revision = excluded.revision
             WHERE exam_answer_keys.revision < excluded.revision`,
            [event.streamId.slice('exam-'.length), data.text, data.by, event.recordedAt, revision],
          );
          break;
      }
    }
  },
};
