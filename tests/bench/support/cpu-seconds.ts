import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * CPU time, for benches that run on a shared machine: wall time there depends on what else runs,
 * the CPU seconds a pipeline burns much less. Linux only (/proc); elsewhere every figure is null.
 *
 * - `self`: this process, all its threads (the API, its render and OCR workers);
 * - `children`: the child processes it has waited for (the native tools run by execFile);
 * - `postgres`: a PostgreSQL server and its backends, from the postmaster's pid in its data directory
 *   (backends that have exited are counted in the postmaster's children time).
 */
export interface CpuSample {
  readonly self: number;
  readonly children: number;
  readonly postgres: number | null;
}

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux architecture Node supports

/** utime, stime, cutime, cstime of /proc/<pid>/stat, in seconds; null when the process is gone. */
const times = (pid: number | 'self'): [number, number, number, number] | null => {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // The command name is in parentheses and may hold spaces: fields are counted after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const at = (field: number): number => Number(fields[field - 3]) / TICKS_PER_SECOND;
  return [at(14), at(15), at(16), at(17)];
};

const parentOf = (pid: number): number | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
};

const postgresSeconds = (clusterDir: string): number | null => {
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(path.join(clusterDir, 'postmaster.pid'), 'latin1').split('\n')[0]);
  } catch {
    return null;
  }
  const own = times(postmaster);
  if (!own) return null;
  let total = own[0] + own[1] + own[2] + own[3];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || parentOf(pid) !== postmaster) continue;
    const child = times(pid);
    if (child) total += child[0] + child[1];
  }
  return total;
};

export const sampleCpu = (clusterDir?: string): CpuSample | null => {
  const own = times('self');
  if (!own) return null;
  return { self: own[0] + own[1], children: own[2] + own[3], postgres: clusterDir ? postgresSeconds(clusterDir) : null };
};

/** What was burnt between two samples, in seconds. */
export const cpuBetween = (before: CpuSample | null, after: CpuSample | null): CpuSample | null =>
  before && after
    ? {
        self: after.self - before.self,
        children: after.children - before.children,
        postgres: before.postgres === null || after.postgres === null ? null : after.postgres - before.postgres,
      }
    : null;
