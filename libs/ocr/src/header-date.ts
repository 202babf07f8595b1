import { isCalendarDate } from '#domain';
import { ocrDistance } from './normalise-name.js';

/**
 * A pupil's age on the day the header is read: a date outside these bounds is not their birth date
 * but another date of the sheet (the exam's own, `Épreuve du 12 mars 2025`) or an OCR slip (`2027`).
 */
const BIRTH_AGE_YEARS = { min: 8, max: 30 } as const;

/** What the header says about the birth date: a calendar date, or the digits of one OCR bent out of the calendar. */
export interface BirthDateReading {
  birthDate?: string;
  birthDateDigits?: string;
}

/**
 * The birth date among `labelled` (the values after a "Né(e) le" label, best first) or, failing
 * that, the only plausible date of the whole `text`: a misread label must not leave the field empty,
 * and the exam's date on the title line must never stand in for it. When no plausible calendar date
 * is found, the digits of a labelled date that is no calendar date (`16/19/2008`) are kept for the
 * matcher to compare digit by digit.
 */
export function readBirthDate(labelled: readonly string[], text: string, today: Date): BirthDateReading {
  const plausible = (iso: string | undefined): iso is string => iso !== undefined && isPlausibleBirthDate(iso, today);
  for (const value of labelled) {
    const iso = parseHeaderDate(value);
    if (plausible(iso)) return { birthDate: iso };
  }
  const dates = new Set(
    [...text.matchAll(/\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}|\d{1,2}\s+\p{L}{3,9}\.?\s+\d{4}/gu)]
      .map((match) => parseHeaderDate(match[0]))
      .filter(plausible),
  );
  if (dates.size === 1) return { birthDate: [...dates][0]! };
  for (const value of labelled) {
    const digits = dateDigits(value);
    if (digits && plausibleYear(Number(digits.slice(4)), today)) return { birthDateDigits: digits };
  }
  return {};
}

function isPlausibleBirthDate(iso: string, today: Date): boolean {
  const [year = 0, month = 0, day = 0] = iso.split('-').map(Number);
  const hadBirthday = (today.getUTCMonth() + 1) * 100 + today.getUTCDate() >= month * 100 + day;
  const age = today.getUTCFullYear() - year - (hadBirthday ? 0 : 1);
  return age >= BIRTH_AGE_YEARS.min && age <= BIRTH_AGE_YEARS.max;
}

const plausibleYear = (year: number, today: Date): boolean =>
  year >= today.getUTCFullYear() - BIRTH_AGE_YEARS.max - 1 && year <= today.getUTCFullYear() - BIRTH_AGE_YEARS.min;

const MONTHS = ['janvier', 'fevrier', 'mars', 'avril', 'mai', 'juin', 'juillet', 'aout', 'septembre', 'octobre', 'novembre', 'decembre'];
/** Look-alikes of digits inside a date: `17/O5/2OO8`, `l7.05.2008`. */
const DIGIT_LOOK_ALIKES: Record<string, string> = {
  o: '0',
  d: '0',
  q: '0',
  l: '1',
  i: '1',
  '|': '1',
  '!': '1',
  s: '5',
  z: '2',
  b: '8',
  g: '9',
};
const DIGIT_RUN = /[0-9olidqszbg|!]+(?:\s*[-./,]\s*[0-9olidqszbg|!]+|\s+[0-9]+)*/g;

const fold = (raw: string): string => raw.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const digitGroups = (run: string): string[] =>
  run.split(/[\s\-./,]+/).map((group) => [...group].map((char) => DIGIT_LOOK_ALIKES[char] ?? char).join(''));

/**
 * A birth date as people write it — `17/05/2008`, `17-05-08`, `17.5.2008`, `17 mai 2008`, `1er mai 08`,
 * `17052008`, `2008-05-17` — to ISO yyyy-mm-dd. French order (day first); a date that is only valid
 * month first is read that way. Two-digit years: 00–49 → 20xx, 50–99 → 19xx.
 */
