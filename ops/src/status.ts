import { formatPosition } from '#event-store';
import { CHECKPOINTS_DDL, ProjectionRunner, allProjections } from '#projections';
import { formatCount } from './format.js';
import type { OpsRuntime } from './ops-runtime.js';

export interface StatusResult {
  readonly storeKind: string;
  readonly events: bigint;
  readonly head: string | null;
  readonly headRecordedAt: string | null;
  readonly projections: readonly { name: string; checkpoint: string; eventsSeen: bigint; caughtUp: boolean; lagSeconds: number }[];
}

/** The store's figures and every projection's checkpoint and lag, as the API's systemStatus reports them. */
export const status = async (runtime: OpsRuntime): Promise<StatusResult> => {
  // A runner that is never started only reads: checkpoints come from the database.
  const runner = new ProjectionRunner(runtime.store, runtime.pool, allProjections);
  await runtime.pool.query(CHECKPOINTS_DDL);
  const [head, events, projections] = await Promise.all([runtime.store.head(), runtime.store.countEvents(), runner.status()]);
  return {
    storeKind: runtime.store.kind,
    events,
    head: head ? formatPosition(head.position) : null,
    headRecordedAt: head?.recordedAt ?? null,
    projections: projections.map((projection) => ({
      name: projection.name,
      checkpoint: formatPosition(projection.checkpoint),
      eventsSeen: projection.eventsSeen,
      caughtUp: projection.caughtUp,
      lagSeconds: projection.lagSeconds,
    })),
  };
};

export const describeStatus = (result: StatusResult): string[] => [
  ...result.projections.map(
    (projection) =>
      `  ${projection.name}: at ${projection.checkpoint}, ${formatCount(projection.eventsSeen)} events seen, ` +
      (projection.caughtUp ? 'caught up' : `${projection.lagSeconds.toFixed(1)} s behind`),
  ),
  `status: ${result.storeKind} store, ${formatCount(result.events)} events, head ${result.head ?? 'none (empty store)'}` +
    `${result.headRecordedAt ? ` recorded ${result.headRecordedAt}` : ''}; ${result.projections.filter((projection) => !projection.caughtUp).length} read model(s) behind`,
];
