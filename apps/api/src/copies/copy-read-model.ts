import { Inject, Injectable } from '@nestjs/common';
import type { Session } from '../auth/sessions.js';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { forbidden, notFound } from '../shared/errors.js';
import { pageImageUrl } from '../files/file-urls.js';
import { type CopyRow, copySelect, toAnnotation, toIdentity, toSummary } from './copy-rows.js';
import type { AdminCopyModel, AdminCopySummaryModel, LockBoardEntryModel } from './models/copy-admin.models.js';
import type { AnnotationModel, CopyModel, CopyPageModel, CopyStatus, CopySummaryModel } from './models/copy.models.js';

/**
 * Copies as the read models show them (resolvers never read streams). Correctors get the anonymous
 * shapes, built without any student column; the exam office gets the student on top.
 */
@Injectable()
export class CopyReadModel {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  /** The correction workspace's copy, for its corrector or an admin. */
  /** `fields`: what the query selects on the copy (selectedFields); everything when absent. */
  async copyFor(session: Session, copyId: string, fields?: ReadonlySet<string>): Promise<CopyModel> {
    const row = await this.row(copyId, false);
    if (session.role !== 'admin' && !(session.role === 'teacher' && row.corrector_id === session.userId)) {
      throw forbidden('Cette copie n’est pas dans votre lot.');
    }
    return { ...toSummary(row), ...(await this.content(row, fields)) };
  }

  async adminCopy(copyId: string): Promise<AdminCopyModel> {
    const row = await this.row(copyId, true);
    return { ...toSummary(row), ...(await this.content(row)), ...toIdentity(row) };
  }

  async adminSummaries(examId: string, status: CopyStatus | null, copyIds?: readonly string[]): Promise<AdminCopySummaryModel[]> {
    const { rows } = await this.runtime.pool.query<CopyRow>(
      `${copySelect(true)} WHERE c.exam_id = $1 AND ($2::text IS NULL OR c.status = $2) AND ($3::text[] IS NULL OR c.copy_id = ANY($3))
       ORDER BY c.anonymous_code`,
      [examId, status, copyIds ?? null],
    );
    return rows.map((row) => ({ ...toSummary(row), ...toIdentity(row) }));
  }

  /** A teacher's lot: the copies assigned to them, in one exam or all. */
  async lot(teacherId: string, examId: string | null): Promise<CopySummaryModel[]> {
    const { rows } = await this.runtime.pool.query<CopyRow>(
      `${copySelect(false)} WHERE c.corrector_id = $1 AND ($2::text IS NULL OR c.exam_id = $2) ORDER BY c.exam_id, c.anonymous_code`,
      [teacherId, examId],
    );
    return rows.map(toSummary);
  }

  async lockBoard(examId: string | null): Promise<LockBoardEntryModel[]> {
    const { rows } = await this.runtime.pool.query<CopyRow>(
      `${copySelect(false)} WHERE c.lock_holder_id IS NOT NULL AND c.lock_until > now() AND ($1::text IS NULL OR c.exam_id = $1)
       ORDER BY c.locked_since, c.anonymous_code`,
      [examId],
    );
    return rows.map((row) => ({
      copyId: row.copy_id,
      examId: row.exam_id,
      examTitle: row.exam_title,
      anonymousCode: row.anonymous_code,
      holderId: row.lock_holder_id!,
      holderName: row.holder_name ?? '',
      since: row.locked_since?.toISOString() ?? null,
      until: row.lock_until!.toISOString(),
      secondsLeft: row.seconds_left ?? 0,
    }));
  }

  /** Whether a teacher corrects this exam: named among its correctors, or holding one of its copies. */
  async correctsExam(teacherId: string, examId: string): Promise<boolean> {
    const { rows } = await this.runtime.pool.query(
      `SELECT 1 FROM copy_exams WHERE exam_id = $1 AND corrector_ids ? $2
       UNION ALL SELECT 1 FROM copies WHERE exam_id = $1 AND corrector_id = $2 LIMIT 1`,
      [examId, teacherId],
    );
    return rows.length > 0;
  }

  async examOf(copyId: string): Promise<string> {
    const { rows } = await this.runtime.pool.query<{ exam_id: string }>(`SELECT exam_id FROM copies WHERE copy_id = $1`, [copyId]);
    if (!rows[0]) throw notFound('Copie introuvable.');
    return rows[0].exam_id;
  }

  /**
   * Pages, annotations, scores and remarks of one copy; with `fields`, only those the query selects
   * (the others are left empty: GraphQL sends only what was selected).
   */
  async content(row: Pick<CopyRow, 'copy_id' | 'appreciation' | 'scale_version'>, fields?: ReadonlySet<string>) {
    const wanted = (field: string): boolean => !fields || fields.has(field);
    const none = Promise.resolve({ rows: [] });
    const [pages, annotations, scores, remarks] = await Promise.all([
      wanted('pages') ? this.pages(row.copy_id) : [],
      wanted('annotations') ? this.annotations(row.copy_id) : [],
      wanted('scores')
        ? this.runtime.pool.query<{ questionId: string; points: number; scaleVersion: number }>(
            `SELECT question_id AS "questionId", points, scale_version AS "scaleVersion" FROM copy_scores WHERE copy_id = $1 ORDER BY question_id`,
            [row.copy_id],
          )
        : none,
      wanted('remarks')
        ? this.runtime.pool.query<{ questionId: string; text: string }>(
            `SELECT question_id AS "questionId", text FROM copy_remarks WHERE copy_id = $1 ORDER BY question_id`,
            [row.copy_id],
          )
        : none,
    ]);
    return {
      pages,
      annotations,
      scores: scores.rows,
      remarks: remarks.rows,
      appreciation: row.appreciation,
      scaleVersion: row.scale_version,
    };
  }

  async pages(copyId: string): Promise<CopyPageModel[]> {
    return (await this.pagesOf([copyId])).get(copyId) ?? [];
  }

  /** The pages of several copies in one query, each copy's in reading order. */
  async pagesOf(copyIds: readonly string[]): Promise<Map<string, CopyPageModel[]>> {
    const { rows } = await this.runtime.pool.query<Omit<CopyPageModel, 'imageUrl'> & { copyId: string; hasImage: boolean }>(
      `SELECT copy_id AS "copyId", page_id AS "pageId", number, position, image_blob_key IS NOT NULL AS "hasImage"
       FROM copy_pages WHERE copy_id = ANY($1) ORDER BY copy_id, position`,
      [copyIds],
    );
    const byCopy = new Map<string, CopyPageModel[]>();
    for (const { copyId, hasImage, ...page } of rows) {
      const pages = byCopy.get(copyId) ?? [];
      pages.push({ ...page, imageUrl: hasImage ? pageImageUrl(page.pageId) : null });
      byCopy.set(copyId, pages);
    }
    return byCopy;
  }

  async annotations(copyId: string): Promise<AnnotationModel[]> {
    const { rows } = await this.runtime.pool.query<{ body: Record<string, unknown> }>(
      `SELECT body FROM copy_annotations WHERE copy_id = $1 ORDER BY created_at, annotation_id`,
      [copyId],
    );
    return rows.map((row) => toAnnotation(row.body));
  }

  private async row(copyId: string, withStudent: boolean): Promise<CopyRow> {
    const { rows } = await this.runtime.pool.query<CopyRow>(`${copySelect(withStudent)} WHERE c.copy_id = $1`, [copyId]);
    if (!rows[0]) throw notFound('Copie introuvable.');
    return rows[0];
  }
}
