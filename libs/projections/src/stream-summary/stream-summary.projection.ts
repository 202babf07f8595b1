import type { ClientBase } from 'pg';
import type { RecordedEvent } from '#event-store';
import type { Projection } from '../runner/projection.js';

/**
 * Per stream: its category, revision and last event. The store overview for operators (counts per
 * category in `systemStatus`). Idempotent: a row only moves forward to a higher revision.
 */
export const streamSummaryProjection: Projection = {
  name: 'stream-summary',
  version: 1,
  eventTypes: 'all',
  tables: [{ name: 'stream_summary', key: 'stream_id' }],
  async setup(db: ClientBase) {
    await db.query(`
      CREATE TABLE IF NOT EXISTS stream_summary (
        stream_id text PRIMARY KEY,
        category text NOT NULL,
        revision bigint NOT NULL,
        last_type text NOT NULL,
        first_recorded_at timestamptz NOT NULL,
        last_recorded_at timestamptz NOT NULL
      );
      CREATE INDEX IF NOT EXISTS stream_summary_category ON stream_summary (category);`);
  },
  async apply(db: ClientBase, events: readonly RecordedEvent[]) {
    const latest = new Map<
      string,
      { stream_id: string; category: string; revision: string; last_type: string; first_recorded_at: string; last_recorded_at: string }
    >();
    for (const event of events) {
      const seen = latest.get(event.streamId);
      latest.set(event.streamId, {
        stream_id: event.streamId,
        category: event.streamId.split('-', 1)[0]!,
        revision: event.revision.toString(),
        last_type: event.type,
        first_recorded_at: seen?.first_recorded_at ?? event.recordedAt,
        last_recorded_at: event.recordedAt,
      });
    }
    await db.query(
      `INSERT INTO stream_summary
       SELECT * FROM jsonb_populate_recordset(NULL::stream_summary, $1::jsonb)
       ON CONFLICT (stream_id) DO UPDATE SET
         revision = EXCLUDED.revision, last_type = EXCLUDED.last_type, last_recorded_at = EXCLUDED.last_recorded_at
       WHERE stream_summary.revision < EXCLUDED.revision`,
      [JSON.stringify([...latest.values()])],
    );
  },
};
