import type { HeaderFields } from './header-fields.js';
import type { RosterEntry } from './match-roster.js';
import { nameEvidence, nameRivals } from './name-evidence.js';
import { isEmptyName, nameKey, stringSimilarity, type NameKey } from './normalise-name.js';

/**
 * How strongly a header read speaks for each student of the roster. Every field read brings evidence
 * — a natural log-likelihood ratio: how much likelier this read is if the student wrote it than if
 * someone else did — positive when it agrees, negative when it disagrees, nothing when it was not
 * read. Evidence adds up across fields, so an exact birth date and surname stay strong when the first
 * name was half read, where a mean of similarities would be dragged down by it. A clear
 * contradiction is also recorded: it keeps the student from an automatic identification whatever
 * the rest says (OCR bends a field, but rarely into another plausible value).
 */

export interface PreparedEntry {
  entry: RosterEntry;
  lastName: NameKey;
  firstName: NameKey;
  className?: string;
  ine?: string;
  /** Other roster students with a name this alike (`MARTIN Léa` / `MARTIN Léo`): told apart only by birth date or INE. */
  lookAlikes: PreparedEntry[];
}
export interface PreparedRead {
  lastName?: NameKey;
  firstName?: NameKey;
  className?: string;
  birthDate?: string;
  birthDateDigits?: string;
  ine?: string;
  /** Not one field was read. */
  empty: boolean;
  /** Enough was read to single out one pupil: a surname (or INE) and one more identifying field. */
  identifying: boolean;
}
export interface Evidence {
  /** Sum of the fields' log-likelihood ratios. */
  total: number;
  /** A field read clearly that this student's roster entry contradicts, or a surname that does not agree. */
  contradicted: boolean;
  /**
   * Something singles the student out among pupils sharing their surname — siblings and twins, maybe
   * outside the roster: the first name read nearly exactly, the INE, or the exact birth date with the
   * exact surname and a first name more like theirs than like anyone else's.
   */
  decisive: boolean;
}

/** Below this the surname does not agree: no automatic identification without an exact INE. */
const SURNAME_AGREES = 0.6;
/** A surname this alike is read exactly but for an OCR slip (a look-alike letter in a long name). */
const EXACT_SURNAME = 0.9;
/** A first name this alike singles a pupil out among their siblings. */
const DECISIVE_FIRST_NAME = 0.8;
const DATE = { exact: 4.5, swapped: 2.5, oneDigit: 2, digitsOneOff: 1.5, contradiction: -3 };
const CLASS = { same: 1, different: -0.5 };
const INE = { exact: 8, oneOff: 2.5, different: -5 };

export function prepareEntry(entry: RosterEntry): PreparedEntry {
  const prepared: PreparedEntry = { entry, lastName: nameKey(entry.lastName), firstName: nameKey(entry.firstName), lookAlikes: [] };
  if (entry.className) prepared.className = compact(entry.className);
  if (entry.ine) prepared.ine = compact(entry.ine);
  return prepared;
}

export function prepareRead(fields: HeaderFields): PreparedRead {
  const read: PreparedRead = { empty: true, identifying: false };
  const lastName = fields.lastName ? nameKey(fields.lastName) : undefined;
  const firstName = fields.firstName ? nameKey(fields.firstName) : undefined;
  if (lastName && !isEmptyName(lastName)) read.lastName = lastName;
  if (firstName && !isEmptyName(firstName)) read.firstName = firstName;
  if (fields.className && compact(fields.className)) read.className = compact(fields.className);
  if (fields.birthDate) read.birthDate = fields.birthDate;
  else if (fields.birthDateDigits && /^\d{8}$/.test(fields.birthDateDigits)) read.birthDateDigits = fields.birthDateDigits;
  if (fields.ine && compact(fields.ine).length === 11) read.ine = compact(fields.ine);
  const others = [read.firstName, read.birthDate ?? read.birthDateDigits, read.ine].filter(Boolean).length;
  read.empty = !read.lastName && !read.className && others === 0;
  read.identifying = (read.lastName !== undefined && others >= 1) || (read.ine !== undefined && others >= 2);
  return read;
}

/**
 * The evidence a read brings for each student of the roster (`classes`: how many classes the roster
 * spans — within one class the class field tells nobody apart).
 */
export function evidenceRow(read: PreparedRead, students: readonly PreparedEntry[], classes: number): Evidence[] {
  const rivals = nameRivals(read, students);
  return students.map((student) => {
    const names = nameEvidence(read, student, rivals);
    let total = names.total;
    const known = student.entry.birthDate;
    const date =
      known && read.birthDate
        ? dateEvidence(read.birthDate, known)
        : known && read.birthDateDigits
          ? digitsEvidence(read.birthDateDigits, known)
          : 0;
    total += date;
    if (classes > 1 && read.className && student.className)
      total += stringSimilarity(read.className, student.className) >= 0.8 ? CLASS.same : CLASS.different;
    // An INE is an identifier, not a trait: a roster without one says nothing either way.
    let ine = 0;
    if (read.ine && student.ine) {
      const differing = [...read.ine].filter((char, i) => char !== student.ine![i]).length;
      ine = differing === 0 ? INE.exact : differing === 1 ? INE.oneOff : INE.different;
      total += ine;
    }
    const surnameAgrees = (names.surname ?? 0) >= SURNAME_AGREES;
    return {
      total,
      contradicted:
        names.firstNameContradicts || date === DATE.contradiction || ine === INE.different || (!surnameAgrees && ine !== INE.exact),
      decisive:
        ine === INE.exact ||
        (names.firstName ?? 0) >= DECISIVE_FIRST_NAME ||
        (date === DATE.exact && (names.surname ?? 0) >= EXACT_SURNAME && names.firstNameConsistent),
    };
  });
}

/**
 * Exact; day and month swapped; one digit misread; the year alone different, which says nothing (a
 * handwritten year is what OCR misreads most: `2 oof`, `72 008`); otherwise a contradiction.
 */
function dateEvidence(read: string, known: string): number {
  if (read === known) return DATE.exact;
  const [y, m, d] = read.split('-');
  if (`${y}-${d}-${m}` === known) return DATE.swapped;
  if (differingDigits(read.replace(/-/g, ''), known.replace(/-/g, '')) === 1) return DATE.oneDigit;
  return read.slice(4) === known.slice(4) ? 0 : DATE.contradiction;
}

/**
 * A date that is no calendar date was misread for sure: one digit away counts for, two away or the
 * year alone different say nothing, three and more are another pupil's date.
 */
function digitsEvidence(digits: string, known: string): number {
  const [y = '', m = '', d = ''] = known.split('-');
  const differing = differingDigits(digits, d + m + y);
  if (differing === 1) return DATE.digitsOneOff;
  return differing === 2 || digits.slice(0, 4) === d + m ? 0 : DATE.contradiction;
}

/** The date comparison, 0..1, for callers outside the matcher: exact 1, swapped 0.8, one digit 0.6, else 0. */
export function dateSimilarity(read: string, known: string): number {
  const value = dateEvidence(read, known);
  return value === DATE.exact ? 1 : value === DATE.swapped ? 0.8 : value === DATE.oneDigit ? 0.6 : 0;
}

const differingDigits = (a: string, b: string): number =>
  a.length === b.length ? [...a].filter((char, i) => char !== b[i]).length : Number.POSITIVE_INFINITY;

const compact = (value: string): string =>
  value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
