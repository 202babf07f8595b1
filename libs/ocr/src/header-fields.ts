import { INE_PATTERN, splitPronoteName } from '#domain';
import { readBirthDate } from './header-date.js';
import { ocrDistance } from './normalise-name.js';

export { parseHeaderDate } from './header-date.js';

/** What a copy's header says about its author, as far as it could be read. */
export interface HeaderFields {
  lastName?: string;
  firstName?: string;
  className?: string;
  /** ISO yyyy-mm-dd when parseable, and plausible for a pupil (never the exam's own date). */
  birthDate?: string;
  /** ddmmyyyy: a date read after its label that is no calendar date (`16/19/2008`), still comparable digit by digit. */
  birthDateDigits?: string;
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
 * `today` dates the reading: a birth date must make a pupil of a plausible age on that day.
 */
export function parseHeaderFields(text: string, options: { today?: Date } = {}): HeaderFields {
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
  return fieldsFrom(candidates, text, options.today ?? new Date());
}

function fieldsFrom(candidates: Map<Label, string[]>, text: string, today: Date): HeaderFields {
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
  Object.assign(fields, readBirthDate(candidates.get('birthDate') ?? [], text, today));
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
  // `Appréciation` is long enough to be known without its colon, which OCR often drops.
  ['other', /(?<![a-z])(?:(?:note|observations?|signature)\s*[:;]|appreciation)/g],
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
