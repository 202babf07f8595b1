import type { ClientBase } from 'pg';
import type { RecordedEvent } from '#event-store';
import type { Projection } from '../runner/projection.js';

/**
 * One row per event with who did it and when: the audit trail's index (DESIGN §5 "audit entries").
 * Idempotent by event id. No `$all` position is kept: a restore assigns new positions, and the read
 * model must come out identical (checksums) from the same events in any store.
 */
export const auditLogProjection: Projection = {
  name: 'audit-log',
  version: 2,
  eventTypes: 'all',
  tables: [{ name: 'audit_log', key: 'event_id' }],
  async setup(db: ClientBase) {
    await db.query(`
      CREATE TABLE IF NOT EXISTS audit_log (
        event_id uuid PRIMARY KEY,
        stream_id text NOT NULL,
        category text NOT NULL,
        revision bigint NOT NULL,
        type text NOT NULL,
        actor_id text,
        actor_role text,
        correlation_id text,
        occurred_at timestamptz,
        recorded_at timestamptz NOT NULL
      );
      CREATE INDEX IF NOT EXISTS audit_log_stream ON audit_log (stream_id, revision);`);
  },
  async apply(db: ClientBase, events: readonly RecordedEvent[]) {
    const rows = events.map((event) => ({
      event_id: event.eventId,
      stream_id: event.streamId,
      category: event.streamId.split('-', 1)[0],
      revision: event.revision.toString(),
      type: event.type,
      actor_id: event.metadata.actorId ?? null,
      actor_role: event.metadata.actorRole ?? null,
      correlation_id: event.metadata.correlationId ?? null,
      occurred_at: event.metadata.occurredAt ?? null,
      recorded_at: event.recordedAt,
    }));
    await db.query(
      `INSERT INTO audit_log
       SELECT * FROM jsonb_populate_recordset(NULL::audit_log, $1::jsonb)
       ON CONFLICT (event_id) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  },
};
