import { formatPosition } from '#event-store';
import { formatCount } from './format.js';
import { type OpsRuntime, RestoreRefusedError } from './ops-runtime.js';
import type { Progress } from './progress.js';

/**
 * A restore writes into an empty event store only: events appended on top of another history would
 * interleave two histories. `--force` empties a PostgreSQL store first (its two tables; the read
 * models are reset by the rebuild that follows). EventStoreDB cannot be emptied in place — a deleted
 * stream keeps its revisions and its events stay in `$all` until scavenged — so it is refused.
 */
export const prepareTarget = async (runtime: OpsRuntime, force: boolean, progress: Progress): Promise<void> => {
  const { store, pool } = runtime;
  const head = await store.head();
  if (!head) return;
  const where = `last event at ${formatPosition(head.position)}, recorded ${head.recordedAt}`;
  if (store.kind === 'eventstoredb') {
    throw new RestoreRefusedError(
      `The target EventStoreDB is not empty (${where}) and EventStoreDB cannot be emptied in place (deleted streams keep their revisions). ` +
        'Restore into a new, empty EventStoreDB database and point EVENTSTORE_URL at it. Nothing was written.',
    );
  }
  if (!force) {
    throw new RestoreRefusedError(
      `The target event store is not empty (${where}). Restoring would mix two histories. ` +
        'Run with --force to replace its events and read models with the archive’s. Nothing was written.',
    );
  }
  const { rows } = await pool.query<{ count: string }>('SELECT count(*)::text AS count FROM es_events');
  // Positions are not restarted: the restored events come after every checkpoint a running app still holds.
  await pool.query('TRUNCATE es_events, es_streams');
  progress.log(`--force: removed ${formatCount(BigInt(rows[0]!.count))} events from the target event store`);
};
