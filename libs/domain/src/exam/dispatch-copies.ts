import { validation } from '../shared/domain-error.js';

/**
 * Who corrects which copy. Random, so that no corrector always gets the same class or the first copies of
 * the pile; reproducible, because the randomness is seeded from the run id (an audit can recompute a run);
 * fair, because each copy goes to the least-loaded corrector, so counts differ by at most one.
 *
 * `keep` lists copies already in progress: they stay with their corrector and count in that corrector's
 * load, so a rebalance only moves copies nobody has started. A kept copy whose corrector is no longer
 * among `correctorIds` is dispatched again like a free one. When the kept copies are already uneven,
 * the free ones go to the least loaded first, which is as even as possible without moving work.
 */
export type Assignment = { copyId: string; correctorId: string };

export const dispatchCopies = (
  copyIds: readonly string[],
  correctorIds: readonly string[],
  runId: string,
  keep: readonly Assignment[] = [],
): Assignment[] => {
  if (correctorIds.length === 0) throw validation('there is no corrector to dispatch copies to');
  const random = seededRandom(runId);
  // Sorted before shuffling: the outcome depends on the sets and the run id, not on the order they came in.
  const correctors = shuffle([...new Set(correctorIds)].sort(), random);
  const copies = [...new Set(copyIds)].sort();
  const load = new Map(correctors.map((correctorId) => [correctorId, 0]));
  const owner = new Map<string, string>();

  const wanted = new Set(copies);
  for (const { copyId, correctorId } of keep) {
    const current = load.get(correctorId);
    if (!wanted.has(copyId) || current === undefined || owner.has(copyId)) continue;
    owner.set(copyId, correctorId);
    load.set(correctorId, current + 1);
  }

  for (const copyId of shuffle(
    copies.filter((copyId) => !owner.has(copyId)),
    random,
  )) {
    // Ties go to the earliest corrector in the shuffled order, so who gets one copy more is random too.
    let chosen = correctors[0] ?? '';
    for (const correctorId of correctors) if ((load.get(correctorId) ?? 0) < (load.get(chosen) ?? 0)) chosen = correctorId;
    owner.set(copyId, chosen);
    load.set(chosen, (load.get(chosen) ?? 0) + 1);
  }
  return copies.map((copyId) => ({ copyId, correctorId: owner.get(copyId) ?? '' }));
};

/** mulberry32 seeded with the FNV-1a hash of the run id: small, fast, and the same on every machine. */
const seededRandom = (seed: string): (() => number) => {
  let state = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) state = Math.imul(state ^ seed.charCodeAt(i), 0x01000193);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** Fisher–Yates on a copy. */
const shuffle = <T>(items: readonly T[], random: () => number): T[] => {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  return result;
};
