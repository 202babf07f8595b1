import type { HeaderFields } from './header-fields.js';
import { isEmptyName, nameKey, nameSimilarity, stringSimilarity, type NameKey } from './normalise-name.js';

export interface RosterEntry {
  studentId: string;
  lastName: string;
  firstName: string;
  birthDate?: string | null;
  className?: string | null;
  ine?: string | null;
}
export interface MatchInput {
  copyId: string;
  fields: HeaderFields;
  text: string;
  confidence: number;
}
export type DeskReason = 'weak_read' | 'ambiguous' | 'conflict' | 'no_candidate' | 'taken';
export interface MatchResult {
  copyId: string;
  /** Best first, top 5, score 0..1. */
  candidates: { studentId: string; score: number }[];
  decision: { kind: 'auto'; studentId: string } | { kind: 'desk'; reason: DeskReason };
}
export interface MatchOptions {
  /** Lowest score identified without a person (default 0.85). */
  threshold: number;
  /** Lead the best candidate needs over every other one, namesakes included (default 0.12). */
  margin: number;
  /** Students already identified on another copy of the exam. */
  takenStudentIds?: ReadonlySet<string>;
  /** Below this OCR confidence a read is not trusted on its own (default 0.5). */
  minConfidence?: number;
}
export const defaultMatchOptions = { threshold: 0.85, margin: 0.12, minConfidence: 0.5 } as const satisfies MatchOptions;

/** Module-level: under a vm context (Jest) global lookups in hot loops are several times slower. */
const { max, round } = Math;
const INFINITY = Number.POSITIVE_INFINITY;

/** Below this a student is not a candidate at all: not assigned, not counted as claimed. */
const CANDIDATE_FLOOR = 0.5;
/** Two roster names this alike (e.g. `MARTIN Léa` / `MARTIN Léo`) are told apart only by birth date or INE. */
const CONFUSABLE_NAMES = 0.8;
const WEIGHTS = { lastName: 0.4, firstName: 0.25, birthDate: 0.25, className: 0.1, ine: 0.5 };

/**
 * Matches a batch of read headers against the exam's roster. Pure.
 * Each copy gets a score per student (fuzzy per field, weighted, missing fields never counted as
 * agreement); then one optimal assignment across the batch gives each student at most one copy.
 * A copy is identified automatically only when its assigned student scores above the threshold, leads
 * every other student by the margin, is nobody else's near-best candidate, and the read is not weak;
 * everything else goes to the identification desk with a reason. A wrong automatic identification is
 * the one outcome that must not happen, so every doubt sends the copy to a person.
 */
export function matchRoster(inputs: MatchInput[], roster: RosterEntry[], options: Partial<MatchOptions> = {}): MatchResult[] {
  const { threshold, margin, takenStudentIds = new Set<string>() } = { ...defaultMatchOptions, ...options };
  const minConfidence = options.minConfidence ?? defaultMatchOptions.minConfidence;
  const students = markConfusable(roster.map(prepareEntry));
  const reads = inputs.map((input) => prepareRead(input.fields));
  const scores = reads.map((read) => students.map((student) => score(read, student)));
  const available = students.map((student) => !takenStudentIds.has(student.entry.studentId));
  const assigned = assignCopies(
    scores.map((row) => row.map((value, j) => (available[j] && value >= CANDIDATE_FLOOR ? value : 0))),
    CANDIDATE_FLOOR,
  );
  const bestAvailable = scores.map((row) => max(0, ...row.filter((_, j) => available[j])));

  return inputs.map((input, i) => {
    const row = scores[i] ?? [];
    const read = reads[i];
    const ranked = row.map((value, j) => ({ j, value })).sort((a, b) => b.value - a.value);
    const candidates = ranked
      .filter((c) => c.value > 0)
      .slice(0, 5)
      .map((c) => ({ studentId: students[c.j]?.entry.studentId ?? '', score: round(c.value * 1000) / 1000 }));
    const desk = (reason: DeskReason): MatchResult => ({ copyId: input.copyId, candidates, decision: { kind: 'desk', reason } });

    if (!read || !read.identifying || input.confidence < minConfidence) return desk('weak_read');
    const top = ranked[0];
    if (top && top.value >= CANDIDATE_FLOOR && !available[top.j]) return desk('taken');
    const j = assigned[i] ?? -1;
    const student = students[j];
    const value = row[j] ?? 0;
    // Unassigned or given a lesser student: the best one went to another copy of the batch.
    if (!student || value < CANDIDATE_FLOOR) return desk((bestAvailable[i] ?? 0) >= CANDIDATE_FLOOR ? 'conflict' : 'no_candidate');
    if (value < (bestAvailable[i] ?? 0)) return desk('conflict');
    const claimedElsewhere = scores.some(
      (other, k) => k !== i && (other[j] ?? 0) >= CANDIDATE_FLOOR && (other[j] ?? 0) >= (bestAvailable[k] ?? 0) - margin,
    );
    if (claimedElsewhere) return desk('conflict');
    const runnerUp = max(0, ...row.filter((_, k) => k !== j));
    if (value < threshold || value - runnerUp < margin) return desk('ambiguous');
    // Names alone cannot tell apart two pupils whose names differ by a letter OCR may have bent.
    if (!read.birthDate && !read.ine && student.confusable) return desk('ambiguous');
    return { copyId: input.copyId, candidates, decision: { kind: 'auto', studentId: student.entry.studentId } };
  });
}

