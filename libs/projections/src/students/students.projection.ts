import type { ClientBase } from 'pg';
import type { RecordedEvent } from '#event-store';
import { type Projection, rowUpdater } from '../runner/projection.js';

/**
 * Students and classes: the roster the exam office manages, the matcher reads, and students sign
 * in against (login = e-mail, INE or the short code printed on their access slip).
 */
export const studentsProjection: Projection = {
  name: 'students',
  version: 1,
  eventTypes: ['StudentEnrolled', 'StudentUpdated', 'StudentWithdrawn', 'StudentAccessIssued', 'StudentAccessUsed', 'StudentPasswordSet'],
  tables: [{ name: 'students', key: 'student_id' }],
  async setup(db: ClientBase) {
    await db.query(`
      CREATE TABLE IF NOT EXISTS students (
        student_id text PRIMARY KEY,
        login_code text NOT NULL,
        last_name text NOT NULL,
        first_name text NOT NULL,
        birth_date date NOT NULL,
        class_name text NOT NULL,
        group_name text,
        email text,
        ine text,
        withdrawn boolean NOT NULL DEFAULT false,
        access_code_hash text,
        access_expires_at timestamptz,
        password_hash text,
        must_change_password boolean NOT NULL DEFAULT true,
        revision bigint NOT NULL
      );
      CREATE INDEX IF NOT EXISTS students_class ON students (class_name, last_name, first_name);
      CREATE UNIQUE INDEX IF NOT EXISTS students_login_code ON students (login_code);
      CREATE INDEX IF NOT EXISTS students_email ON students (lower(email));
      CREATE INDEX IF NOT EXISTS students_ine ON students (upper(ine));`);
  },
  async apply(db: ClientBase, events: readonly RecordedEvent[]) {
    for (const event of events) {
      const id = event.streamId.slice('student-'.length);
      const data = event.data as Record<string, string | null | undefined>;
      const revision = event.revision.toString();
      const update = rowUpdater(db, 'students', 'student_id', id, event.revision);
      switch (event.type) {
        case 'StudentEnrolled':
          await db.query(
            `INSERT INTO students (student_id, login_code, last_name, first_name, birth_date, class_name, group_name, email, ine, revision)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (student_id) DO NOTHING`,
            [
              id,
              studentLoginCode(id),
              data.lastName,
              data.firstName,
              data.birthDate,
              data.className,
              data.group ?? null,
              data.email ?? null,
              data.ine ?? null,
              revision,
            ],
          );
          break;
        case 'StudentUpdated': {
          const columns: Record<string, string> = {
            lastName: 'last_name',
            firstName: 'first_name',
            birthDate: 'birth_date',
            className: 'class_name',
            group: 'group_name',
            email: 'email',
            ine: 'ine',
          };
          const changed = Object.keys(columns).filter((key) => key in data);
          if (changed.length === 0) break;
          await update(
            changed.map((key, i) => `${columns[key]} = $${i + 3}`).join(', '),
            changed.map((key) => data[key] ?? null),
          );
          break;
        }
        case 'StudentWithdrawn':
          await update('withdrawn = true, access_code_hash = NULL', []);
          break;
        case 'StudentAccessIssued':
          await update('access_code_hash = $3, access_expires_at = $4, password_hash = NULL, must_change_password = true', [
            data.codeHash,
            data.expiresAt ?? null,
          ]);
          break;
        case 'StudentAccessUsed':
          await update('access_code_hash = NULL', []);
          break;
        case 'StudentPasswordSet':
          await update('password_hash = $3, must_change_password = false', [data.passwordHash]);
          break;
      }
    }
  },
};

/** The short login printed on a student's access slip: stable, derived from the id, no look-alikes needed (hex). */
export const studentLoginCode = (studentId: string): string => studentId.replace(/-/g, '').slice(0, 10).toUpperCase();
