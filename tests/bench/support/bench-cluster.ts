import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureDatabase, startEmbeddedPostgres } from '../../../apps/api/src/runtime/embedded-postgres.js';
import { freePort } from '../../support/free-port.js';

/**
 * One throwaway embedded PostgreSQL cluster for a whole bench run, with the server's default
 * (durable) settings: the bench measures the real thing, unlike the test cluster (fsync off).
 * The data folder is removed when the bench ends, fails or is interrupted.
 */
export interface BenchCluster {
  readonly dataDir: string;
  /** PostgreSQL's own data directory, inside `dataDir`. */
  readonly clusterDir: string;
  /** A pool on a new database of the cluster. */
  openDatabase(name: string, max: number): Promise<pg.Pool>;
  /** The settings a reader needs to judge the figures. */
  settings(): Promise<[string, string][]>;
  close(): Promise<void>;
}

const SHOWN_SETTINGS = [
  'server_version',
  'fsync',
  'synchronous_commit',
  'full_page_writes',
  'wal_level',
  'wal_sync_method',
  'wal_buffers',
  'commit_delay',
  'shared_buffers',
  'work_mem',
  'maintenance_work_mem',
  'max_wal_size',
  'checkpoint_timeout',
  'autovacuum',
  'max_connections',
];

export const startBenchCluster = async (log: (line: string) => void): Promise<BenchCluster> => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'korrigo-bench-'));
  let removed = false;
  // Once stopping, PostgreSQL ending the pools' connections is expected, not worth a line: pool.end()
  // resolves before its idle connections are closed, and a signal stops the server under open pools.
  let stopping = false;
  const removeDataDir = (): void => {
    if (removed) return;
    removed = true;
    rmSync(dataDir, { recursive: true, force: true });
  };
  // embedded-postgres stops its servers on SIGINT/SIGTERM and then exits: the folder goes last.
  process.on('exit', removeDataDir);
  const onSignal = (signal: string): void => {
    stopping = true;
    log(`\n${signal}: stopping PostgreSQL and removing ${dataDir}`);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let server: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
  try {
    server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  } catch (error) {
    removeDataDir();
    throw error;
  }
  const pools: pg.Pool[] = [];
  return {
    dataDir,
    clusterDir: path.join(dataDir, 'postgres'),
    openDatabase: async (name, max) => {
      const pool = new pg.Pool({ connectionString: await ensureDatabase(server.url, name), max });
      pool.on('error', (error) => {
        if (!stopping) log(`[pg] idle client error: ${error.message}`);
      });
      pools.push(pool);
      return pool;
    },
    settings: async () => {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string; setting: string }>(
          `SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name`,
          [SHOWN_SETTINGS],
        );
        return [...rows.map((row): [string, string] => [row.name, row.setting]), ['data directory', `${dataDir} (temporary)`]];
      } finally {
        await client.end();
      }
    },
    close: async () => {
      stopping = true;
      await Promise.all(pools.splice(0).map((pool) => pool.end().catch(() => undefined)));
      await server.stop();
      removeDataDir();
    },
  };
};