interface PreparedEntry {
  entry: RosterEntry;
  lastName: NameKey;
  firstName: NameKey;
  className?: string;
  ine?: string;
  confusable: boolean;
}
interface PreparedRead {
  lastName?: NameKey;
  firstName?: NameKey;
  className?: string;
  birthDate?: string;
  ine?: string;
  /** Enough was read to single out one pupil: a surname (or INE) and one more identifying field. */
  identifying: boolean;
}

function prepareEntry(entry: RosterEntry): PreparedEntry {
  const prepared: PreparedEntry = { entry, lastName: nameKey(entry.lastName), firstName: nameKey(entry.firstName), confusable: false };
  if (entry.className) prepared.className = compact(entry.className);
  if (entry.ine) prepared.ine = compact(entry.ine);
  return prepared;
}

function markConfusable(students: PreparedEntry[]): PreparedEntry[] {
  students.forEach((student, i) => {
    for (let k = i + 1; k < students.length; k++) {
      const other = students[k]!;
      const last = nameSimilarity(student.lastName, other.lastName);
      // A surname this far apart cannot be rescued by the first name: skip the rest.
      if (last < 0.5) continue;
      const first = nameSimilarity(student.firstName, other.firstName);
      const alike = (WEIGHTS.lastName * last + WEIGHTS.firstName * first) / (WEIGHTS.lastName + WEIGHTS.firstName);
      if (alike >= CONFUSABLE_NAMES) student.confusable = other.confusable = true;
    }
  });
  return students;
}

function prepareRead(fields: HeaderFields): PreparedRead {
  const read: PreparedRead = { identifying: false };
  const lastName = fields.lastName ? nameKey(fields.lastName) : undefined;
  const firstName = fields.firstName ? nameKey(fields.firstName) : undefined;
  if (lastName && !isEmptyName(lastName)) read.lastName = lastName;
  if (firstName && !isEmptyName(firstName)) read.firstName = firstName;
  if (fields.className && compact(fields.className)) read.className = compact(fields.className);
  if (fields.birthDate) read.birthDate = fields.birthDate;
  if (fields.ine && compact(fields.ine).length === 11) read.ine = compact(fields.ine);
  const others = [read.firstName, read.birthDate, read.ine].filter(Boolean).length;
  read.identifying = (read.lastName !== undefined && others >= 1) || (read.ine !== undefined && others >= 2);
  return read;
}

/**
 * Weighted mean over the fields that were read. A birth date or class the roster lacks counts as half
 * agreement (unknown, neither for nor against). A read that cannot single out a pupil is capped below any
 * sensible threshold, so a surname alone never identifies anyone.
 */
