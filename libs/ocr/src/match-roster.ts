import type { HeaderFields } from './header-fields.js';
import { evidenceRow, prepareEntry, prepareRead, type Evidence, type PreparedEntry, type PreparedRead } from './match-evidence.js';
import { nameSimilarity } from './normalise-name.js';

export { dateSimilarity } from './match-evidence.js';

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
/**
 * Why a copy waits for a person: too little read (or read too unsurely); several students fit; the
 * best one is claimed by another copy of the batch or contradicted by a field read clearly; nobody
 * fits; the student is already identified on another copy of the exam.
 */
export type DeskReason = 'weak_read' | 'ambiguous' | 'conflict' | 'no_candidate' | 'taken';
export interface MatchResult {
  copyId: string;
  /** Best first, top 5, score 0..1. */
  candidates: { studentId: string; score: number }[];
  decision: { kind: 'auto'; studentId: string } | { kind: 'desk'; reason: DeskReason };
}
export interface MatchOptions {
  /** Lowest score (the probability the student wrote the copy) identified without a person (default 0.85). */
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
const { exp, max, round } = Math;
const INFINITY = Number.POSITIVE_INFINITY;

/** Below this a student is not a candidate at all: not assigned. */
const CANDIDATE_FLOOR = 0.2;
/** A copy claims a student it more likely than not belongs to: another copy then cannot take them automatically. */
const CLAIM_FLOOR = 0.5;
/**
 * Odds, per student of the roster, that a copy was written by someone the roster lacks (another
 * class's copy, a pupil added late) or that its header says nothing: even. The evidence an automatic
 * identification needs thus grows with the roster — among more pupils, coincidences are likelier.
 */
const OUTSIDER_ODDS_PER_STUDENT = 1;
/** Two roster names this alike (e.g. `MARTIN Léa` / `MARTIN Léo`) are told apart only by birth date or INE. */
const CONFUSABLE_NAMES = 0.8;

/**
 * Matches a batch of read headers against the exam's roster. Pure.
 * Each read gives every student its evidence (match-evidence.ts), turned into the probability that
 * the student wrote the copy rather than another student or someone off the roster; then one optimal
 * assignment across the batch gives each student at most one copy. A copy is identified
 * automatically only when its assigned student is likely enough (threshold), leads every other
 * student by the margin, is nobody else's likely author, is contradicted by no field read clearly,
 * and stands out from pupils sharing their surname (first name, exact birth date or INE); the read
 * must not be weak. Everything else goes to the identification desk with a reason. A wrong automatic
 * identification is the one outcome that must not happen, so every doubt sends the copy to a person.
 */
export function matchRoster(inputs: MatchInput[], roster: RosterEntry[], options: Partial<MatchOptions> = {}): MatchResult[] {
  const { threshold, margin, takenStudentIds = new Set<string>() } = { ...defaultMatchOptions, ...options };
  const minConfidence = options.minConfidence ?? defaultMatchOptions.minConfidence;
  const students = findLookAlikes(roster.map(prepareEntry));
  const classes = new Set(students.map((student) => student.className ?? '')).size;
  const reads = inputs.map((input) => prepareRead(input.fields));
  const evidences = reads.map((read) => evidenceRow(read, students, classes));
  const scores = evidences.map((row) => probabilities(row, students.length * OUTSIDER_ODDS_PER_STUDENT));
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
    const candidates = (read && !read.empty ? ranked : [])
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
      (other, k) => k !== i && (other[j] ?? 0) >= CLAIM_FLOOR && (other[j] ?? 0) >= (bestAvailable[k] ?? 0) - margin,
    );
    if (claimedElsewhere) return desk('conflict');
    const runnerUp = max(0, ...row.filter((_, k) => k !== j));
    if (value < threshold || value - runnerUp < margin) return desk('ambiguous');
    const { contradicted, decisive } = evidences[i]![j]!;
    if (contradicted) return desk('conflict');
    if (!decisive) return desk('ambiguous');
    if (!toldApartFromLookAlikes(read, student)) return desk('ambiguous');
    return { copyId: input.copyId, candidates, decision: { kind: 'auto', studentId: student.entry.studentId } };
  });
}

/** Each student's probability of having written the copy, against the others and `outsider` (the weight of someone off the roster). */
function probabilities(row: Evidence[], outsider: number): number[] {
  const top = max(0, ...row.map((e) => e.total));
  const weights = row.map((e) => exp(e.total - top));
  const total = weights.reduce((sum, weight) => sum + weight, outsider * exp(-top));
  return weights.map((weight) => weight / total);
}

function findLookAlikes(students: PreparedEntry[]): PreparedEntry[] {
  students.forEach((student, i) => {
    for (let k = i + 1; k < students.length; k++) {
      const other = students[k]!;
      const last = nameSimilarity(student.lastName, other.lastName);
      // A surname this far apart cannot be rescued by the first name: skip the rest.
      if (last < 0.5) continue;
      const first = nameSimilarity(student.firstName, other.firstName);
      if ((0.4 * last + 0.25 * first) / 0.65 < CONFUSABLE_NAMES) continue;
      student.lookAlikes.push(other);
      other.lookAlikes.push(student);
    }
  });
  return students;
}

/**
 * Names cannot tell apart two pupils whose names differ by a letter OCR may bend (or not at all):
 * the exact INE can, or the exact birth date when no look-alike shares it (twins Léa and Léo cannot).
 */
function toldApartFromLookAlikes(read: PreparedRead, student: PreparedEntry): boolean {
  if (student.lookAlikes.length === 0) return true;
  if (read.ine && read.ine === student.ine) return true;
  const date = student.entry.birthDate;
  return read.birthDate !== undefined && read.birthDate === date && student.lookAlikes.every((other) => other.entry.birthDate !== date);
}

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
