import type { Position } from './event-store.port.js';

export const comparePositions = (a: Position, b: Position): -1 | 0 | 1 => {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
};

/** Text form kept in checkpoints and archives: bigints never pass through a JS number. */
export const formatPosition = (p: Position): string => `${p.commit}/${p.prepare}`;

export const parsePosition = (text: string): Position => {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) throw new Error(`Not a position: "${text}" (expected COMMIT/PREPARE)`);
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
};
