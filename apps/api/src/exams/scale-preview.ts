import type { Pool } from 'pg';
import {
  type GradingQuestionInput as DomainQuestionInput,
  buildGradingScale,
  previewScaleChange,
  sameScale,
  scaleTotal,
  type RecordedScore,
} from '#domain';
import type { Exam } from './exam.models.js';
import type { AffectedScore, GradingQuestionInput, GradingScalePreview } from './grading-scale.models.js';

/** GraphQL gives null for an omitted nullable field; the domain expects the field left out. */
type QuestionLike = {
  questionId: string;
  label: string;
  maxPoints?: number | null;
  step?: number | null;
  children?: readonly QuestionLike[] | null;
};

export const toDomainQuestions = (questions: readonly QuestionLike[]): DomainQuestionInput[] =>
  questions.map(({ questionId, label, maxPoints, step, children }) => ({
    questionId,
    label,
    ...(maxPoints == null ? {} : { maxPoints }),
    ...(step == null ? {} : { step }),
    ...(children == null ? {} : { children: toDomainQuestions(children) }),
  }));

/**
 * Scores come from `copy_scores(copy_id, exam_id, question_id, points)`, the copies read model's
 * table (another read model, agreed by name). While it does not exist the preview says so
 * (`scoresKnown: false`) rather than pretending no score is touched; the decider still refuses an
 * unconfirmed change once scoring has started, whatever the preview showed.
 */
export const previewGradingScale = async (pool: Pool, exam: Exam, input: readonly GradingQuestionInput[]): Promise<GradingScalePreview> => {
  const questions = buildGradingScale(toDomainQuestions(input));
  const { rows: present } = await pool.query<{ known: boolean }>(`SELECT to_regclass('copy_scores') IS NOT NULL AS known`);
  const scoresKnown = present[0]?.known ?? false;
  const scores: RecordedScore[] = scoresKnown
    ? (
        await pool.query<{ copy_id: string; question_id: string; points: string | number }>(
          `SELECT copy_id, question_id, points FROM copy_scores WHERE exam_id = $1 ORDER BY copy_id, question_id`,
          [exam.examId],
        )
      ).rows.map((row) => ({ copyId: row.copy_id, questionId: row.question_id, points: Number(row.points) }))
    : [];
  // Rebuilt from the read model: jsonb does not keep key order, and sameScale compares built scales.
  const currentScale = exam.scale.length > 0 ? buildGradingScale(toDomainQuestions(exam.scale)) : [];
  const preview = previewScaleChange(currentScale, questions, scores);
  const codes = await pool.query<{ copy_id: string; anonymous_code: string }>(
    `SELECT copy_id, anonymous_code FROM exam_copies WHERE exam_id = $1`,
    [exam.examId],
  );
  const codeOf = new Map(codes.rows.map((row) => [row.copy_id, row.anonymous_code]));
  const affected = (score: RecordedScore & { newMaxPoints?: number; newStep?: number }): AffectedScore => ({
    copyId: score.copyId,
    anonymousCode: codeOf.get(score.copyId) ?? null,
    questionId: score.questionId,
    points: score.points,
    newMaxPoints: score.newMaxPoints ?? null,
    newStep: score.newStep ?? null,
  });
  const changed = exam.scaleVersion === null || !sameScale(currentScale, questions);
  // The decider's rule: replaced in place until scoring starts, a new version after.
  const current = exam.scaleVersion;
  const nextVersion = current === null ? 1 : !changed || !exam.scoringStarted ? current : current + 1;
  return {
    currentVersion: current,
    nextVersion,
    changed,
    needsConfirmation: changed && exam.scoringStarted,
    scoresKnown,
    maxPoints: scaleTotal(questions),
    copiesTouched: preview.copiesTouched,
    scoresDropped: preview.scoresDropped.map(affected),
    scoresClamped: preview.scoresClamped.map(affected),
    scoresOffStep: preview.scoresOffStep.map(affected),
    questionsAdded: preview.questionsAdded,
    questionsRemoved: preview.questionsRemoved,
  };
};
