import { birthDateProblem, CLASS_MAX, isValidIne, nameProblem, normaliseIne, normaliseText } from '../student/student.rules.js';
import { isValidEmail, normaliseEmail } from '../user/email.js';
import { detectSeparator, splitCsvLine } from './csv-line.js';
import { splitPronoteName } from './pronote-name.js';
import { rosterMatchKey } from './roster-match-key.js';

/**
 * A class roster file, in one of two shapes (UTF-8 with or without BOM, CRLF or LF, `;` or `,`):
 *
 * (a) Pronote-style, five columns, with or without a header line:
 *       NOM Prénom;date de naissance JJ/MM/AAAA;email;classe;groupe
 *       DUPONT-MARTIN Jean-Étienne;17/05/2008;jean.dupont@eleve.fr;TG2;G1
 *     the first column is split by `splitPronoteName`; email and groupe may be empty.
 *
 * (b) Plain CSV with a header naming its columns, in any order:
 *       ine;nom;prenom;date_naissance;email;classe;groupe
 *     nom, prenom, date_naissance and classe are required; ine, email and groupe optional (column or
 *     value); other columns are ignored. Dates are JJ/MM/AAAA or AAAA-MM-JJ.
 *
 * Every line is checked whole: a line with any problem (wrong column count, bad date, missing name,
 * bad INE or e-mail, same student as an earlier line) is reported with its number and not imported at
 * all. Blank lines, and lines of empty fields only (`;;;;` from spreadsheets), are skipped.
 * `today` (YYYY-MM-DD or ISO time), when given, also refuses birth dates that are not in the past.
 */
export type RosterRow = {
  /** 1-based line number in the file, for messages the admin can act on. */
  line: number;
  lastName: string;
  firstName: string;
  birthDate: string;
  className: string;
  group?: string;
  email?: string;
  ine?: string;
};
export type RosterError = { line: number; message: string };
export type RosterFormat = 'pronote' | 'plain';
export type RosterParseResult = { format: RosterFormat | null; rows: RosterRow[]; errors: RosterError[] };

const PRONOTE_COLUMNS = 5;
const PLAIN_ALIASES: Record<string, PlainColumn> = {
  ine: 'ine',
  nom: 'nom',
  prenom: 'prenom',
  date_naissance: 'date_naissance',
  date_de_naissance: 'date_naissance',
  email: 'email',
  e_mail: 'email',
  mail: 'email',
  courriel: 'email',
  classe: 'classe',
  groupe: 'groupe',
};
type PlainColumn = 'ine' | 'nom' | 'prenom' | 'date_naissance' | 'email' | 'classe' | 'groupe';
const REQUIRED: PlainColumn[] = ['nom', 'prenom', 'date_naissance', 'classe'];

export const parseRoster = (text: string, options: { today?: string } = {}): RosterParseResult => {
  const lines = text
    .replace(/^\uFEFF/, '')
    .normalize('NFC')
    .split(/\r\n|\n|\r/);
  const numbered = lines.map((content, index) => ({ line: index + 1, content })).filter(({ content }) => content.trim() !== '');
  const first = numbered[0];
  if (!first) return { format: null, rows: [], errors: [] };

  const separator = detectSeparator(first.content);
  const layout = readLayout(first.content, separator);
  if ('problem' in layout) return { format: 'plain', rows: [], errors: [{ line: first.line, message: layout.problem }] };
  const { format, columns, hasHeader } = layout;

  const rows: RosterRow[] = [];
  const errors: RosterError[] = [];
  const seen = new Map<string, number>();
  for (const { line, content } of hasHeader ? numbered.slice(1) : numbered) {
    const split = splitCsvLine(content, separator);
    if ('problem' in split) {
      errors.push({ line, message: split.problem });
      continue;
    }
    if (split.fields.every((field) => field.trim() === '')) continue;
    const expected = format === 'plain' ? columns.length : PRONOTE_COLUMNS;
    if (split.fields.length !== expected) {
      errors.push({ line, message: `expected ${expected} fields separated by "${separator}", found ${split.fields.length}` });
      continue;
    }
    const raw = format === 'plain' ? plainFields(columns, split.fields) : pronoteFields(split.fields);
    const { row, problems } = checkRow(line, raw, options.today);
    if (row) {
      const key = rosterMatchKey(row);
      const earlier = seen.get(key);
      if (earlier !== undefined) problems.push(`same student as line ${earlier}`);
      else if (problems.length === 0) seen.set(key, line);
    }
    if (problems.length > 0 || !row) errors.push({ line, message: problems.join('; ') });
    else rows.push(row);
  }
  return { format, rows, errors };
};

