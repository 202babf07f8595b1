import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureDatabase } from '../../apps/api/src/runtime/embedded-postgres.js';

export interface TestDatabase {
  readonly url: string;
  readonly pool: pg.Pool;
  drop(): Promise<void>;
}

/** This Jest worker's own cluster (see global-setup.js); child processes get it passed explicitly. */
const serverUrl = (): string => {
  const url = process.env[`KORRIGO_TEST_PG_URL_${process.env.JEST_WORKER_ID ?? '1'}`] ?? process.env.KORRIGO_TEST_PG_URL;
  if (!url) throw new Error('KORRIGO_TEST_PG_URL is not set: run tests through jest (its global setup starts PostgreSQL)');
  return url;
};

/** A new empty database on the test cluster, dropped by `drop()`. */
export const createTestDatabase = async (): Promise<TestDatabase> => {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const url = await ensureDatabase(serverUrl(), name);
  const pool = new pg.Pool({ connectionString: url, max: 30 });
  // Dropping the database (WITH FORCE) ends connections a test still holds; that is expected, not a failure.
  pool.on('error', () => undefined);
  return {
    url,
    pool,
    drop: async () => {
      await pool.end();
      const admin = new pg.Client({ connectionString: serverUrl() });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
};
