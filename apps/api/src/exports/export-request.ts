import { badInput } from '../shared/errors.js';
import { decimalPlaces } from './formats/decimal.js';
import { MAX_COEFFICIENT } from './formats/pronote-csv.js';

export type GradeExportFormat = 'pronote' | 'csv' | 'xlsx';
export const GRADE_EXPORT_FORMATS: readonly GradeExportFormat[] = ['pronote', 'csv', 'xlsx'];

export interface GradeExportRequest {
  readonly format: GradeExportFormat;
  /** Pronote only: COEFF (1 when not given). */
  readonly coefficient: number | null;
  /** Pronote only: MATIERE instead of the exam's subject. */
  readonly subject: string | null;
}

const SUBJECT_MAX = 100;
const KNOWN = new Set(['format', 'coefficient', 'subject']);

/**
 * The query string of an export (`?format=pronote&coefficient=0,5&subject=Maths`), checked strictly:
 * a parameter that would be ignored is refused, so nobody downloads a file they did not ask for.
 */
export const parseExportRequest = (query: Record<string, unknown>): GradeExportRequest => {
  const unknown = Object.keys(query).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) throw badInput(`Paramètre inconnu : ${unknown.join(', ')}. Attendus : format, coefficient, subject.`);
  const format = single(query, 'format');
  if (format === null || !(GRADE_EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw badInput('Format d’export inconnu : « pronote », « csv » ou « xlsx ».');
  }
  const coefficientText = single(query, 'coefficient');
  const subjectText = single(query, 'subject');
  if (format !== 'pronote' && (coefficientText !== null || subjectText !== null)) {
    throw badInput('Le coefficient et la matière ne s’appliquent qu’à l’export Pronote.');
  }
  return {
    format: format as GradeExportFormat,
    coefficient: coefficientText === null || coefficientText.trim() === '' ? null : coefficient(coefficientText),
    subject: subjectText === null || subjectText.trim() === '' ? null : subject(subjectText),
  };
};

const single = (query: Record<string, unknown>, key: string): string | null => {
  const value = query[key];
  if (value === undefined) return null;
  if (typeof value !== 'string') throw badInput(`Le paramètre « ${key} » est donné plusieurs fois.`);
  return value;
};

/** "0,5" or "0.5": above 0, at most MAX_COEFFICIENT, two decimals at most (what Pronote accepts). */
const coefficient = (text: string): number => {
  const normalised = text.trim().replace(',', '.');
  const value = /^\d{1,3}(\.\d+)?$/.test(normalised) ? Number(normalised) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0 || value > MAX_COEFFICIENT || decimalPlaces(value) > 2) {
    throw badInput(
      `Coefficient invalide : un nombre supérieur à 0 et au plus ${MAX_COEFFICIENT}, avec deux décimales au plus (ex. 1, 0,5, 2).`,
    );
  }
  return value;
};

const subject = (text: string): string => {
  const value = text.trim().replace(/\s+/g, ' ');
  // eslint-disable-next-line no-control-regex
  if ([...value].length > SUBJECT_MAX || /[\u0000-\u001F\u007F]/.test(value)) {
    throw badInput(`Matière invalide : une ligne de ${SUBJECT_MAX} caractères au plus.`);
  }
  return value;
};