export function parseHeaderDate(raw: string): string | undefined {
  const text = fold(raw);
  const worded = /(\d{1,2})(?:er)?\s*[-./]?\s*([a-z]{3,9})\.?\s*[-./]?\s*(\d{4}|\d{2})(?!\d)/.exec(text);
  if (worded) {
    const month = monthNumber(worded[2] ?? '');
    if (month) return isoDate(Number(worded[1]), month, worded[3] ?? '');
  }
  for (const match of text.matchAll(DIGIT_RUN)) {
    if ((match[0].match(/[0-9]/g) ?? []).length < 4) continue;
    const date = dateFromGroups(digitGroups(match[0]));
    if (date) return date;
  }
  return undefined;
}

/**
 * Day, month and four-digit year written as three groups that make no calendar date (`16/19/2008`,
 * a digit misread): their eight digits ddmmyyyy, which may still be one digit away from the truth.
 */
function dateDigits(raw: string): string | undefined {
  for (const match of fold(raw).matchAll(DIGIT_RUN)) {
    const groups = digitGroups(match[0]).filter((group) => group !== '');
    for (let i = 0; i + 3 <= groups.length; i++) {
      const [day = '', month = '', year = ''] = groups.slice(i, i + 3);
      const digits = day + month + year;
      if (
        day.length === 2 &&
        month.length === 2 &&
        year.length === 4 &&
        /^\d{8}$/.test(digits) &&
        !isoDate(Number(day), Number(month), year)
      )
        return digits;
    }
  }
  return undefined;
}

/**
 * Three groups day/month/year (or year-month-day), a four-digit year preferred (`l 17/05/2008` is not
 * 1 17 05); with fewer than three groups, the digits alone when OCR lost the separators (ddmmyyyy,
 * ddmmyy) — but only when the groups are whole fields glued together (`1705/2008`): `12/2008` lacks
 * a field and is not read as 12/20/08.
 */
function dateFromGroups(groups: string[]): string | undefined {
  const windows = groups.slice(0, -2).map((_, i) => groups.slice(i, i + 3));
  for (const yearLength of [4, 2]) {
    for (const [a = '', b = '', c = ''] of windows) {
      const date =
        a.length === 4 && b.length <= 2 && c.length <= 2
          ? isoDate(Number(c), Number(b), a)
          : c.length === yearLength && a.length <= 2 && b.length <= 2
            ? isoDate(Number(a), Number(b), c)
            : undefined;
      if (date) return date;
    }
  }
  const digits = groups.join('');
  if (groups.length >= 3 || (digits.length !== 8 && digits.length !== 6)) return undefined;
  if (groups.length === 2 && groups[0]!.length !== 4 && groups[1]!.length !== 6) return undefined;
  // Glued digits are read day first only: `122008` is no 20 December.
  return isoDate(Number(digits.slice(0, 2)), Number(digits.slice(2, 4)), digits.slice(4), { dayFirstOnly: true });
}

function isoDate(day: number, month: number, yearText: string, options: { dayFirstOnly?: boolean } = {}): string | undefined {
  const year = yearText.length === 2 ? (Number(yearText) < 50 ? 2000 : 1900) + Number(yearText) : Number(yearText);
  if (year < 1900 || year > 2099) return undefined;
  const iso = (d: number, m: number): string => `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (isCalendarDate(iso(day, month))) return iso(day, month);
  if (!options.dayFirstOnly && isCalendarDate(iso(month, day))) return iso(month, day);
  return undefined;
}

/** `mai`, `fevr.`, `sept`, `decembre`, OCR-bent by a letter at most. */
function monthNumber(word: string): number | undefined {
  const exact = MONTHS.findIndex(
    (month) => month === word || (word.length >= 3 && month.startsWith(word) && word !== 'jui' && word !== 'ju'),
  );
  if (exact >= 0) return exact + 1;
  // `jui` is one letter from both juin and juillet: an OCR-bent month needs four letters.
  const close = word.length >= 4 ? MONTHS.findIndex((month) => ocrDistance(word, month) <= 1) : -1;
  return close >= 0 ? close + 1 : undefined;
}
