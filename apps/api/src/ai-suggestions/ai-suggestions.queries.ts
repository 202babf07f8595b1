import type { Pool } from 'pg';
import type { AiQuestionSuggestion } from '#domain';
import {
  AiReviewDecision,
  type AiSuggestionRequestModel,
  type AiSuggestionStatsModel,
  AiSuggestionStatus,
  type ExamAnswerKeyModel,
} from './ai-suggestions.models.js';

interface RequestRow {
  request_id: string;
  copy_id: string;
  status: string;
  model: string;
  requested_at: Date;
  finished_at: Date | null;
  scale_version: number | null;
  suggestions: AiQuestionSuggestion[];
  comment: string | null;
  failure_code: string | null;
  failure_message: string | null;
  latency_ms: number | null;
  attempts: number | null;
}

/** The copy's latest request with each suggestion's review, or null when none was made. */
export const latestRequest = async (pool: Pool, copyId: string): Promise<AiSuggestionRequestModel | null> => {
  const { rows } = await pool.query<RequestRow>(
    `SELECT * FROM ai_suggestion_requests WHERE copy_id = $1 ORDER BY requested_at DESC, revision DESC LIMIT 1`,
    [copyId],
  );
  const row = rows[0];
  if (!row) return null;
  const reviews = await pool.query<{ question_id: string; decision: AiReviewDecision; points: number | null }>(
    `SELECT question_id, decision, points FROM ai_suggestion_reviews WHERE request_id = $1`,
    [row.request_id],
  );
  const byQuestion = new Map(reviews.rows.map((review) => [review.question_id, review]));
  return {
    requestId: row.request_id,
    copyId: row.copy_id,
    status: row.status as AiSuggestionStatus,
    model: row.model,
    requestedAt: row.requested_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    scaleVersion: row.scale_version,
    suggestions: row.suggestions.map((suggestion) => ({
      ...suggestion,
      decision: byQuestion.get(suggestion.questionId)?.decision ?? null,
      reviewedPoints: byQuestion.get(suggestion.questionId)?.points ?? null,
    })),
    comment: row.comment,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    latencyMs: row.latency_ms,
    attempts: row.attempts,
  };
};

/**
 * Per exam: how requests ended, what correctors did with the suggestions, and how far the suggested
 * scores were from the final ones on finalised copies (the latest produced request of each copy).
 */
export const examStats = async (pool: Pool, examId: string): Promise<AiSuggestionStatsModel> => {
  const [requests, reviews, gap] = await Promise.all([
    pool.query<{
      requests: number;
      produced: number;
      failed: number;
      pending: number;
      tokens_in: number;
      tokens_out: number;
      median: number | null;
    }>(
      `SELECT count(*)::int AS requests, count(*) FILTER (WHERE status = 'produced')::int AS produced,
         count(*) FILTER (WHERE status = 'failed')::int AS failed, count(*) FILTER (WHERE status = 'pending')::int AS pending,
         coalesce(sum(tokens_in), 0)::int AS tokens_in, coalesce(sum(tokens_out), 0)::int AS tokens_out,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE status = 'produced') AS median
       FROM ai_suggestion_requests WHERE exam_id = $1`,
      [examId],
    ),
    pool.query<{ decision: AiReviewDecision; count: number }>(
      `SELECT v.decision, count(*)::int AS count FROM ai_suggestion_reviews v JOIN ai_suggestion_requests r USING (request_id)
       WHERE r.exam_id = $1 GROUP BY v.decision`,
      [examId],
    ),
    pool.query<{ gap: number | null; compared: number }>(
      `WITH latest AS (
         SELECT DISTINCT ON (r.copy_id) r.copy_id, r.suggestions FROM ai_suggestion_requests r
         JOIN copies c ON c.copy_id = r.copy_id AND c.status = 'finalised'
         WHERE r.exam_id = $1 AND r.status = 'produced' ORDER BY r.copy_id, r.requested_at DESC)
       SELECT avg(abs((s->>'points')::float8 - cs.points)) AS gap, count(*)::int AS compared
       FROM latest l CROSS JOIN LATERAL jsonb_array_elements(l.suggestions) s
       JOIN copy_scores cs ON cs.copy_id = l.copy_id AND cs.question_id = s->>'questionId'`,
      [examId],
    ),
  ]);
  const totals = requests.rows[0]!;
  const count = (decision: AiReviewDecision): number => reviews.rows.find((row) => row.decision === decision)?.count ?? 0;
  const [accepted, edited, dismissed] = [
    count(AiReviewDecision.ACCEPTED),
    count(AiReviewDecision.EDITED),
    count(AiReviewDecision.DISMISSED),
  ];
  const reviewed = accepted + edited + dismissed;
  const compared = gap.rows[0]?.compared ?? 0;
  return {
    examId,
    requests: totals.requests,
    produced: totals.produced,
    failed: totals.failed,
    pending: totals.pending,
    accepted,
    edited,
    dismissed,
    acceptanceRate: reviewed === 0 ? null : accepted / reviewed,
    averageGap: compared === 0 || gap.rows[0]?.gap == null ? null : Number(Number(gap.rows[0].gap).toFixed(4)),
    comparedQuestions: compared,
    tokensIn: totals.tokens_in,
    tokensOut: totals.tokens_out,
    medianLatencyMs: totals.median === null ? null : Math.round(totals.median),
  };
};

export const answerKeyOf = async (pool: Pool, examId: string): Promise<ExamAnswerKeyModel> => {
  const { rows } = await pool.query<{ text: string; updated_at: Date }>(
    `SELECT text, updated_at FROM exam_answer_keys WHERE exam_id = $1`,
    [examId],
  );
  return { examId, text: rows[0]?.text ?? '', updatedAt: rows[0]?.updated_at.toISOString() ?? null };
};