function score(read: PreparedRead, student: PreparedEntry): number {
  let total = 0;
  let weight = 0;
  const add = (w: number, similarity: number): void => {
    total += w * similarity;
    weight += w;
  };
  const names = nameScore(read, student);
  if (names.weight > 0) add(names.weight, names.similarity);
  if (read.birthDate) add(WEIGHTS.birthDate, student.entry.birthDate ? dateSimilarity(read.birthDate, student.entry.birthDate) : 0.5);
  if (read.className) add(WEIGHTS.className, student.className ? stringSimilarity(read.className, student.className) : 0.5);
  // An INE is an identifier, not a trait: a roster without one says nothing either way.
  if (read.ine && student.ine) add(WEIGHTS.ine, ineSimilarity(read.ine, student.ine));
  if (weight === 0) return 0;
  const value = total / weight;
  return read.identifying ? value : value * 0.75;
}

/** Surname and first name as written, or swapped (a pupil who filled the boxes the other way round). */
function nameScore(read: PreparedRead, student: PreparedEntry): { weight: number; similarity: number } {
  const weight = (read.lastName ? WEIGHTS.lastName : 0) + (read.firstName ? WEIGHTS.firstName : 0);
  if (weight === 0) return { weight, similarity: 0 };
  const pair = (last: NameKey, first: NameKey): number =>
    (read.lastName ? WEIGHTS.lastName * nameSimilarity(read.lastName, last) : 0) +
    (read.firstName ? WEIGHTS.firstName * nameSimilarity(read.firstName, first) : 0);
  const straight = pair(student.lastName, student.firstName);
  const swapped = pair(student.firstName, student.lastName) * 0.97;
  return { weight, similarity: max(straight, swapped) / weight };
}

/** Exact; day and month swapped; one digit misread; otherwise no agreement. */
export function dateSimilarity(read: string, known: string): number {
  if (read === known) return 1;
  const [y, m, d] = read.split('-');
  if (`${y}-${d}-${m}` === known) return 0.8;
  const a = read.replace(/-/g, '');
  const b = known.replace(/-/g, '');
  if (a.length !== b.length) return 0;
  const differing = [...a].filter((char, i) => char !== b[i]).length;
  return differing === 1 ? 0.6 : 0;
}

function ineSimilarity(read: string, known: string): number {
  if (read === known) return 1;
  const differing = [...read].filter((char, i) => char !== known[i]).length;
  return read.length === known.length && differing === 1 ? 0.4 : 0;
}

const compact = (value: string): string =>
  value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/**
 * One assignment of copies (rows) to students (columns) maximising the total score, each student at
 * most one copy: the Hungarian algorithm on cost 1 − score, O(rows² × columns). Only columns someone
 * scores ≥ `floor` take part; a "nobody" column per row lets a copy stay unassigned. Returns the
 * column per row, or -1.
 */
export function assignCopies(scores: number[][], floor: number): number[] {
  const n = scores.length;
  const columns = [...new Set(scores.flatMap((row) => row.flatMap((value, j) => (value >= floor ? [j] : []))))];
  const m = columns.length + n;
  const cost = (row: number, column: number): number => {
    const value = column < columns.length ? (scores[row]?.[columns[column] ?? -1] ?? 0) : 0;
    return value >= floor ? 1 - value : 1;
  };
  // Potentials u (rows) and v (columns), p[column] = row holding it, 1-based with 0 as the free root.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(INFINITY);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0] ?? 0;
      let delta = INFINITY;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const reduced = cost(i0 - 1, j - 1) - (u[i0] ?? 0) - (v[j] ?? 0);
        if (reduced < (minv[j] ?? INFINITY)) [minv[j], way[j]] = [reduced, j0];
        if ((minv[j] ?? INFINITY) < delta) [delta, j1] = [minv[j] ?? INFINITY, j];
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          const row = p[j] ?? 0;
          u[row] = (u[row] ?? 0) + delta;
          v[j] = (v[j] ?? 0) - delta;
        } else minv[j] = (minv[j] ?? INFINITY) - delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0] ?? 0;
      p[j0] = p[j1] ?? 0;
      j0 = j1;
    } while (j0 !== 0);
  }
  const assigned = new Array<number>(n).fill(-1);
  for (let j = 1; j <= columns.length; j++) {
    const row = (p[j] ?? 0) - 1;
    const column = columns[j - 1] ?? -1;
    if (row >= 0 && (scores[row]?.[column] ?? 0) >= floor) assigned[row] = column;
  }
  return assigned;
}
