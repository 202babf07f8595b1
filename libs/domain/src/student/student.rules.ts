/**
 * What makes a student's identity well-formed. Shared by the student decider and the roster parser so
 * that a roster line is refused for exactly the reasons an enrolment would be.
 */
export const NAME_MAX = 100;
export const CLASS_MAX = 50;

/** NFC (files from a Mac arrive decomposed), trimmed, inner whitespace collapsed. */
export const normaliseText = (value: string): string => value.normalize('NFC').trim().replace(/\s+/g, ' ');

export const nameProblem = (value: string, what: string): string | null => {
  const length = [...value].length;
  if (length === 0) return `${what} is missing`;
  if (length > NAME_MAX) return `${what} is longer than ${NAME_MAX} characters`;
  return null;
};

/** A real calendar day written YYYY-MM-DD: 2023-02-30 is refused (Date.parse would roll it into March). */
export const isCalendarDate = (value: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
};

/**
 * A birth date must be a real day, after 1900 (a typo like 1008 or 0208 is caught) and, when we know
 * today's date, before it. The parser has no clock, so `today` is optional there; the decider always has one.
 */
export const birthDateProblem = (value: string, today?: string): string | null => {
  if (!isCalendarDate(value)) return 'the birth date is not a real date';
  if (value < '1900-01-01') return 'the birth date is before 1900';
  if (today !== undefined && value >= today.slice(0, 10)) return 'the birth date is not in the past';
  return null;
};

/**
 * INE (identifiant national élève), 11 characters. Two shapes are in use: 10 digits + 1 letter
 * (INE-BEA, from the ministry's pupil base) and 9 digits + 2 letters (INE-RNIE and apprentices' INE-Base).
 * One pattern covers both: 9 digits, a digit or a letter, a letter. The check character's algorithm
 * differs between shapes, so we do not verify it: refusing a real INE would block an import, while a
 * wrong one only weakens a match the handler still confirms by name and birth date. Stored upper-case.
 */
export const INE_PATTERN = /^[0-9]{9}[A-Z0-9][A-Z]$/i;
export const normaliseIne = (value: string): string => value.trim().toUpperCase();
export const isValidIne = (value: string): boolean => INE_PATTERN.test(value);
