import { INE_PATTERN, isCalendarDate, splitPronoteName } from '#domain';
import { ocrDistance } from './normalise-name.js';

/** What a copy's header says about its author, as far as it could be read. */
export interface HeaderFields {
  lastName?: string;
  firstName?: string;
  className?: string;
  /** ISO yyyy-mm-dd when parseable. */
  birthDate?: string;
  ine?: string;
}

/** `other`: a label of the sheet that is not about the student (`Note :`, `Appréciation :`): it ends the value before it. */
type Label = 'lastName' | 'firstName' | 'fullName' | 'className' | 'birthDate' | 'ine' | 'other';
interface Found {
  label: Label;
  start: number;
  end: number;
}

/**
 * Reads the fields of a header block ("Nom : … Prénom : … Classe : … Né(e) le : …") from OCR text.
 * The labels are printed but still misread (`N0m`, `Pr€nom`, `Clas5e`, `Nee le`); a value follows its
 * label on the same line or on the next one. Each label collects both candidates and keeps the first
 * that makes sense for it (scan specks after a label read as `| a ‘`, the real value sits below).
 * Returns only what it found; a value it cannot make sense of is left out rather than guessed.
 */
export function parseHeaderFields(text: string): HeaderFields {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.normalize('NFC'))
    .filter((line) => line.trim() !== '');
  const candidates = new Map<Label, string[]>();
  const offer = (label: Label, value: string): void => {
    // A wide gap is a column boundary: what follows belongs to the sheet's other column (the grade box).
    const inColumn = value.replace(/^[\s:;.]+/u, '').split(COLUMN_GAP)[0] ?? '';
    if (label !== 'other' && clean(inColumn) !== '') candidates.set(label, [...(candidates.get(label) ?? []), inColumn]);
  };
  let previousLast: Label | undefined;
  for (const line of lines) {
    const labels = findLabels(line);
    // Text before a line's first label can only belong to the previous line's last label.
    if (previousLast) offer(previousLast, line.slice(0, labels[0]?.start ?? line.length));
    labels.forEach((found, index) => offer(found.label, line.slice(found.end, labels[index + 1]?.start ?? line.length)));
    previousLast = labels.at(-1)?.label;
  }
  return fieldsFrom(candidates, text);
}

function fieldsFrom(candidates: Map<Label, string[]>, text: string): HeaderFields {
  const first = <T>(label: Label, read: (value: string) => T | undefined): T | undefined => {
    for (const value of candidates.get(label) ?? []) {
      const result = read(value);
      if (result !== undefined) return result;
    }
    return undefined;
  };
  const fields: HeaderFields = {};
  Object.assign(
    fields,
    first('fullName', (value) => splitFullName(plausibleName(value) ?? '')),
  );
  const lastName = first('lastName', plausibleName);
  const firstName = first('firstName', plausibleName);
  if (lastName) fields.lastName = lastName;
  if (firstName) fields.firstName = firstName;
  if (fields.lastName === undefined && fields.firstName === undefined) Object.assign(fields, unlabelledName(text));
  const className = first('className', plausibleClass);
  if (className) fields.className = className;
  const birthDate = candidates.has('birthDate') ? first('birthDate', parseHeaderDate) : onlyDateIn(text);
  if (birthDate) fields.birthDate = birthDate;
  const ine = first('ine', readIne) ?? strictIneIn(text);
  if (ine) fields.ine = ine;
  return fields;
}

/**
 * A class has two letters or digits at least, and a digit (`TG2`, `1ère S`), three letters (`Tle`) or
 * capitals (`TG`): `Le`, `8%` or `|` are specks read as text.
 */
function plausibleClass(value: string): string | undefined {
  const text = clean(value);
  const alphanumeric = text.replace(/[^\p{L}\p{N}]/gu, '');
  const letters = text.replace(/\P{L}/gu, '');
  if (alphanumeric.length < 2) return undefined;
  return /\p{N}/u.test(text) || letters.length >= 3 || letters === letters.toUpperCase() ? text : undefined;
}

/** A name needs a word of two letters or more: `a`, `‘f` or `| 0 |` are specks read as text. */
function plausibleName(value: string): string | undefined {
  const name = cleanName(value);
  return /\p{L}{2}/u.test(name) ? name : undefined;
}

