import { formatCount, formatDuration, formatRate } from './format.js';
import type { OpsRuntime } from './ops-runtime.js';
import { type Progress, silentProgress } from './progress.js';
import {
  type ReadModelChecksums,
  describeChecksums,
  eventTotal,
  readModelChecksums,
  selectProjections,
  startRebuild,
} from './read-models.js';

export interface ReplayOptions {
  /** One projection by name; all when absent. */
  readonly projection?: string;
  readonly stallMs?: number;
  readonly signal?: AbortSignal;
}

export interface ReplayResult {
  readonly projections: readonly string[];
  /** Replayed by the running app, which holds their locks. */
  readonly replayedByApp: readonly string[];
  readonly events: number;
  readonly checksums: ReadModelChecksums;
  readonly seconds: number;
}

/**
 * Rebuilds read models from the store (DESIGN §5: drop, reset the checkpoint, replay), up to the
 * store's head when the command started. Works whether or not the app is running: a projection the
 * app holds is replayed by the app, and followed here through its stored checkpoint.
 */
export const replay = async (
  runtime: OpsRuntime,
  options: ReplayOptions = {},
  progress: Progress = silentProgress,
): Promise<ReplayResult> => {
  const started = performance.now();
  const projections = selectProjections(options.projection);
  const [head, total] = await Promise.all([runtime.store.head(), eventTotal(runtime.store)]);
  const rebuild = await startRebuild(runtime, projections, progress, { stallMs: options.stallMs });
  let events: number;
  try {
    events = await rebuild.waitUntil(head?.position ?? null, progress, total, options.signal);
  } finally {
    await rebuild.stop();
  }
  return {
    projections: projections.map((projection) => projection.name),
    replayedByApp: rebuild.elsewhere,
    events,
    checksums: await readModelChecksums(runtime.pool, projections),
    seconds: (performance.now() - started) / 1000,
  };
};

export const describeReplay = (result: ReplayResult): string[] => [
  'read-model checksums:',
  ...describeChecksums(result.checksums),
  `replay: ${result.projections.join(', ')} rebuilt from ${formatCount(result.events)} events in ${formatDuration(result.seconds)} ` +
    `(${formatRate(result.events, result.seconds)})${result.replayedByApp.length > 0 ? `; ${result.replayedByApp.join(', ')} replayed by the running app` : ''}`,
];
