import { examDecider, examStreamId } from '#domain';
import type { RosterEntry } from '#ocr';
import type { Runtime } from '../../runtime/runtime.js';
import { loadStream } from '../../shared/execute-command.js';

/** The students the exam is for: its classes in the roster, withdrawn students left out. */
export const examRoster = async (runtime: Runtime, examId: string): Promise<RosterEntry[]> => {
  const exam = (await loadStream(runtime.store, examStreamId(examId), examDecider)).state;
  const { rows } = await runtime.pool.query<{
    student_id: string;
    last_name: string;
    first_name: string;
    birth_date: string;
    class_name: string;
    ine: string | null;
  }>(
    `SELECT student_id, last_name, first_name, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, class_name, ine
     FROM students WHERE class_name = ANY($1::text[]) AND NOT withdrawn`,
    [[...exam.classNames]],
  );
  return rows.map((row) => ({
    studentId: row.student_id,
    lastName: row.last_name,
    firstName: row.first_name,
    birthDate: row.birth_date,
    className: row.class_name,
    ine: row.ine,
  }));
};

/** Students already identified on copies of the exam that did not come from this scan. */
export const takenElsewhere = async (runtime: Runtime, examId: string, scanId: string): Promise<Set<string>> => {
  const { rows } = await runtime.pool.query<{ student_id: string }>(
    `SELECT student_id FROM copies WHERE exam_id = $1 AND scan_id <> $2 AND student_id IS NOT NULL`,
    [examId, scanId],
  );
  return new Set(rows.map((row) => row.student_id));
};
