import type { Pool } from 'pg';
import { EXAM_COPY_STATUS_SQL } from '#projections';
import type { Session } from '../auth/sessions.js';
import { notFound } from '../shared/errors.js';
import type { Corrector, DispatchRun, Exam, ExamCopy, ExamProgress } from './exam.models.js';
import type { GradingQuestion } from './grading-scale.models.js';
import type { HeaderRegion } from './header-region.models.js';

type ExamRow = {
  exam_id: string;
  title: string;
  subject: string;
  exam_date: string | null;
  class_names: string[];
  created_at: Date;
  scale: GradingQuestion[] | null;
  scale_version: number | null;
  max_points: number | null;
  scoring_started: boolean;
  header_region: HeaderRegion;
  corrector_ids: string[];
  published: boolean;
  published_at: Date | null;
  withdrawn_reason: string | null;
  archived: boolean;
};

const SELECT_EXAMS = `SELECT exam_id, title, subject, exam_date::text AS exam_date, class_names, created_at, scale, scale_version, max_points,
  scoring_started, header_region, corrector_ids, published, published_at, withdrawn_reason, archived FROM exams`;
/** A teacher sees the exams they correct: listed as corrector, or still holding copies of it. */
const VISIBLE_TO = `($1::text IS NULL OR $1 = ANY(corrector_ids) OR EXISTS (SELECT 1 FROM exam_copies c WHERE c.exam_id = exams.exam_id AND c.corrector_id = $1))`;

const toModel = (row: ExamRow): Exam => ({
  examId: row.exam_id,
  title: row.title,
  subject: row.subject,
  date: row.exam_date,
  classNames: row.class_names,
  createdAt: row.created_at.toISOString(),
  scaleVersion: row.scale_version,
  scale: row.scale ?? [],
  maxPoints: row.max_points,
  scoringStarted: row.scoring_started,
  headerRegion: row.header_region,
  published: row.published,
  publishedAt: row.published_at?.toISOString() ?? null,
  withdrawnReason: row.withdrawn_reason,
  archived: row.archived,
  correctorIds: row.corrector_ids,
});

const teacherId = (viewer: Session): string | null => (viewer.role === 'admin' ? null : viewer.userId);

export const listExams = async (pool: Pool, viewer: Session): Promise<Exam[]> => {
  const { rows } = await pool.query<ExamRow>(
    `${SELECT_EXAMS} WHERE ${VISIBLE_TO} ORDER BY exam_date DESC NULLS LAST, created_at DESC, exam_id`,
    [teacherId(viewer)],
  );
  return rows.map(toModel);
};

/** NOT_FOUND for an exam the viewer may not see, so a teacher cannot probe which exams exist. */
export const findExam = async (pool: Pool, examId: string, viewer: Session): Promise<Exam> => {
  const { rows } = await pool.query<ExamRow>(`${SELECT_EXAMS} WHERE exam_id = $2 AND ${VISIBLE_TO}`, [teacherId(viewer), examId]);
  if (!rows[0]) throw notFound('Examen introuvable.');
  return toModel(rows[0]);
};

export const examProgress = async (pool: Pool, exam: Exam): Promise<ExamProgress> => {
  const { rows } = await pool.query<Omit<ExamProgress, 'expectedStudents'>>(
    `SELECT count(*)::int AS copies, count(student_id)::int AS identified, count(corrector_id)::int AS assigned,
       count(*) FILTER (WHERE started AND NOT finalised)::int AS "inProgress", count(*) FILTER (WHERE finalised)::int AS finalised,
       count(*) FILTER (WHERE flagged)::int AS flagged
     FROM exam_copies WHERE exam_id = $1`,
    [exam.examId],
  );
  const expected = await pool.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM students WHERE class_name = ANY($1) AND NOT withdrawn`,
    [exam.classNames],
  );
  return { ...rows[0]!, expectedStudents: expected.rows[0]?.count ?? 0 };
};

/** The exam's correctors and anyone still holding its copies; a teacher sees only their own line. */
export const examCorrectors = async (pool: Pool, exam: Exam, viewer: Session): Promise<Corrector[]> => {
  const { rows } = await pool.query<{
    user_id: string;
    display_name: string | null;
    active: boolean | null;
    assigned: number;
    finalised: number;
  }>(
    `WITH ids AS (SELECT unnest($2::text[]) AS user_id UNION SELECT corrector_id FROM exam_copies WHERE exam_id = $1 AND corrector_id IS NOT NULL)
     SELECT ids.user_id, u.display_name, u.active,
       (SELECT count(*)::int FROM exam_copies c WHERE c.exam_id = $1 AND c.corrector_id = ids.user_id) AS assigned,
       (SELECT count(*)::int FROM exam_copies c WHERE c.exam_id = $1 AND c.corrector_id = ids.user_id AND c.finalised) AS finalised
     FROM ids LEFT JOIN users u ON u.user_id = ids.user_id ORDER BY lower(u.display_name), ids.user_id`,
    [exam.examId, exam.correctorIds],
  );
  return rows
    .filter((row) => viewer.role === 'admin' || row.user_id === viewer.userId)
    .map((row) => ({
      userId: row.user_id,
      displayName: row.display_name ?? '',
      current: exam.correctorIds.includes(row.user_id),
      active: row.active ?? false,
      assignedCopies: row.assigned,
      finalisedCopies: row.finalised,
    }));
};

export const dispatchRuns = async (pool: Pool, examId: string, runId?: string): Promise<DispatchRun[]> => {
  const { rows } = await pool.query<{
    run_id: string;
    dispatched_at: Date;
    dispatched_by: string;
    assignments: { copyId: string; correctorId: string }[];
  }>(
    `SELECT run_id, dispatched_at, dispatched_by, assignments FROM exam_dispatch_runs WHERE exam_id = $1 AND ($2::text IS NULL OR run_id = $2) ORDER BY dispatched_at, run_id`,
    [examId, runId ?? null],
  );
  const codes = await pool.query<{ copy_id: string; anonymous_code: string }>(
    `SELECT copy_id, anonymous_code FROM exam_copies WHERE exam_id = $1`,
    [examId],
  );
  const codeOf = new Map(codes.rows.map((row) => [row.copy_id, row.anonymous_code]));
  return rows.map((row) => {
    const loads = new Map<string, number>();
    for (const { correctorId } of row.assignments) loads.set(correctorId, (loads.get(correctorId) ?? 0) + 1);
    return {
      runId: row.run_id,
      dispatchedAt: row.dispatched_at.toISOString(),
      dispatchedBy: row.dispatched_by,
      copyCount: row.assignments.length,
      loads: [...loads].map(([correctorId, copies]) => ({ correctorId, copies })),
      assignments: row.assignments.map(({ copyId, correctorId }) => ({ copyId, correctorId, anonymousCode: codeOf.get(copyId) ?? null })),
    };
  });
};

export const findExamCopy = async (pool: Pool, copyId: string): Promise<ExamCopy> => {
  const { rows } = await pool.query<ExamCopy>(
    `SELECT copy_id AS "copyId", exam_id AS "examId", anonymous_code AS "anonymousCode", ${EXAM_COPY_STATUS_SQL} AS status, corrector_id AS "correctorId"
     FROM exam_copies WHERE copy_id = $1`,
    [copyId],
  );
  if (!rows[0]) throw notFound('Copie introuvable.');
  return rows[0];
};
