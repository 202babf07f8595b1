import { Inject, Injectable } from '@nestjs/common';
import type { HeaderCandidate } from '#domain';
import { RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { badInput, notFound } from '../../shared/errors.js';
import { headerImageUrl } from '../../files/file-urls.js';
import { CopyReadModel } from '../copy-read-model.js';
import { toFlags } from '../copy-rows.js';
import type { CopyFlagReason } from '../models/copy-admin.models.js';
import type { CopyPageModel, CopyStatus } from '../models/copy.models.js';
import type { DeskCandidateModel, DeskCopyModel, DeskStudentModel, IdentificationDeskModel } from './identification-desk.models.js';
import { DeskFilter } from './identification-desk.models.js';
import { identificationProgress } from './identification-progress.js';
import { searchRoster } from './roster-search.js';

interface DeskRow {
  copy_id: string;
  anonymous_code: string;
  status: CopyStatus;
  scan_id: string;
  flags: { reason: CopyFlagReason; note?: string }[];
  header: { engine: string; text: string; confidence: number; candidates: HeaderCandidate[]; imageBlobKey?: string | null } | null;
  student_id: string | null;
  identification_method: string | null;
  cursor: [string, string, number, string];
}

interface StudentRow {
  student_id: string;
  last_name: string;
  first_name: string;
  class_name: string;
  birth_date: string;
  withdrawn: boolean;
}

const toStudent = (row: StudentRow): DeskStudentModel => ({
  id: row.student_id,
  lastName: row.last_name,
  firstName: row.first_name,
  className: row.class_name,
  birthDate: row.birth_date,
  withdrawn: row.withdrawn,
});

const STUDENT_COLUMNS = `student_id, last_name, first_name, class_name, birth_date::text AS birth_date, withdrawn`;
export const DESK_PAGE_MAX = 200;

/** The cursor is the last row's place in scan order, opaque to the portal. */
const encodeCursor = (cursor: DeskRow['cursor']): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');
const decodeCursor = (value: string): DeskRow['cursor'] => {
  try {
    const cursor = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(cursor) && cursor.length === 4 && typeof cursor[2] === 'number') return cursor as DeskRow['cursor'];
  } catch {
    // reported below
  }
  throw badInput('Curseur de pagination invalide.');
};

/**
 * The identification desk (DESIGN §7, §8) on the read models: the copies of an exam in scan order
 * (each scan as imported, then page order, so the desk follows the paper pile), what OCR read, the
 * candidates with their roster details, and whether each candidate is already taken by another copy.
 */
