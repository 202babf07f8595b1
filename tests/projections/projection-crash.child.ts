/**
 * Child process of projection-crash.spec.ts: the real projection runner (PostgresEventStore and
 * every projection) against the database in KORRIGO_CRASH_DB_URL. It projects until it has reached
 * the store's head, then stops cleanly and exits 0 — unless the test kills it first (SIGKILL).
 *
 * Run with the TypeScript loader: node --import ./tests/support/ts-loader.mjs <this file>
 * Environment: KORRIGO_CRASH_DB_URL (required), KORRIGO_CRASH_BATCH (events per batch, default 100),
 * KORRIGO_CRASH_APP (PostgreSQL application_name of its sessions, so the test can find them).
 * Stdout: one JSON line per step ({"event":"started"}, {"event":"caught-up", …}).
 */
import pg from 'pg';
import { PostgresEventStore, formatPosition } from '#event-store';
import { ProjectionRunner, readCheckpoints } from '#projections';
import { crashProjections as allProjections } from './crash-projections.js';

const url = process.env.KORRIGO_CRASH_DB_URL;
if (!url) throw new Error('KORRIGO_CRASH_DB_URL is not set');
const batchSize = Number(process.env.KORRIGO_CRASH_BATCH ?? '100');
const applicationName = process.env.KORRIGO_CRASH_APP ?? 'projection-crash-child';

const send = (message: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};

const pool = new pg.Pool({ connectionString: url, max: 6, application_name: applicationName });
pool.on('error', (error) => process.stderr.write(`[pg] idle client error: ${error.message}\n`));
const store = await PostgresEventStore.create(pool, { pollIntervalMs: 100 });
const runner = new ProjectionRunner(store, pool, allProjections, {
  batchSize,
  takeoverIntervalMs: 100,
  log: (message) => process.stderr.write(`${message}\n`),
});
await runner.start();
send({ event: 'started', pid: process.pid, batchSize });

const caughtUp = await runner.catchUp(120_000);
await runner.stop();
const checkpoints = await readCheckpoints(pool);
await store.close();
await pool.end();
send({ event: 'caught-up', caughtUp, checkpoints: checkpoints.map((c) => ({ name: c.name, position: formatPosition(c.position) })) });
process.exitCode = caughtUp ? 0 : 1;
