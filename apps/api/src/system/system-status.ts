import { formatPosition } from '#event-store';
import type { ProjectionRunner } from '#projections';
import type { Runtime } from '../runtime/runtime.js';
import type { SystemStatusModel } from './system-status.model.js';

/** Shared by the GraphQL query and the readiness probe. */
export const readSystemStatus = async (runtime: Runtime, runner: ProjectionRunner): Promise<SystemStatusModel> => {
  const [head, eventCount, projections] = await Promise.all([runtime.store.head(), runtime.store.countEvents(), runner.status()]);
  return {
    storeKind: runtime.store.kind,
    eventCount,
    lastPosition: head ? formatPosition(head.position) : null,
    lastEventAt: head?.recordedAt ?? null,
    projections: projections.map((status) => ({ ...status, checkpoint: formatPosition(status.checkpoint) })),
  };
};