/** Lower case, accents off and look-alike digits folded, one character for one, so offsets stay valid. */
function foldForLabels(line: string): string {
  const map: Record<string, string> = { '0': 'o', '1': 'l', '5': 's', '3': 'e', '€': 'e', '|': 'l', '!': 'l' };
  return [...line]
    .map((char) => (map[char] ?? char.normalize('NFD').charAt(0).toLowerCase()).padEnd(char.length).slice(0, char.length))
    .join('');
}

const LABEL_PATTERNS: [Label, RegExp][] = [
  ['fullName', /(?<![a-z])n\s?o(?:m|rn)s?\s*(?:et|&|\/|-|,)?\s*[pf]r?[eco]?\s?n\s?[oa]\s?(?:m|rn)s?(?![a-z])/g],
  ['firstName', /(?<![a-z])[pft][rn]?[eco]?\s?n\s?[oa]\s?(?:m|rn)s?(?![a-z])/g],
  [
    'birthDate',
    /(?<![a-z])(?:n[e]{1,2}\s*[([{t]?\s*e?\s*[)\]}]?\s*(?:l\s?e|(?=[:;]))|(?:date\s*de\s*)?naiss?ance|date\s*nais\w*)(?![a-z])/g,
  ],
  ['ine', /(?<![a-z])(?:n\s*[°o.]?\s*)?ine(?![a-z])/g],
  ['other', /(?<![a-z])(?:note|appreciation|observations?|signature)\s*[:;]/g],
];

/** tesseract keeps inter-word spacing: five spaces or a tab separate columns, not the words of a name. */
const COLUMN_GAP = /\s{5,}|\t/;

function findLabels(line: string): Found[] {
  let folded = foldForLabels(line);
  const found: Found[] = [];
  const take = (label: Label, start: number, end: number): void => {
    found.push({ label, start, end });
    folded = folded.slice(0, start) + ' '.repeat(end - start) + folded.slice(end);
  };
  for (const [label, pattern] of LABEL_PATTERNS) {
    for (const match of folded.matchAll(pattern)) take(label, match.index, match.index + match[0].length);
  }
  for (const word of folded.matchAll(/[a-z]+/g)) {
    const label = wordLabel(word[0], folded.slice(word.index + word[0].length));
    if (label)
      take(
        label,
        word.index,
        word.index + word[0].length + (label === 'lastName' ? suffixLength(folded.slice(word.index + word[0].length)) : 0),
      );
  }
  return found.sort((a, b) => a.start - b.start);
}

/** `Classe`, `Casse`, `Clase` are the class label; `Nom`, `Norn`, `Nem :`, `Noin :` the surname label (a short word needs its colon). */
function wordLabel(word: string, after: string): Label | undefined {
  const colon = /^\s*[:;.]/.test(after);
  // `Claire` is two edits from `classe`: without its colon, a label may be one edit off only.
  if (word.length >= 4 && word.startsWith('c') && ocrDistance(word, 'classe') <= (colon ? 2 : 1)) return 'className';
  if (['nom', 'noms', 'norn', 'nomi', 'noml'].includes(word)) return 'lastName';
  if (word.length <= 4 && word.startsWith('n') && ocrDistance(word, 'nom') <= 1 && colon) return 'lastName';
  return undefined;
}

/** `Nom de famille`, `Nom d'usage`. */
const suffixLength = (after: string): number => /^\s+(?:de\s+famille|d\W?\s?usage)(?![a-z])/.exec(after)?.[0].length ?? 0;

