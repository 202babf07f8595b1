import path from 'node:path';
import { startEmbeddedPostgres } from '../../apps/api/src/runtime/embedded-postgres.js';
import { freePort } from './free-port.js';

/**
 * Throwaway embedded PostgreSQL clusters for the test run (fsync off: tests check logic, benchmarks
 * measure durability), one per Jest worker: `$all` visibility follows the oldest running
 * transaction of the whole cluster, so test files running side by side in one cluster would slow
 * each other's projections down. Each test file makes its own databases in its worker's cluster.
 * @param {{ maxWorkers: number }} globalConfig
 */
export default async function globalSetup(globalConfig) {
  const workers = Math.max(1, globalConfig.maxWorkers);
  const servers = await Promise.all(
    Array.from({ length: workers }, async (_, i) => {
      const dataDir = path.resolve('.data', `test-cluster-${process.pid}-${i + 1}`);
      const server = await startEmbeddedPostgres({
        dataDir,
        port: await freePort(),
        settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
      });
      return { ...server, dataDir };
    }),
  );
  servers.forEach((server, i) => (process.env[`KORRIGO_TEST_PG_URL_${i + 1}`] = server.url));
  process.env.KORRIGO_TEST_PG_URL = servers[0]?.url;
  /** @type {any} */ (globalThis).__korrigoTestPg = servers;
}
