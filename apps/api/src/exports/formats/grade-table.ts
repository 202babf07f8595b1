import { formatHundredths, on20Hundredths, toHundredths } from './decimal.js';
import { type ExamGradeSheet, type GradeSheetStudent, STATUS_LABELS, frenchDate } from './grade-sheet.js';

/**
 * The detailed grade table the plain CSV and the Excel file share: one row per student, one column
 * per scored question. Numbers stay exact hundredths until each format writes them its own way
 * (a decimal comma in CSV, a real number in Excel).
 */
export type GradeCell = { readonly text: string } | { readonly hundredths: bigint } | null;

export interface GradeTable {
  readonly header: readonly string[];
  /** The mark out of 20 (shown with two decimals in Excel). */
  readonly on20Column: number;
  readonly rows: readonly (readonly GradeCell[])[];
}

const IDENTITY = ['Classe', 'Nom', 'Prénom', 'Date de naissance', 'Code anonyme', 'Statut'];
const TOTALS = ['Total', 'Barème', 'Note /20'];

/** A question's maximum in its header, French-style ("(/2,5)"). */
const points = (value: number): string => formatHundredths(toHundredths(value), ',');

export const gradeTable = (sheet: ExamGradeSheet): GradeTable => {
  const header = [...IDENTITY, ...sheet.questions.map((q) => `${q.label} (/${points(q.maxPoints)})`), ...TOTALS, 'Appréciation'];
  const on20Column = IDENTITY.length + sheet.questions.length + TOTALS.length - 1;
  return { header, on20Column, rows: sheet.students.map((student) => row(sheet, student)) };
};

const text = (value: string): GradeCell => ({ text: value });
const number = (value: number): GradeCell => ({ hundredths: toHundredths(value) });

const row = (sheet: ExamGradeSheet, student: GradeSheetStudent): GradeCell[] => {
  const { result } = student;
  const identity = [
    text(student.className),
    text(student.lastName),
    text(student.firstName),
    text(frenchDate(student.birthDate)),
    result.status === 'absent' ? null : text(result.anonymousCode),
    text(STATUS_LABELS[result.status]),
  ];
  if (result.status !== 'finalised') return [...identity, ...sheet.questions.map(() => null), null, null, null, null];
  const on20 = on20Hundredths(result.total, result.max);
  return [
    ...identity,
    ...sheet.questions.map((question) => {
      const scored = result.scores[question.questionId];
      return scored === undefined ? null : number(scored);
    }),
    number(result.total),
    number(result.max),
    on20 === null ? null : { hundredths: on20 },
    result.appreciation === '' ? null : text(result.appreciation),
  ];
};
