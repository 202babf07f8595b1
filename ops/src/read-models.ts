import type { Pool } from 'pg';
import { type EventStore, type Position, comparePositions, formatPosition } from '#event-store';
import { type Projection, ProjectionRunner, allProjections, checksumTables, readCheckpoints, rebuildProjection } from '#projections';
import { OpsError, type OpsRuntime, throwIfAborted } from './ops-runtime.js';
import type { Progress } from './progress.js';

/** Read-model checksums per projection, then per table (`rows:md5`). */
export type ReadModelChecksums = Record<string, Record<string, string>>;

export const selectProjections = (name: string | undefined): readonly Projection[] => {
  if (name === undefined) return allProjections;
  const found = allProjections.find((projection) => projection.name === name);
  if (!found) throw new OpsError(`Unknown projection "${name}" (known: ${allProjections.map((projection) => projection.name).join(', ')})`);
  return [found];
};

/**
 * A rebuild in progress: the read models were reset (tables dropped and recreated, checkpoints back
 * at the start) and are replaying, either in this process or in the running app, whichever holds
 * each projection's lock. Progress and completion are read from the stored checkpoints, so both
 * cases are watched the same way.
 */
export interface Rebuild {
  /** Projections this process replays; the others are replayed by the app that holds their lock. */
  readonly here: readonly string[];
  readonly elsewhere: readonly string[];
  /** Resolves once every projection's stored checkpoint has reached `target`, with the events replayed. */
  waitUntil(target: Position | null, progress: Progress, total: number | null, signal?: AbortSignal): Promise<number>;
  stop(): Promise<void>;
}

export interface RebuildOptions {
  readonly batchSize?: number;
  /** Fail when no projection has moved for this long (a stuck runner elsewhere, a failing projection). */
  readonly stallMs?: number;
}

export const startRebuild = async (
  runtime: OpsRuntime,
  projections: readonly Projection[],
  progress: Progress,
  options: RebuildOptions = {},
): Promise<Rebuild> => {
  // Reset first, then start: a loop started afterwards replays from the start, and a loop that runs
  // in the app notices the reset at its next batch.
  for (const projection of projections) await rebuildProjection(runtime.pool, projection);
  const runner = new ProjectionRunner(runtime.store, runtime.pool, projections, {
    batchSize: options.batchSize ?? 2000,
    takeoverIntervalMs: 1000,
    log: (message) => progress.log(`projections: ${message}`),
  });
  await runner.start();
  const statuses = await runner.status();
  const here = statuses.filter((status) => status.running).map((status) => status.name);
  const elsewhere = statuses.filter((status) => !status.running).map((status) => status.name);
  if (elsewhere.length > 0) progress.log(`read models ${elsewhere.join(', ')} are replayed by the running app (it holds their locks)`);
  const stallMs = options.stallMs ?? 120_000;
  const failingMs = Math.min(stallMs, 15_000);
  const failures = async (): Promise<string[]> =>
    (await runner.status()).filter((status) => status.lastError).map((status) => `${status.name}: ${status.lastError}`);

  return {
    here,
    elsewhere,
    async waitUntil(target, progressTo, total, signal) {
      const task = progressTo.start('rebuild', total, 'events');
      const names = new Set(projections.map((projection) => projection.name));
      const versions = new Map(projections.map((projection) => [projection.name, projection.version]));
      let lastSeen = -1n;
      let lastMove = Date.now();
      for (;;) {
        throwIfAborted(signal);
        const checkpoints = (await readCheckpoints(runtime.pool)).filter((checkpoint) => names.has(checkpoint.name));
        const seen = checkpoints.reduce(
          (least, checkpoint) => (checkpoint.eventsSeen < least ? checkpoint.eventsSeen : least),
          checkpoints[0]?.eventsSeen ?? 0n,
        );
        task.update(Number(seen));
        if (seen !== lastSeen) {
          lastSeen = seen;
          lastMove = Date.now();
        }
        const done =
          checkpoints.length === names.size &&
          checkpoints.every(
            (checkpoint) =>
              checkpoint.version === versions.get(checkpoint.name) && (!target || comparePositions(checkpoint.position, target) >= 0),
          );
        if (done) break;
        // A projection that keeps failing is retried by its runner for ever: say so rather than wait.
        const errors = Date.now() - lastMove > failingMs ? await failures() : [];
        if (errors.length > 0 || Date.now() - lastMove > stallMs) {
          throw new OpsError(
            `Read models stopped progressing (${seen} events replayed, target ${target ? formatPosition(target) : 'start'})` +
              (errors.length > 0 ? `: ${errors.join('; ')}` : elsewhere.length > 0 ? ': check the running app’s log' : ''),
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      task.setTotal(Number(lastSeen));
      task.done();
      return Number(lastSeen);
    },
    stop: () => runner.stop(),
  };
};

export const readModelChecksums = async (pool: Pool, projections: readonly Projection[], schema?: string): Promise<ReadModelChecksums> => {
  const client = await pool.connect();
  try {
    const sums: ReadModelChecksums = {};
    for (const projection of projections) sums[projection.name] = await checksumTables(client, projection, schema);
    return sums;
  } finally {
    client.release();
  }
};

export const describeChecksums = (sums: ReadModelChecksums): string[] =>
  Object.entries(sums).flatMap(([name, tables]) => Object.entries(tables).map(([table, sum]) => `  ${name}/${table}: ${sum}`));

/** Total for a progress bar: exact and cheap on PostgreSQL; unknown on EventStoreDB, which would need a full read. */
export const eventTotal = async (store: EventStore): Promise<number | null> =>
  store.kind === 'postgres' ? Number(await store.countEvents()) : null;
