import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { type EventData, PostgresEventStore } from '#event-store';
import { type CopyStream, RealisticEvents } from './support/realistic-events.js';
import { type Row, compare, compareInterleaved, formatRate } from './support/timed.js';

/**
 * Sections 1 and 2: appends through PostgresEventStore with an exact expected revision, against the
 * anchor: the same rows INSERTed (autocommit) into a plain table with the same columns, on the same
 * server, through the same driver. Each writer owns its streams.
 */

/** Same columns, types and defaults as es_events; only the identity primary key, no other constraint. */
const RAW_TABLE = `
CREATE TABLE raw_events (
  position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id text NOT NULL,
  revision bigint NOT NULL,
  event_id uuid NOT NULL,
  type text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
)`;

const STREAMS_PER_WRITER = 4;

interface WriterStream {
  readonly copy: CopyStream;
  revision: bigint;
}

export interface AppendSectionOptions {
  readonly seconds: number;
  readonly log: (line: string) => void;
}

export const benchAppends = async (pool: pg.Pool, options: AppendSectionOptions): Promise<Row[]> => {
  const store = await PostgresEventStore.create(pool);
  await pool.query(RAW_TABLE);
  const shapes = new RealisticEvents(7);
  const ms = options.seconds * 1000;

  /** Each writer's own copy streams, created (untimed) with a first event. */
  const streamsFor = async (writers: number): Promise<WriterStream[][]> =>
    Promise.all(
      Array.from({ length: writers }, async () => {
        const own: WriterStream[] = [];
        for (let i = 0; i < STREAMS_PER_WRITER; i++) {
          const copy = shapes.newCopy(randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID(), 1_000_000_000);
          const result = await store.append(copy.streamId, [shapes.copyEvent(copy, 0)], 'no_stream');
          own.push({ copy, revision: result.nextExpectedRevision });
        }
        return own;
      }),
    );

  const appendLoop = (streams: WriterStream[][], batch: number): ((writer: number) => Promise<number>) => {
    let turn = 0;
    return async (writer) => {
      const stream = streams[writer]![turn++ % STREAMS_PER_WRITER]!;
      const events = Array.from({ length: batch }, (_, i) => shapes.copyEvent(stream.copy, Number(stream.revision) + 1 + i));
      const result = await store.append(stream.copy.streamId, events, stream.revision);
      stream.revision = result.nextExpectedRevision;
      return batch;
    };
  };

  const insertLoop = (writers: number, batch: number): ((writer: number) => Promise<number>) => {
    const streams = Array.from({ length: writers }, () =>
      Array.from({ length: STREAMS_PER_WRITER }, () => ({
        copy: shapes.newCopy(randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID(), 1_000_000_000),
        revision: 0,
      })),
    );
    let turn = 0;
    const values = Array.from(
      { length: batch },
      (_, i) => `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6})`,
    ).join(', ');
    const sql = `INSERT INTO raw_events (stream_id, revision, event_id, type, data, metadata) VALUES ${values}`;
    return async (writer) => {
      const stream = streams[writer]![turn++ % STREAMS_PER_WRITER]!;
      const params: unknown[] = [];
      for (let i = 0; i < batch; i++) {
        const event: EventData = shapes.copyEvent(stream.copy, stream.revision + 1);
        params.push(
          stream.copy.streamId,
          ++stream.revision,
          event.eventId,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
        );
      }
      await pool.query(sql, params);
      return batch;
    };
  };

  const rows: Row[] = [];
  const pair = async (measure: string, writers: number, batch: number): Promise<void> => {
    options.log(`appends: ${measure} (${2 * options.seconds}s)…`);
    const { korrigo, anchor } = await compareInterleaved(
      writers,
      ms,
      appendLoop(await streamsFor(writers), batch),
      insertLoop(writers, batch),
    );
    options.log(`appends: korrigo ${formatRate(korrigo)}, anchor ${formatRate(anchor)}`);
    rows.push(compare(measure, korrigo, anchor, { minRatio: 0.5 }));
  };
  await pair('append 1 event, exact revision, 1 writer  (anchor: INSERT 1 row, autocommit)', 1, 1);
  await pair('append 1 event, exact revision, 8 writers (anchor: INSERT 1 row, autocommit)', 8, 1);
  await pair('append 100 events, exact revision, 1 writer (anchor: INSERT 100 rows)', 1, 100);
  await store.close();
  return rows;
};
