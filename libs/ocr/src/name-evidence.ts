import type { PreparedEntry } from './match-evidence.js';
import { nameSimilarity, ocrDistance, type NameKey } from './normalise-name.js';

/**
 * The evidence the names of a read bring for a student (see match-evidence.ts): natural
 * log-likelihood ratios from how alike the names are, positive when alike, negative when unlike.
 */

type Curve = readonly (readonly [similarity: number, evidence: number])[];
/** Piecewise linear in the similarity: a name no more alike than two strangers' counts against, within limits (OCR garbles). */
const SURNAME: Curve = [
  [0.2, -3],
  [0.4, -1.5],
  [0.6, 0],
  [0.8, 2.5],
  [0.9, 3.5],
  [1, 4.5],
];
/**
 * First names are shared more often than surnames: a little less evidence when they agree. One
 * clearly unlike counts more against than a surname does: it is what tells siblings apart.
 */
const FIRST_NAME: Curve = [
  [0.2, -3.5],
  [0.4, -1.5],
  [0.6, 0],
  [0.8, 2],
  [0.9, 3],
  [1, 3.5],
];
/** The beginning of a first name (`Lu` for `Lucas`): consistent, weaker than a full match, never against. */
const PREFIX_PER_LETTER = 0.5;
const PREFIX_MAX = 2;
/** A first name read this clearly (letters, below this similarity) that is not the student's own contradicts them. */
const CLEAR_FIRST_NAME = [
  { letters: 4, below: 0.4 },
  { letters: 3, below: 0.25 },
] as const;
/** Names written in each other's box: a little less likely than in their own. */
const SWAPPED = 0.3;

const { max, min } = Math;

export interface NameEvidence {
  total: number;
  /** Similarities of the names read, when read. */
  surname?: number;
  firstName?: number;
  /** A first name read clearly that is not the student's. */
  firstNameContradicts: boolean;
  /** No first name read, its beginning read, or one more like this pupil's than like any other pupil's. */
  firstNameConsistent: boolean;
}

interface ReadNames {
  lastName?: NameKey;
  firstName?: NameKey;
}

/** The names of a read, as written or swapped (a pupil who filled the boxes the other way round): the likelier. */
export function nameEvidence(read: ReadNames, student: PreparedEntry, rivals: NameRivals): NameEvidence {
  const straight = namePair(read.lastName, read.firstName, student, () => rivals.straight.bestOther(student.firstName));
  const swapped = namePair(read.firstName, read.lastName, student, () => rivals.swapped.bestOther(student.firstName));
  return swapped.total - SWAPPED > straight.total ? { ...swapped, total: swapped.total - SWAPPED } : straight;
}

/**
 * How alike a read first name is to every first name of the roster: a poorly read first name still
 * speaks for a pupil when it is more like theirs than like any other pupil's (`Gabud` for Gabriel),
 * and does not when another first name fits it as well (`Zoé` read on the copy of Chloé's twin).
 */
export class FirstNameRivals {
  private readonly similarities: number[];

  constructor(
    read: NameKey | undefined,
    private readonly students: readonly PreparedEntry[],
  ) {
    this.similarities = read ? students.map((student) => nameSimilarity(read, student.firstName)) : [];
  }

  /** The best similarity to a first name other than `firstName`. */
  bestOther(firstName: NameKey): number {
    let best = 0;
    this.similarities.forEach((similarity, k) => {
      if (similarity > best && this.students[k]!.firstName.glued !== firstName.glued) best = similarity;
    });
    return best;
  }
}

/** For a read's first name as written, and for its surname should the names be swapped. */
export interface NameRivals {
  straight: FirstNameRivals;
  swapped: FirstNameRivals;
}

export const nameRivals = (read: ReadNames, students: readonly PreparedEntry[]): NameRivals => ({
  straight: new FirstNameRivals(read.firstName, students),
  swapped: new FirstNameRivals(read.lastName, students),
});

function namePair(
  readLast: NameKey | undefined,
  readFirst: NameKey | undefined,
  student: PreparedEntry,
  bestOther: () => number,
): NameEvidence {
  const result: NameEvidence = { total: 0, firstNameContradicts: false, firstNameConsistent: true };
  if (readLast) {
    result.surname = nameSimilarity(readLast, student.lastName);
    result.total += against(along(SURNAME, result.surname), readLast);
  }
  if (readFirst) {
    const similarity = nameSimilarity(readFirst, student.firstName);
    const prefix = prefixLetters(readFirst, student.firstName);
    const full = against(along(FIRST_NAME, similarity), readFirst);
    result.firstName = similarity;
    result.total += prefix > 0 ? max(full, min(PREFIX_MAX, prefix * PREFIX_PER_LETTER)) : full;
    const letters = readFirst.core.join('').length;
    result.firstNameContradicts = prefix === 0 && CLEAR_FIRST_NAME.some((clear) => letters >= clear.letters && similarity < clear.below);
    result.firstNameConsistent = prefix > 0 || similarity > bestOther();
  }
  return result;
}

/** A name read in two or three letters (`Me`, `Ya`) is mostly OCR noise: it cannot count much against anyone. */
const against = (value: number, read: NameKey): number => (value >= 0 ? value : value * min(1, read.core.join('').length / 4));

/** Letters of `read` that begin the roster first name or one of its words, a look-alike allowed; 0 when it does not. */
function prefixLetters(read: NameKey, roster: NameKey): number {
  const text = read.core.join('');
  if (text.length < 2) return 0;
  const starts = [roster.core.join(''), ...roster.core];
  return starts.some((word) => word.length >= text.length + 2 && ocrDistance(text, word.slice(0, text.length)) <= 0.5) ? text.length : 0;
}

function along(curve: Curve, similarity: number): number {
  const [first] = curve;
  if (!first || similarity <= first[0]) return first?.[1] ?? 0;
  for (let i = 1; i < curve.length; i++) {
    const [x0, y0] = curve[i - 1]!;
    const [x1, y1] = curve[i]!;
    if (similarity <= x1) return y0 + ((y1 - y0) * (similarity - x0)) / (x1 - x0);
  }
  return curve.at(-1)![1];
}
