/**
 * Names as the roster matcher compares them. A header is read by OCR from handwriting, so the
 * comparison forgives what OCR and pupils get wrong — case, accents, hyphens written as spaces or
 * left out, `0` for `o`, `rn` for `m` — while keeping apart what distinguishes two pupils.
 */

/** Module-level: under a vm context (Jest) a global lookup like `Math` in a hot loop is several times slower. */
const { max } = Math;

/** Lower case, no accents, ligatures spelled out, hyphens/apostrophes/dots as spaces, single spaces. */
export function normaliseName(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Particles of French (and Dutch, Arabic, Italian, Portuguese) surnames. OCR and pupils often drop or
 * glue them (`de la Fontaine`, `Delafontaine`, `Fontaine`), so they are left out of the comparison and
 * only their agreement counts, as a small bonus.
 */
const PARTICLES = new Set('de du des d le la les l van von der den di da del della dos das do ben bin el al ter ten mac o'.split(' '));

/** A name ready for comparison: its significant words and its particles, OCR look-alike digits folded. */
export interface NameKey {
  core: string[];
  particles: string[];
  /** Every word in order, particles included, without spaces: `Delafontaine` is `de La Fontaine`. */
  glued: string;
}

export function nameKey(value: string): NameKey {
  const folded = normaliseName(value.replace(/(?<=\p{L})[|!](?=\p{L})/gu, 'l').replace(/€/g, 'e'))
    .replace(/0/g, 'o')
    .replace(/1/g, 'l')
    .replace(/5/g, 's')
    .replace(/[0-9]/g, ' ');
  const words = folded.split(' ').filter((word) => word !== '');
  const core = words.filter((word) => !PARTICLES.has(word));
  const glued = words.join('');
  // A name made only of particles (`Le`, `Da`) is its own core.
  if (core.length === 0) return { core: words, particles: [], glued };
  return { core, particles: words.filter((word) => PARTICLES.has(word)).sort(), glued };
}

export const isEmptyName = (key: NameKey): boolean => key.core.length === 0;

/**
 * How alike two names are, 0..1. The best of: the significant words with spaces removed (a missing or
 * extra hyphen/space costs nothing), a word-by-word alignment that lets a partly read compound name
 * (`Dupont` for `Dupont-Martin`) score well yet below the full one — both a little lower when the
 * particles disagree — and all words glued, particles included (`Delafontaine`).
 */
export function nameSimilarity(read: NameKey, roster: NameKey): number {
  if (read.core.length === 0 || roster.core.length === 0) return 0;
  const whole = stringSimilarity(read.core.join(''), roster.core.join(''));
  const partial = read.core.length === 1 && roster.core.length === 1 ? whole : wordAlignment(read.core, roster.core);
  const particlesAgree = read.particles.join(' ') === roster.particles.join(' ');
  return max(whole * (particlesAgree ? 1 : 0.96), partial * (particlesAgree ? 1 : 0.96), stringSimilarity(read.glued, roster.glued));
}

/** Each read word takes its best unused roster word; unread roster words lower the score by their share. */
function wordAlignment(read: string[], roster: string[]): number {
  const used = new Set<number>();
  let weighted = 0;
  let readLength = 0;
  for (const word of read) {
    let best = 0;
    let bestIndex = -1;
    roster.forEach((candidate, index) => {
      if (used.has(index)) return;
      const similarity = stringSimilarity(word, candidate);
      if (similarity > best) [best, bestIndex] = [similarity, index];
    });
    if (bestIndex >= 0) used.add(bestIndex);
    weighted += best * word.length;
    readLength += word.length;
  }
  const rosterLength = roster.reduce((sum, word) => sum + word.length, 0);
  const covered = [...used].reduce((sum, index) => sum + (roster[index]?.length ?? 0), 0);
  return (weighted / readLength) * (0.7 + 0.3 * (covered / rosterLength));
}

/** 1 − OCR-aware edit distance ÷ the longer length. */
export function stringSimilarity(a: string, b: string): number {
  const longest = max(a.length, b.length);
  if (longest === 0) return 1;
  return max(0, 1 - ocrDistance(a, b) / longest);
}

/**
 * Letters OCR (and hurried handwriting) mistake for one another: substituting them costs half.
 * A 128×128 table over ASCII — names reach here folded to ASCII — as this runs for every read × roster pair.
 */
const LOOK_ALIKES = new Uint8Array(128 * 128);
for (const [x, y] of ['il', 'ij', 'lt', 'ce', 'eo', 'ao', 'uv', 'nu', 'mn', 'hb', 'gq', 'ft', 'yv', 'o0', 'l1', 's5', 'b8', 'g6', 'z2']) {
  LOOK_ALIKES[x!.charCodeAt(0) * 128 + y!.charCodeAt(0)] = 1;
  LOOK_ALIKES[y!.charCodeAt(0) * 128 + x!.charCodeAt(0)] = 1;
}
/** Two letters read as one, or the reverse. */
const SPLITS: [string, string][] = [
  ['m', 'rn'],
  ['m', 'nn'],
  ['m', 'in'],
  ['w', 'vv'],
  ['d', 'cl'],
  ['u', 'ii'],
];
const isSplit = (one: number, first: number, second: number): boolean =>
  SPLITS.some(([o, two]) => o.charCodeAt(0) === one && two.charCodeAt(0) === first && two.charCodeAt(1) === second);
const SPLIT_TARGETS = new Set(SPLITS.map(([one]) => one.charCodeAt(0)));

let buffer = new Float64Array(1024);

/**
 * Weighted Damerau–Levenshtein (optimal string alignment): insert/delete/swap cost 1, a substitution 1
 * or ½ between look-alikes, and `rn`↔`m`-style splits ½. One reused buffer keeps it allocation-free.
 */
export function ocrDistance(a: string, b: string): number {
  const cols = b.length + 1;
  const size = (a.length + 1) * cols;
  if (buffer.length < size) buffer = new Float64Array(size * 2);
  const d = buffer;
  for (let i = 0; i <= a.length; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const x = a.charCodeAt(i - 1);
    const xBefore = i > 1 ? a.charCodeAt(i - 2) : -1;
    for (let j = 1; j < cols; j++) {
      const y = b.charCodeAt(j - 1);
      const here = i * cols + j;
      const substitution = x === y ? 0 : x < 128 && y < 128 && LOOK_ALIKES[x * 128 + y] === 1 ? 0.5 : 1;
      let best = d[here - cols - 1]! + substitution;
      if (d[here - cols]! + 1 < best) best = d[here - cols]! + 1;
      if (d[here - 1]! + 1 < best) best = d[here - 1]! + 1;
      if (x !== y && j > 1) {
        const yBefore = b.charCodeAt(j - 2);
        if (xBefore === y && x === yBefore && d[here - 2 * cols - 2]! + 1 < best) best = d[here - 2 * cols - 2]! + 1;
        if (SPLIT_TARGETS.has(x) && isSplit(x, yBefore, y) && d[here - cols - 2]! + 0.5 < best) best = d[here - cols - 2]! + 0.5;
      }
      if (x !== y && i > 1 && SPLIT_TARGETS.has(y) && isSplit(y, xBefore, x) && d[here - 2 * cols - 1]! + 0.5 < best)
        best = d[here - 2 * cols - 1]! + 0.5;
      d[here] = best;
    }
  }
  return d[size - 1]!;
}
