import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * CPU seconds spent by this process and by the PostgreSQL server, per phase: on a shared or small
 * machine wall time depends on the neighbours, CPU time says where the work is (node or server).
 * Linux only (/proc); elsewhere the server's figure is null.
 */
export interface CpuSample {
  readonly node: number;
  readonly postgres: number | null;
}

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux that matters

/** utime, stime, cutime, cstime of a process, in ticks, and its parent. */
const statOf = (pid: string): { ppid: string; ticks: number } | null => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: fields[1]!, ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]) };
  } catch {
    return null;
  }
};

/** The postmaster and its children (backends, checkpointer, WAL writer…); exited ones count in the postmaster's cutime. */
const postgresTicks = (clusterDir: string): number | null => {
  try {
    const postmaster = readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]!.trim();
    const own = statOf(postmaster);
    if (!own) return null;
    let ticks = own.ticks;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || entry === postmaster) continue;
      const stat = statOf(entry);
      if (stat?.ppid === postmaster) ticks += stat.ticks;
    }
    return ticks;
  } catch {
    return null;
  }
};

export const sampleCpu = (clusterDir: string): CpuSample => {
  const usage = process.cpuUsage();
  const ticks = postgresTicks(clusterDir);
  return { node: (usage.user + usage.system) / 1e6, postgres: ticks === null ? null : ticks / TICKS_PER_SECOND };
};

export interface PhaseCost {
  readonly phase: string;
  readonly seconds: number;
  readonly nodeCpu: number;
  readonly postgresCpu: number | null;
}

/** Runs `work` and records its wall time and CPU time into `into`. */
export const measured = async <T>(into: PhaseCost[], phase: string, clusterDir: string, work: () => Promise<T>): Promise<T> => {
  const before = sampleCpu(clusterDir);
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const after = sampleCpu(clusterDir);
  into.push({
    phase,
    seconds,
    nodeCpu: after.node - before.node,
    postgresCpu: after.postgres === null || before.postgres === null ? null : after.postgres - before.postgres,
  });
  return result;
};

export const renderCosts = (costs: readonly PhaseCost[]): string[] => {
  const width = Math.max(...costs.map((cost) => cost.phase.length));
  return costs.map(
    (cost) =>
      `  ${cost.phase.padEnd(width)}  wall ${cost.seconds.toFixed(1).padStart(6)}s  node CPU ${cost.nodeCpu.toFixed(1).padStart(6)}s  ` +
      `PostgreSQL CPU ${cost.postgresCpu === null ? '     ?' : cost.postgresCpu.toFixed(1).padStart(6)}s`,
  );
};
