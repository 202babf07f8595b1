import { Inject, Injectable } from '@nestjs/common';
import type { CorrectedCopyPdf, GradingQuestion } from '#domain';
import { correctedPdfOf } from '../corrected-copies/corrected-pdf.model.js';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { CopyReadModel } from './copy-read-model.js';
import type { StudentResultModel } from './models/student-result.models.js';

interface ResultRow {
  copy_id: string;
  exam_id: string;
  total: number;
  max: number;
  appreciation: string;
  title: string;
  subject: string;
  exam_date: string | null;
  published_at: Date | null;
  scale: GradingQuestion[] | null;
  corrected_pdf: CorrectedCopyPdf | null;
}

/**
 * A student's own results (DESIGN §1): only copies identified as them, only for exams whose results
 * are published, only once finalised. Nothing of anyone else's copy is ever selected.
 */
@Injectable()
export class StudentResults {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CopyReadModel) private readonly copies: CopyReadModel,
  ) {}

  async of(studentId: string): Promise<StudentResultModel[]> {
    const { rows } = await this.runtime.pool.query<ResultRow>(
      `SELECT c.copy_id, c.exam_id, c.total, c.max, c.appreciation, e.title, e.subject, e.exam_date, e.published_at, e.scale, c.corrected_pdf
       FROM copies c JOIN copy_exams e ON e.exam_id = c.exam_id
       WHERE c.student_id = $1 AND c.finalised AND e.published
       ORDER BY e.published_at DESC NULLS LAST, e.title`,
      [studentId],
    );
    return Promise.all(rows.map((row) => this.result(row)));
  }

  private async result(row: ResultRow): Promise<StudentResultModel> {
    const [scores, remarks, pages, annotations] = await Promise.all([
      this.runtime.pool.query<{ question_id: string; points: number }>(`SELECT question_id, points FROM copy_scores WHERE copy_id = $1`, [
        row.copy_id,
      ]),
      this.runtime.pool.query<{ question_id: string; text: string }>(`SELECT question_id, text FROM copy_remarks WHERE copy_id = $1`, [
        row.copy_id,
      ]),
      this.copies.pages(row.copy_id),
      this.copies.annotations(row.copy_id),
    ]);
    const points = new Map(scores.rows.map((score) => [score.question_id, score.points]));
    const texts = new Map(remarks.rows.map((remark) => [remark.question_id, remark.text]));
    return {
      examId: row.exam_id,
      title: row.title,
      subject: row.subject,
      date: row.exam_date,
      publishedAt: row.published_at?.toISOString() ?? null,
      copyId: row.copy_id,
      total: row.total,
      max: row.max,
      totalOn20: row.max > 0 ? Math.round((row.total / row.max) * 20 * 100) / 100 : 0,
      questions: scoredQuestions(row.scale ?? []).map((question) => ({
        questionId: question.questionId,
        label: question.label,
        maxPoints: question.maxPoints,
        points: points.get(question.questionId) ?? null,
        remark: texts.get(question.questionId) ?? null,
      })),
      appreciation: row.appreciation,
      pages,
      annotations,
      correctedPdf: correctedPdfOf({ copy_id: row.copy_id, status: 'finalised', corrected_pdf: row.corrected_pdf }, 'named'),
    };
  }
}

/** The scored questions in reading order, each labelled with its parents' labels ("Exercice 1 › 1.a"). */
const scoredQuestions = (scale: readonly GradingQuestion[], parents = ''): GradingQuestion[] =>
  scale.flatMap((question) => {
    const label = parents ? `${parents} › ${question.label}` : question.label;
    return question.children ? scoredQuestions(question.children, label) : [{ ...question, label }];
  });
