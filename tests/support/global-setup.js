import path from 'node:path';
import { createServer } from 'node:net';
import { startEmbeddedPostgres } from '../../apps/api/src/runtime/embedded-postgres.js';

/** @returns {Promise<number>} a TCP port free on loopback right now */
const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

/**
 * One throwaway embedded PostgreSQL cluster for the whole test run (fsync off: tests check logic,
 * benchmarks measure durability). Each test file makes its own databases in it.
 */
export default async function globalSetup() {
  const dataDir = path.resolve('.data', `test-cluster-${process.pid}`);
  const server = await startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '400' },
  });
  process.env.KORRIGO_TEST_PG_URL = server.url;
  /** @type {any} */ (globalThis).__korrigoTestPg = { stop: server.stop, dataDir };
}
