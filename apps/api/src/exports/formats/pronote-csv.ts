import { csvFile, csvText, oneLine } from './csv-field.js';
import { decimalPlaces, formatHundredths, on20Hundredths, toHundredths } from './decimal.js';
import { type ExamGradeSheet, type GradeSheetStudent, frenchDate } from './grade-sheet.js';

export interface PronoteOptions {
  /** MATIERE; the exam's subject when absent. */
  readonly subject?: string;
  /** COEFF, > 0 with at most two decimals; 1 when absent. */
  readonly coefficient?: number;
}

export const PRONOTE_HEADER = ['NOM', 'PRENOM', 'DATE_NAISSANCE', 'MATIERE', 'NOTE', 'COEFF', 'COMMENTAIRE'] as const;

/**
 * Pronote's own codes in the NOTE column (Index Éducation, "saisie des notes"): A absent, E exempt,
 * N not graded, I unfit, S not submitted (all left out of the average); Z and W are an absence or a
 * missing paper counted as 0. Korrigo knows two of these situations and emits the codes that leave
 * the average untouched, so nothing is counted against a student on a guess:
 * - A: the student is enrolled in the exam's classes and no copy of theirs was scanned (the exam
 *   office can turn it into Z in Pronote if the absence is unjustified);
 * - N: the copy exists but its correction is not finalised (or its scale is worth 0 points).
 */
export const PRONOTE_CODES = { absent: 'A', notGraded: 'N' } as const;

/**
 * The file Pronote imports (DESIGN §10): `NOM;PRENOM;DATE_NAISSANCE;MATIERE;NOTE;COEFF;COMMENTAIRE`,
 * UTF-8 with BOM, `;`, CRLF, marks out of 20 half-up to hundredths with a decimal comma and no
 * trailing zeros ("16,25", "12,5", "12"), the appreciation on one line, formulas neutralised.
 */
export const pronoteCsv = (sheet: ExamGradeSheet, options: PronoteOptions = {}): Buffer => {
  const subject = options.subject ?? sheet.subject;
  const coefficient = formatHundredths(toHundredths(checkedCoefficient(options.coefficient ?? 1)), ',');
  const lines = sheet.students.map((student) => [
    csvText(student.lastName),
    csvText(student.firstName),
    frenchDate(student.birthDate),
    csvText(subject),
    note(student),
    coefficient,
    student.result.status === 'finalised' ? csvText(oneLine(student.result.appreciation)) : '',
  ]);
  return csvFile([[...PRONOTE_HEADER], ...lines]);
};

const note = ({ result }: GradeSheetStudent): string => {
  if (result.status === 'absent') return PRONOTE_CODES.absent;
  if (result.status === 'not_finalised') return PRONOTE_CODES.notGraded;
  const hundredths = on20Hundredths(result.total, result.max);
  return hundredths === null ? PRONOTE_CODES.notGraded : formatHundredths(hundredths, ',');
};

export const MAX_COEFFICIENT = 100;

/** Pronote coefficients are positive with at most two decimals (the API turns a bad one into a 400 first). */
export const checkedCoefficient = (coefficient: number): number => {
  if (!Number.isFinite(coefficient) || coefficient <= 0 || coefficient > MAX_COEFFICIENT || decimalPlaces(coefficient) > 2) {
    throw new RangeError(`a coefficient must be above 0, at most ${MAX_COEFFICIENT}, with at most two decimals: ${coefficient}`);
  }
  return coefficient;
};