@Injectable()
export class IdentificationDeskQueries {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CopyReadModel) private readonly copies: CopyReadModel,
  ) {}

  async desk(examId: string, filter: DeskFilter, first: number, after: string | null): Promise<IdentificationDeskModel> {
    if (!Number.isInteger(first) || first < 1 || first > DESK_PAGE_MAX) throw badInput(`Entre 1 et ${DESK_PAGE_MAX} copies par page.`);
    const cursor = after ? decodeCursor(after) : null;
    const { rows } = await this.runtime.pool.query<DeskRow>(
      `WITH scans AS (SELECT scan_id, min(imported_at) AS started FROM copies WHERE exam_id = $1 GROUP BY scan_id),
       desk AS (
         SELECT c.copy_id, c.anonymous_code, c.status, c.scan_id, c.flags, c.header, c.student_id, c.identification_method,
                s.started, (SELECT coalesce(min(number), 0) FROM copy_pages p WHERE p.copy_id = c.copy_id) AS first_number
         FROM copies c JOIN scans s ON s.scan_id = c.scan_id
         WHERE c.exam_id = $1 AND ($2::text = 'all' OR c.student_id IS NULL))
       SELECT *, json_build_array(started::text, scan_id, first_number, copy_id) AS cursor FROM desk
       WHERE $3::text IS NULL OR (started, scan_id, first_number, copy_id) > ($3::timestamptz, $4::text, $5::int, $6::text)
       ORDER BY started, scan_id, first_number, copy_id LIMIT $7`,
      [examId, filter, cursor?.[0] ?? null, cursor?.[1] ?? null, cursor?.[2] ?? null, cursor?.[3] ?? null, first + 1],
    );
    const page = rows.slice(0, first);
    const [progress, pages, candidates, identified] = await Promise.all([
      identificationProgress(this.runtime.pool, examId),
      this.copies.pagesOf(page.map((row) => row.copy_id)),
      this.candidatesOf(examId, [...new Set(page.flatMap((row) => row.header?.candidates.map((c) => c.studentId) ?? []))]),
      this.students(page.flatMap((row) => (row.student_id ? [row.student_id] : []))),
    ]);
    return {
      examId,
      progress,
      items: page.map((row) => this.item(row, pages.get(row.copy_id) ?? [], candidates, identified)),
      nextCursor: rows.length > first ? encodeCursor(page[page.length - 1]!.cursor) : null,
    };
  }

  /** The type-ahead over the exam's classes (students who left the school excepted). */
  async rosterSearch(examId: string, text: string, first: number): Promise<DeskCandidateModel[]> {
    if (!Number.isInteger(first) || first < 1 || first > 50) throw badInput('Entre 1 et 50 élèves.');
    const exam = await this.runtime.pool.query<{ class_names: string[] }>(`SELECT class_names FROM exams WHERE exam_id = $1`, [examId]);
    if (!exam.rows[0]) throw notFound('Examen introuvable.');
    const { rows } = await this.runtime.pool.query<StudentRow>(
      `SELECT ${STUDENT_COLUMNS} FROM students WHERE class_name = ANY($1) AND NOT withdrawn`,
      [exam.rows[0].class_names],
    );
    const found = searchRoster(text, rows.map(toStudent), first);
    const taken = await this.takenBy(
      examId,
      found.map((student) => student.id),
    );
    return found.map((student) => ({
      student,
      score: null,
      taken: taken.has(student.id),
      takenByAnonymousCode: taken.get(student.id)?.code ?? null,
    }));
  }

  private item(
    row: DeskRow,
    pages: CopyPageModel[],
    candidates: { students: Map<string, StudentRow>; taken: Map<string, { copyId: string; code: string }> },
    identified: Map<string, StudentRow>,
  ): DeskCopyModel {
    const header = row.header;
    const student = row.student_id ? identified.get(row.student_id) : undefined;
    return {
      copyId: row.copy_id,
      anonymousCode: row.anonymous_code,
      status: row.status,
      scanId: row.scan_id,
      pageNumbers: pages.map((p) => p.number),
      pages,
      flags: toFlags(row.flags),
      headerImageUrl: header?.imageBlobKey ? headerImageUrl(row.copy_id) : null,
      text: header?.text ?? null,
      confidence: header?.confidence ?? null,
      engine: header?.engine ?? null,
      candidates: (header?.candidates ?? []).flatMap(({ studentId, score }) => {
        const known = candidates.students.get(studentId);
        const holder = candidates.taken.get(studentId);
        const taken = holder !== undefined && holder.copyId !== row.copy_id;
        return known ? [{ student: toStudent(known), score, taken, takenByAnonymousCode: taken ? holder.code : null }] : [];
      }),
      student: student
        ? { studentId: student.student_id, lastName: student.last_name, firstName: student.first_name, className: student.class_name }
        : null,
      identificationMethod: row.identification_method,
    };
  }

  private async candidatesOf(examId: string, studentIds: string[]) {
    const [students, taken] = await Promise.all([this.students(studentIds), this.takenBy(examId, studentIds)]);
    return { students, taken };
  }

  private async students(studentIds: string[]): Promise<Map<string, StudentRow>> {
    if (studentIds.length === 0) return new Map();
    const { rows } = await this.runtime.pool.query<StudentRow>(`SELECT ${STUDENT_COLUMNS} FROM students WHERE student_id = ANY($1)`, [
      studentIds,
    ]);
    return new Map(rows.map((row) => [row.student_id, row]));
  }

  /** Which copy of the exam each student is identified on. */
  private async takenBy(examId: string, studentIds: string[]): Promise<Map<string, { copyId: string; code: string }>> {
    if (studentIds.length === 0) return new Map();
    const { rows } = await this.runtime.pool.query<{ student_id: string; copy_id: string; anonymous_code: string }>(
      `SELECT student_id, copy_id, anonymous_code FROM copies WHERE exam_id = $1 AND student_id = ANY($2)`,
      [examId, studentIds],
    );
    return new Map(rows.map((row) => [row.student_id, { copyId: row.copy_id, code: row.anonymous_code }]));
  }
}
