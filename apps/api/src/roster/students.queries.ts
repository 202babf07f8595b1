import type { Pool } from 'pg';
import { foldName } from '#domain';
import { notFound } from '../shared/errors.js';
import type { SchoolClass, Student } from './roster.models.js';

type StudentRow = {
  student_id: string;
  login_code: string;
  last_name: string;
  first_name: string;
  birth_date: string;
  class_name: string;
  group_name: string | null;
  email: string | null;
  ine: string | null;
  withdrawn: boolean;
  password_hash: string | null;
  access_code_hash: string | null;
  access_expires_at: Date | null;
};

const COLUMNS = `student_id, login_code, last_name, first_name, birth_date::text AS birth_date, class_name, group_name, email, ine,
  withdrawn, password_hash, access_code_hash, access_expires_at`;
const ORDER = 'ORDER BY class_name, last_name, first_name, student_id';
export const STUDENTS_LIST_MAX = 5000;

const toModel = (row: StudentRow): Student => ({
  studentId: row.student_id,
  login: row.login_code,
  lastName: row.last_name,
  firstName: row.first_name,
  birthDate: row.birth_date,
  className: row.class_name,
  group: row.group_name,
  email: row.email,
  ine: row.ine,
  withdrawn: row.withdrawn,
  hasPassword: row.password_hash !== null,
  accessCodePending: row.access_code_hash !== null,
  accessExpiresAt: row.access_expires_at?.toISOString() ?? null,
});

/**
 * The roster, optionally one class, optionally searched: the search folds case, accents, hyphens and
 * apostrophes like the roster matcher does (`eloise` finds `Éloïse`), and also matches INE and e-mail.
 */
export const listStudents = async (
  pool: Pool,
  filter: { className?: string; search?: string; includeWithdrawn?: boolean },
): Promise<Student[]> => {
  const { rows } = await pool.query<StudentRow>(
    `SELECT ${COLUMNS} FROM students WHERE ($1::text IS NULL OR class_name = $1) AND ($2 OR NOT withdrawn) ${ORDER}`,
    [filter.className?.trim() || null, filter.includeWithdrawn ?? false],
  );
  const needle = foldName(filter.search ?? '');
  const matches = (row: StudentRow): boolean =>
    needle === '' ||
    foldName(`${row.last_name}${row.first_name}`).includes(needle) ||
    foldName(`${row.first_name}${row.last_name}`).includes(needle) ||
    foldName(row.ine ?? '') === needle ||
    foldName(row.email ?? '').includes(needle);
  return rows.filter(matches).slice(0, STUDENTS_LIST_MAX).map(toModel);
};

export const findStudent = async (pool: Pool, studentId: string): Promise<Student> => {
  const { rows } = await pool.query<StudentRow>(`SELECT ${COLUMNS} FROM students WHERE student_id = $1`, [studentId]);
  if (!rows[0]) throw notFound('Élève introuvable.');
  return toModel(rows[0]);
};

export const listClasses = async (pool: Pool): Promise<SchoolClass[]> => {
  const { rows } = await pool.query<{ name: string; count: number }>(
    `SELECT class_name AS name, count(*)::int AS count FROM students WHERE NOT withdrawn GROUP BY class_name ORDER BY class_name`,
  );
  return rows;
};