type Layout = { format: RosterFormat; columns: (PlainColumn | null)[]; hasHeader: boolean } | { problem: string };

/**
 * Reads the first line: a header naming `nom` and `prenom` makes a plain CSV; a first field about the
 * student's name ("NOM Prénom", "Élève") followed by a field without digits is a Pronote header;
 * anything else is the first student of a header-less Pronote file.
 */
const readLayout = (firstLine: string, separator: string): Layout => {
  const head = splitCsvLine(firstLine, separator);
  const names = 'fields' in head ? head.fields.map(headerName) : [];
  if (names.includes('nom') && names.includes('prenom')) {
    const columns = names.map((name) => PLAIN_ALIASES[name] ?? null);
    const missing = REQUIRED.filter((column) => !columns.includes(column));
    if (missing.length > 0) return { problem: `the header lacks the column(s) ${missing.join(', ')}` };
    const twice = columns.filter((column, index) => column !== null && columns.indexOf(column) !== index);
    if (twice.length > 0) return { problem: `the header names ${twice.join(', ')} twice` };
    return { format: 'plain', columns, hasHeader: true };
  }
  const firstWords = (names[0] ?? '').split('_');
  const hasHeader = ['nom', 'eleve', 'eleves'].some((word) => firstWords.includes(word)) && !/\d/.test(names[1] ?? '');
  return { format: 'pronote', columns: [], hasHeader };
};

type RawRow = {
  name: { lastName: string; firstName: string } | { problem: string };
  birthDate: string;
  email: string;
  className: string;
  group: string;
  ine: string;
};

const pronoteFields = (fields: string[]): RawRow => {
  const [name = '', birthDate = '', email = '', className = '', group = ''] = fields;
  return { name: splitPronoteName(name), birthDate, email, className, group, ine: '' };
};

const plainFields = (columns: (PlainColumn | null)[], fields: string[]): RawRow => {
  const value = (column: PlainColumn): string => fields[columns.indexOf(column)] ?? '';
  return {
    name: { lastName: normaliseText(value('nom')), firstName: normaliseText(value('prenom')) },
    birthDate: value('date_naissance'),
    email: value('email'),
    className: value('classe'),
    group: value('groupe'),
    ine: value('ine'),
  };
};

/** Collects every problem of the line, so the admin fixes it in one pass. */
const checkRow = (line: number, raw: RawRow, today: string | undefined): { row: RosterRow | null; problems: string[] } => {
  const problems: string[] = [];
  if ('problem' in raw.name) problems.push(raw.name.problem);
  else {
    const lastProblem = nameProblem(raw.name.lastName, 'the last name');
    const firstProblem = nameProblem(raw.name.firstName, 'the first name');
    if (lastProblem) problems.push(lastProblem);
    if (firstProblem) problems.push(firstProblem);
  }
  const birthDate = toIsoDate(raw.birthDate.trim());
  const dateProblem = birthDateProblem(birthDate, today);
  if (dateProblem) problems.push(`${dateProblem}: ${JSON.stringify(raw.birthDate.trim())}`);
  const className = normaliseText(raw.className);
  if (className === '') problems.push('the class is missing');
  const group = normaliseText(raw.group);
  if ([...className].length > CLASS_MAX || [...group].length > CLASS_MAX)
    problems.push(`a class or group is longer than ${CLASS_MAX} characters`);
  const email = normaliseEmail(raw.email);
  if (email !== '' && !isValidEmail(email)) problems.push(`the e-mail ${JSON.stringify(email)} is not valid`);
  const ine = normaliseIne(raw.ine);
  if (ine !== '' && !isValidIne(ine)) problems.push(`the INE ${JSON.stringify(ine)} is not 9 digits, a digit or letter, then a letter`);

  if ('problem' in raw.name) return { row: null, problems };
  const row: RosterRow = { line, lastName: raw.name.lastName, firstName: raw.name.firstName, birthDate, className };
  if (group) row.group = group;
  if (email) row.email = email;
  if (ine) row.ine = ine;
  return { row, problems };
};

/** JJ/MM/AAAA (day and month may have one digit) to AAAA-MM-JJ; anything else is returned for the checker to refuse. */
const toIsoDate = (value: string): string => {
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  if (!french) return value;
  const [, day = '', month = '', year = ''] = french;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
};

/** Header cells folded: `Date de naissance` → `date_de_naissance`, `Prénom` → `prenom`. */
const headerName = (cell: string): string =>
  cell
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '_');
