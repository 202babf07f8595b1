import type { Pool } from 'pg';

/**
 * The PostgreSQL event store's schema. Idempotent: run on every start. `es_streams` holds each
 * stream's revision so that an append is a compare-and-set on one row.
 */
const MIGRATION = `
CREATE TABLE IF NOT EXISTS es_streams (
  stream_id text PRIMARY KEY,
  revision bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS es_events (
  position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id text NOT NULL,
  revision bigint NOT NULL,
  event_id uuid NOT NULL,
  type text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT es_events_event_id_key UNIQUE (event_id),
  CONSTRAINT es_events_stream_revision_key UNIQUE (stream_id, revision)
);
CREATE INDEX IF NOT EXISTS es_events_all_order ON es_events (transaction_id, position);
`;

/** Serialised with an advisory lock so that two processes starting together do not race. */
export const migrateEventStore = async (pool: Pool): Promise<void> => {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', ['korrigo:es-migrate']);
    await client.query(MIGRATION);
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['korrigo:es-migrate']).catch(() => undefined);
    client.release();
  }
};
