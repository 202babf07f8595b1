import path from 'node:path';
import pg from 'pg';
import { type EventStore, EventStoreDbStore, PostgresEventStore } from '#event-store';

import { type BlobStore, LocalBlobStore } from './blob-store.js';
import type { Config } from './config.js';
import { S3BlobStore } from './s3-blob-store.js';
import { ensureDatabase, startEmbeddedPostgres } from './embedded-postgres.js';

/** What every process (API, ops CLI) opens from the same configuration. */
export interface Runtime {
  readonly config: Config;
  /** The read models' database (and the PostgreSQL event store's, when that is the store). */
  readonly pool: pg.Pool;
  readonly store: EventStore;
  /** Files referenced by events: `<DATA_DIR>/blobs`, or an S3-compatible bucket (S3_*). */
  readonly blobs: BlobStore;
  /** Where the read models live, for messages: 'embedded' or the external URL without its password. */
  readonly databaseLabel: string;
  /** Shutdown has begun (Ctrl-C): connection errors from here on are expected. */
  shuttingDown?(): void;
  close(): Promise<void>;
}

const redact = (url: string): string => {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
};

export const openRuntime = async (config: Config, options: { poolSize?: number } = {}): Promise<Runtime> => {
  const blobs = await openBlobStore(config);
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort });
  try {
    const url = config.databaseUrl ?? (await ensureDatabase(embedded!.url, 'korrigo'));
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 20 });
    // pool.end() resolves before the sockets of its idle clients have closed: stopping the embedded
    // server right after makes them fail, which is expected and not worth a line on stderr.
    let closing = false;
    pool.on('error', (error) => void (closing || process.stderr.write(`[pg] idle client error: ${error.message}\n`)));
    const store: EventStore = config.eventStoreUrl
      ? new EventStoreDbStore(config.eventStoreUrl, { timeoutMs: config.eventStoreTimeoutMs })
      : await PostgresEventStore.create(pool);
    return {
      config,
      pool,
      store,
      blobs,
      databaseLabel: embedded ? `embedded (${config.dataDir}/postgres)` : redact(url),
      shuttingDown: () => {
        closing = true;
      },
      close: async () => {
        closing = true;
        await store.close();
        blobs.close?.();
        await pool.end();
        await embedded?.stop();
      },
    };
  } catch (error) {
    blobs.close?.();
    await embedded?.stop();
    throw error;
  }
};

/** A bucket that cannot be used is a misconfiguration: said at startup rather than at the first scan. */
export const openBlobStore = async (config: Config): Promise<BlobStore> => {
  if (!config.s3) return new LocalBlobStore(path.join(config.dataDir, 'blobs'));
  const blobs = new S3BlobStore(config.s3, { spoolDir: path.join(config.dataDir, 'tmp') });
  try {
    await blobs.probe();
  } catch (error) {
    blobs.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`S3 blob storage unusable (check S3_ENDPOINT, S3_BUCKET and the keys): ${reason}`, { cause: error });
  }
  return blobs;
};