/** Separators, dotted leaders and scan specks around a value. */
const clean = (value: string): string =>
  value
    .replace(/[\s:;.,'‘’"“”|_=~*»«°\\/\-–—()[\]{}©®]+$/u, '')
    .replace(/^[\s:;.,'‘’"“”|_=~*»«°\\/\-–—()[\]{}©®]+/u, '')
    .replace(/\s+/g, ' ');

/** Words with at least one letter, edge punctuation off, hyphens re-glued (`DUPONT - MARTIN`). */
function cleanName(value: string): string {
  return value
    .replace(/\s*[-–—]\s*/g, '-')
    .split(/\s+/)
    .map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((word) => /\p{L}/u.test(word))
    .join(' ');
}

function splitFullName(value: string): HeaderFields | undefined {
  if (value === '') return undefined;
  const split = splitPronoteName(value);
  return 'problem' in split ? { lastName: value } : { lastName: split.lastName, firstName: split.firstName };
}

/** No name label at all: a line written `DUPONT-MARTIN Jean-Étienne` (surname in capitals) still splits safely. */
function unlabelledName(text: string): HeaderFields {
  for (const line of text.split(/\r?\n/)) {
    const name = cleanName(line);
    const split = splitPronoteName(name);
    if (name.split(' ').length > 5 || 'problem' in split) continue;
    // What follows the names on such a line (class, date) is not a first name.
    const firstName = split.firstName
      .split(' ')
      .filter((word) => !/\d/.test(word))
      .join(' ');
    return firstName ? { lastName: split.lastName, firstName } : { lastName: split.lastName };
  }
  return {};
}

/** Without a date label, a date is taken only when the text holds exactly one. */
function onlyDateIn(text: string): string | undefined {
  const dates = new Set(
    [...text.matchAll(/\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}|\d{1,2}\s+\p{L}{3,9}\.?\s+\d{4}/gu)]
      .map((m) => parseHeaderDate(m[0]))
      .filter(Boolean),
  );
  return dates.size === 1 ? [...dates][0] : undefined;
}

/** An INE after its label: look-alike letters in the nine leading digits are folded back. */
function readIne(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const compact = value.toUpperCase().replace(/[^A-Z0-9]/g, '');
  for (let start = 0; start + 11 <= compact.length; start++) {
    const digits = compact
      .slice(start, start + 9)
      .replace(/[OQD]/g, '0')
      .replace(/[IL]/g, '1')
      .replace(/S/g, '5')
      .replace(/B/g, '8')
      .replace(/Z/g, '2');
    const candidate = digits + compact.slice(start + 9, start + 11);
    if (INE_PATTERN.test(candidate)) return candidate;
  }
  return undefined;
}

/** Without a label only an exact INE shape counts: a stray number must not pass for one. */
const strictIneIn = (text: string): string | undefined => /(?<![A-Z0-9])[0-9]{9}[A-Z0-9][A-Z](?![A-Z0-9])/.exec(text.toUpperCase())?.[0];

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

/**
 * A birth date as people write it — `17/05/2008`, `17-05-08`, `17.5.2008`, `17 mai 2008`, `1er mai 08`,
 * `17052008`, `2008-05-17` — to ISO yyyy-mm-dd. French order (day first); a date that is only valid
 * month first is read that way. Two-digit years: 00–49 → 20xx, 50–99 → 19xx.
 */
export function parseHeaderDate(raw: string): string | undefined {
  const text = raw.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const worded = /(\d{1,2})(?:er)?\s*[-./]?\s*([a-z]{3,9})\.?\s*[-./]?\s*(\d{4}|\d{2})(?!\d)/.exec(text);
  if (worded) {
    const month = monthNumber(worded[2] ?? '');
    if (month) return isoDate(Number(worded[1]), month, worded[3] ?? '');
  }
  const run = /[0-9olidqszbg|!]+(?:\s*[-./,]\s*[0-9olidqszbg|!]+|\s+[0-9]+)*/g;
  for (const match of text.matchAll(run)) {
    if ((match[0].match(/[0-9]/g) ?? []).length < 4) continue;
    const groups = match[0].split(/[\s\-./,]+/).map((group) => [...group].map((char) => DIGIT_LOOK_ALIKES[char] ?? char).join(''));
    const date = dateFromGroups(groups);
    if (date) return date;
  }
  return undefined;
}

/**
 * Three groups day/month/year (or year-month-day), a four-digit year preferred (`l 17/05/2008` is not
 * 1 17 05); with fewer than three groups, the digits alone when OCR lost the separators (ddmmyyyy, ddmmyy).
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
  return isoDate(Number(digits.slice(0, 2)), Number(digits.slice(2, 4)), digits.slice(4));
}

function isoDate(day: number, month: number, yearText: string): string | undefined {
  const year = yearText.length === 2 ? (Number(yearText) < 50 ? 2000 : 1900) + Number(yearText) : Number(yearText);
  if (year < 1900 || year > 2099) return undefined;
  const iso = (d: number, m: number): string => `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (isCalendarDate(iso(day, month))) return iso(day, month);
  if (isCalendarDate(iso(month, day))) return iso(month, day);
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
