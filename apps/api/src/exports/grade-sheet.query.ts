import type { Pool } from 'pg';
import type { GradingQuestion } from '#domain';
import { ApiError, notFound } from '../shared/errors.js';
import type { ExamGradeSheet, GradeSheetQuestion, GradeSheetResult, GradeSheetStudent } from './formats/grade-sheet.js';

interface ExamRow {
  title: string;
  subject: string;
  exam_date: string | null;
  class_names: string[];
  scale: GradingQuestion[] | null;
}
interface CopyRow {
  copy_id: string;
  anonymous_code: string;
  student_id: string | null;
  finalised: boolean;
  total: number;
  max: number | null;
  appreciation: string;
}
interface StudentRow {
  student_id: string;
  last_name: string;
  first_name: string;
  birth_date: string;
  class_name: string;
}

export interface LoadedGradeSheet {
  readonly sheet: ExamGradeSheet;
  /** The exam's date (yyyy-mm-dd), when it has one: it names the file. */
  readonly examDate: string | null;
}

/**
 * An exam's grade sheet from the read models (exams, copies, copy_scores, students). Its students are
 * those enrolled in the exam's classes (not withdrawn) and anyone a copy of the exam was identified
 * as (a student who changed class or left keeps their mark). Refused (CONFLICT) while a finalised
 * copy has no student: its mark would silently be missing from the file. A copy still being corrected
 * without a student only leaves its owner marked absent, which Pronote keeps out of the average too.
 */
export const loadGradeSheet = async (pool: Pool, examId: string): Promise<LoadedGradeSheet> => {
  const exam = (
    await pool.query<ExamRow>(`SELECT title, subject, exam_date::text AS exam_date, class_names, scale FROM exams WHERE exam_id = $1`, [
      examId,
    ])
  ).rows[0];
  if (!exam) throw notFound('Examen introuvable.');
  const copies = (
    await pool.query<CopyRow>(
      `SELECT copy_id, anonymous_code, student_id, finalised, total, max, appreciation FROM copies WHERE exam_id = $1 ORDER BY copy_id`,
      [examId],
    )
  ).rows;
  const unidentified = copies.filter((copy) => copy.finalised && copy.student_id === null).length;
  if (unidentified > 0) {
    throw new ApiError(
      'CONFLICT',
      unidentified === 1
        ? '1 copie corrigée n’est pas identifiée : rattachez-la à son élève au bureau d’identification avant d’exporter les notes.'
        : `${unidentified} copies corrigées ne sont pas identifiées : rattachez-les à leurs élèves au bureau d’identification avant d’exporter les notes.`,
      { unidentifiedFinalisedCopies: unidentified },
    );
  }
  const identified = copies.filter((copy) => copy.student_id !== null);
  const [scores, students] = await Promise.all([
    pool.query<{ copy_id: string; question_id: string; points: number }>(
      `SELECT copy_id, question_id, points FROM copy_scores WHERE exam_id = $1`,
      [examId],
    ),
    pool.query<StudentRow>(
      `SELECT student_id, last_name, first_name, birth_date::text AS birth_date, class_name FROM students
       WHERE (class_name = ANY($1) AND NOT withdrawn) OR student_id = ANY($2)`,
      [exam.class_names, identified.map((copy) => copy.student_id)],
    ),
  ]);
  const scoresOf = new Map<string, Record<string, number>>();
  for (const score of scores.rows) {
    const points = scoresOf.get(score.copy_id) ?? {};
    points[score.question_id] = score.points;
    scoresOf.set(score.copy_id, points);
  }
  // The copy decider and its reservation stream give a student one copy per exam; should two ever
  // point at one student, the finalised one is the mark.
  const copyOf = new Map<string, CopyRow>();
  for (const copy of identified) if (!copyOf.get(copy.student_id!)?.finalised) copyOf.set(copy.student_id!, copy);

  const result = (copy: CopyRow | undefined): GradeSheetResult => {
    if (!copy) return { status: 'absent' };
    if (!copy.finalised || copy.max === null) return { status: 'not_finalised', anonymousCode: copy.anonymous_code };
    return {
      status: 'finalised',
      anonymousCode: copy.anonymous_code,
      total: copy.total,
      max: copy.max,
      scores: scoresOf.get(copy.copy_id) ?? {},
      appreciation: copy.appreciation,
    };
  };
  const sheetStudents = students.rows.sort(byClassAndName).map((student): GradeSheetStudent => ({
    lastName: student.last_name,
    firstName: student.first_name,
    birthDate: student.birth_date,
    className: student.class_name,
    result: result(copyOf.get(student.student_id)),
  }));
  return {
    sheet: { title: exam.title, subject: exam.subject, questions: scoredQuestions(exam.scale ?? []), students: sheetStudents },
    examDate: exam.exam_date,
  };
};

const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

/** Class, then name as a French reader sorts it; namesakes by birth date, then by id so the order never varies. */
const byClassAndName = (a: StudentRow, b: StudentRow): number =>
  collator.compare(a.class_name, b.class_name) ||
  collator.compare(a.last_name, b.last_name) ||
  collator.compare(a.first_name, b.first_name) ||
  a.birth_date.localeCompare(b.birth_date) ||
  a.student_id.localeCompare(b.student_id);

/** The scored (leaf) questions in reading order, labelled with their parents' labels ("Exercice 1 › 1.a"). */
const scoredQuestions = (scale: readonly GradingQuestion[], parents = ''): GradeSheetQuestion[] =>
  scale.flatMap((question) => {
    const label = parents ? `${parents} › ${question.label}` : question.label;
    return question.children
      ? scoredQuestions(question.children, label)
      : [{ questionId: question.questionId, label, maxPoints: question.maxPoints }];
  });
