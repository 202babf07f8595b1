import type { Pool, PoolClient } from 'pg';
import {
  type AppendResult,
  type EventData,
  type EventStore,
  type ExpectedRevision,
  type HeadInfo,
  type ImportedEvent,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
  START,
} from '../event-store.port.js';
import {
  EventIdConflictError,
  StoreUnavailableError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
  isConnectionFailure,
} from '../errors.js';
import { migrateEventStore } from './schema.js';
import { PostgresNotifier } from './postgres-notifier.js';
import { PostgresSubscription } from './postgres-subscription.js';

/**
 * An event as the JSON text of a RecordedEvent (bigints and the position as text): the ops archive's line.
 * Concatenation is about twice as fast as json_build_object here; to_json quotes and escapes the free texts.
 */
const JSON_LINE = `'{"position":"' || transaction_id::text || '/' || position::text || '","streamId":' || to_json(stream_id)::text ||
  ',"revision":"' || revision::text || '","eventId":"' || event_id::text || '","type":' || to_json(type)::text ||
  ',"recordedAt":"' || to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ||
  '","data":' || data::text || ',"metadata":' || metadata::text || '}'`;

const EVENT_COLUMNS = `position::text, transaction_id::text, stream_id, revision::text, event_id::text, type, data, metadata, recorded_at`;

/**
 * `$all` is ordered by (transaction id, position) and only shows rows whose transaction id is below
 * the oldest transaction still running: a transaction that commits late can never be skipped by a
 * reader that has already moved past later positions.
 */
const VISIBLE = `transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;

/** Compare-and-set of the stream's revision, one form per expected revision. $1 stream, $2 count, $4 revision. */
const CAS: Record<'exact' | 'stream_exists' | 'any' | 'no_stream', string> = {
  exact: `UPDATE es_streams SET revision = revision + $2 WHERE stream_id = $1 AND revision = $4::bigint RETURNING revision`,
  stream_exists: `UPDATE es_streams SET revision = revision + $2 WHERE stream_id = $1 RETURNING revision`,
  any: `INSERT INTO es_streams (stream_id, revision) VALUES ($1, $2 - 1)
        ON CONFLICT (stream_id) DO UPDATE SET revision = es_streams.revision + $2 RETURNING revision`,
  no_stream: `INSERT INTO es_streams (stream_id, revision) VALUES ($1, $2 - 1) RETURNING revision`,
};

/**
 * `notify`: NOTIFY inside the append, delivered when the caller's transaction commits (appendWithin).
 * A plain append notifies after its commit instead (PostgresEventStore.announce).
 */
const appendSql = (cas: string, notify: boolean): string => `
  WITH cas AS (${cas}),
  ins AS (
    INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata)
    SELECT $1, cas.revision - $2 + e.ord, (e.value->>'eventId')::uuid, e.value->>'type', e.value->'data', e.value->'metadata'
    FROM cas, jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(value, ord)
    ORDER BY e.ord
    RETURNING revision, position, transaction_id
  )
  SELECT revision::text, position::text, transaction_id::text${notify ? ", pg_notify('es_events', '') IS NULL AS notified" : ''}
  FROM ins ORDER BY ins.position DESC LIMIT 1`;

const toPayload = (events: readonly EventData[]): string =>
  JSON.stringify(events.map(({ eventId, type, data, metadata }) => ({ eventId, type, data, metadata })));

/** One statement, so one round trip and its own transaction unless the caller opened one. */
const runAppend = async (
  db: Pick<Pool, 'query'> | PoolClient,
  streamId: string,
  count: number,
  payload: string,
  expected: ExpectedRevision,
  notify: boolean,
): Promise<AppendResult | null> => {
  const form = typeof expected === 'bigint' ? 'exact' : expected;
  const params: unknown[] = [streamId, count, payload];
  if (typeof expected === 'bigint') params.push(expected.toString());
  const { rows } = await db.query<{ revision: string; position: string; transaction_id: string }>(appendSql(CAS[form], notify), params);
  const row = rows[0];
  return row
    ? { nextExpectedRevision: BigInt(row.revision), position: { commit: BigInt(row.transaction_id), prepare: BigInt(row.position) } }
    : null;
};

interface EventRow {
  position: string;
  transaction_id: string;
  stream_id: string;
  revision: string;
  event_id: string;
  type: string;
  data: RecordedEvent['data'];
  metadata: RecordedEvent['metadata'];
  recorded_at: Date;
}

const toRecorded = (row: EventRow): RecordedEvent => ({
  eventId: row.event_id,
  type: row.type,
  data: row.data,
  metadata: row.metadata,
  streamId: row.stream_id,
  revision: BigInt(row.revision),
  position: { commit: BigInt(row.transaction_id), prepare: BigInt(row.position) },
  recordedAt: row.recorded_at.toISOString(),
});

const isUniqueViolation = (error: unknown): error is { code: string; constraint?: string } =>
  typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';

/** Connection-level failures from pg become the port's UNAVAILABLE; everything else passes through. */
const mapConnectionError = (error: unknown): unknown => {
  if (!isConnectionFailure(error)) return error;
  const code = (error as { code?: unknown }).code;
  const detail = typeof code === 'string' ? ` (${code})` : `: ${(error as Error).message}`;
  return new StoreUnavailableError(`PostgreSQL event store unavailable${detail}`, { cause: error });
};

export interface PostgresEventStoreOptions {
  /** Slowest wake-up of an idle subscription when no notification arrives (the polling fallback). */
  readonly pollIntervalMs?: number;
}

export class PostgresEventStore implements EventStore {
  readonly kind = 'postgres' as const;
  private readonly notifier: PostgresNotifier;
  private readonly subscriptions = new Set<PostgresSubscription>();
  /** The NOTIFY in flight after appends, and whether appends committed since it was sent. */
  private announcing: Promise<void> | null = null;
  private announceAgain = false;
  private closed = false;

  private constructor(
    private readonly pool: Pool,
    private readonly options: PostgresEventStoreOptions,
  ) {
    this.notifier = new PostgresNotifier(pool, 'es_events');
  }

  static async create(pool: Pool, options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
    await migrateEventStore(pool);
    return new PostgresEventStore(pool, options);
  }

  async append(streamId: string, events: readonly EventData[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('append needs at least one event');
    const payload = toPayload(events);
    try {
      const result = await runAppend(this.pool, streamId, events.length, payload, expected, false);
      if (result) {
        this.announce();
        return result;
      }
    } catch (error) {
      if (!isUniqueViolation(error)) throw mapConnectionError(error);
    }
    // The append did not happen: either it already did (an identical retry) or someone else wrote first.
    const retried = await this.findIdenticalAppend(streamId, payload);
    if (retried) return retried;
    throw new WrongExpectedRevisionError(streamId, expected, await this.currentRevision(streamId));
  }

  /**
   * Appends inside the caller's transaction (BEGIN … COMMIT on `client`): the events become visible
   * in `$all` when that transaction commits, and vanish if it rolls back.
   */
  async appendWithin(
    client: PoolClient,
    streamId: string,
    events: readonly EventData[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const result = await runAppend(client, streamId, events.length, toPayload(events), expected, true);
    if (!result) throw new WrongExpectedRevisionError(streamId, expected, await this.currentRevision(streamId));
    return result;
  }

  /**
   * Wakes subscribers after an append committed: this process's at once, other processes' by a NOTIFY
   * sent after the commit, one at a time (appends committed meanwhile are covered by one more). A NOTIFY
   * inside the append would hold PostgreSQL's database-wide notify lock through the commit's WAL flush
   * and serialise all concurrent appends (8 writers: 6.5 of 8 backends waiting on it, no group commit).
   * Readers never trust notifications for content: one lost with a crash costs a polling interval.
   */
  private announce(): void {
    this.notifier.wakeLocal();
    if (this.announcing) {
      this.announceAgain = true;
      return;
    }
    this.announceAgain = false;
    // Its own transaction, committed without waiting for the WAL flush: a NOTIFY needs no durability.
    this.announcing = this.pool
      .query(`SELECT set_config('synchronous_commit', 'off', true), pg_notify('es_events', '')`)
      .then(
        () => undefined,
        () => undefined, // the listeners' polling covers a NOTIFY that could not be sent
      )
      .finally(() => {
        this.announcing = null;
        if (this.announceAgain && !this.closed) this.announce();
      });
  }

  /** The result of the first append when these exact events are already in the stream; throws when ids are reused. */
  private async findIdenticalAppend(streamId: string, payload: string): Promise<AppendResult | null> {
    const { rows } = await this.pool.query<{
      event_id: string | null;
      stream_id: string;
      revision: string;
      position: string;
      transaction_id: string;
      same: boolean;
    }>(
      `SELECT e.event_id::text, e.stream_id, e.revision::text, e.position::text, e.transaction_id::text,
              (e.type = c.value->>'type' AND e.data = c.value->'data') AS same
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS c(value, ord)
       LEFT JOIN es_events e ON e.event_id = (c.value->>'eventId')::uuid
       ORDER BY c.ord`,
      [payload],
    );
    const found = rows.filter((row) => row.event_id !== null);
    if (found.length === 0) return null;
    const first = BigInt(found[0]!.revision);
    const identical =
      found.length === rows.length &&
      found.every((row, i) => row.same && row.stream_id === streamId && BigInt(row.revision) === first + BigInt(i));
    if (!identical)
      throw new EventIdConflictError(
        streamId,
        found.map((row) => row.event_id!),
      );
    const last = found[found.length - 1]!;
    return {
      nextExpectedRevision: BigInt(last.revision),
      position: { commit: BigInt(last.transaction_id), prepare: BigInt(last.position) },
    };
  }

  private async currentRevision(streamId: string): Promise<bigint | 'no_stream'> {
    const { rows } = await this.pool.query<{ revision: string }>(`SELECT revision::text FROM es_streams WHERE stream_id = $1`, [streamId]);
    return rows[0] ? BigInt(rows[0].revision) : 'no_stream';
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? BigInt('9223372036854775807') : 0n);
    const sql = `SELECT ${EVENT_COLUMNS} FROM es_events WHERE stream_id = $1 AND revision ${backwards ? '<=' : '>='} $2::bigint
       ORDER BY es_events.revision ${backwards ? 'DESC' : 'ASC'} LIMIT $3`;
    const params = [streamId, from.toString(), options.maxCount ?? null];
    const { rows } = await this.query<EventRow>(sql, params);
    if (rows.length > 0) return rows.map(toRecorded);
    if (!(await this.streamExists(streamId))) throw new StreamNotFoundError(streamId);
    // The stream's first append may have committed between the two queries: read once more.
    return (await this.query<EventRow>(sql, params)).rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? START;
    const { rows } = await this.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events
       WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint) AND ${VISIBLE}
       ORDER BY es_events.transaction_id, es_events.position LIMIT $3`,
      [after.commit.toString(), after.prepare.toString(), options.maxCount ?? 1000],
    );
    return rows.map(toRecorded);
  }

  /**
   * `readAll` for exports (ops snapshot): each event as the JSON text of a RecordedEvent (bigints and
   * the position as text), built by PostgreSQL, so that nothing is parsed only to be serialised again.
   */
  async readAllJson(options: ReadAllOptions = {}): Promise<{ position: Position; streamId: string; revision: bigint; json: string }[]> {
    const after = options.after ?? START;
    const { rows } = await this.query<{ transaction_id: string; position: string; stream_id: string; revision: string; json: string }>(
      `SELECT transaction_id::text, position::text, stream_id, revision::text,
              ${JSON_LINE} AS json
       FROM es_events
       WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint) AND ${VISIBLE}
       ORDER BY es_events.transaction_id, es_events.position LIMIT $3`,
      [after.commit.toString(), after.prepare.toString(), options.maxCount ?? 1000],
    );
    return rows.map((row) => ({
      position: { commit: BigInt(row.transaction_id), prepare: BigInt(row.position) },
      streamId: row.stream_id,
      revision: BigInt(row.revision),
      json: row.json,
    }));
  }

  /**
   * Up to `maxCount` events of `$all` after `after` and up to and including `until`, as readAllJson's
   * lines, each ending with a newline, joined by PostgreSQL into one text: one row per page rather
   * than one per event (ops snapshot). The page's last position is in its last line.
   */
  async readAllJsonLines(after: Position, until: Position, maxCount: number): Promise<{ text: string; count: number }> {
    const { rows } = await this.query<{ text: string | null; count: number }>(
      `SELECT count(*)::int AS count, string_agg(line, '' ORDER BY page.transaction_id, page.position) AS text FROM (
         SELECT transaction_id, position, ${JSON_LINE} || E'\n' AS line FROM es_events
         WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint) AND (transaction_id, position) <= ($3::text::xid8, $4::bigint)
           AND ${VISIBLE}
         ORDER BY es_events.transaction_id, es_events.position LIMIT $5
       ) page`,
      [after.commit.toString(), after.prepare.toString(), until.commit.toString(), until.prepare.toString(), maxCount],
    );
    return { text: rows[0]?.text ?? '', count: rows[0]?.count ?? 0 };
  }

  /**
   * Every `step`-th position of `$all` up to `until` (an index-only scan): boundaries that cut it into
   * ranges of `step` events, which an export reads on several connections at once.
   */
  async positionsEvery(step: number, until: Position): Promise<Position[]> {
    const { rows } = await this.query<{ transaction_id: string; position: string }>(
      `SELECT transaction_id::text, position::text FROM (
         SELECT transaction_id, position, row_number() OVER (ORDER BY es_events.transaction_id, es_events.position) AS n
         FROM es_events WHERE (transaction_id, position) <= ($1::text::xid8, $2::bigint) AND ${VISIBLE}
       ) numbered WHERE n % $3 = 0 ORDER BY numbered.transaction_id, numbered.position`,
      [until.commit.toString(), until.prepare.toString(), step],
    );
    return rows.map((row) => ({ commit: BigInt(row.transaction_id), prepare: BigInt(row.position) }));
  }

  /** True when rows after `after` are committed but hidden behind a transaction still running. */
  async hasPendingAfter(after: Position): Promise<boolean> {
    const { rows } = await this.query<{ pending: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM es_events WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)) AS pending`,
      [after.commit.toString(), after.prepare.toString()],
    );
    return rows[0]!.pending;
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const subscription = new PostgresSubscription(this, this.notifier, options, this.options.pollIntervalMs ?? 1000, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async streamExists(streamId: string): Promise<boolean> {
    const { rows } = await this.query(`SELECT 1 FROM es_streams WHERE stream_id = $1`, [streamId]);
    return rows.length > 0;
  }

  async head(): Promise<HeadInfo | null> {
    const { rows } = await this.query<{ position: string; transaction_id: string; recorded_at: Date }>(
      `SELECT position::text, transaction_id::text, recorded_at FROM es_events WHERE ${VISIBLE}
       ORDER BY es_events.transaction_id DESC, es_events.position DESC LIMIT 1`,
    );
    const row = rows[0];
    return row
      ? { position: { commit: BigInt(row.transaction_id), prepare: BigInt(row.position) }, recordedAt: row.recorded_at.toISOString() }
      : null;
  }

  async countEvents(): Promise<bigint> {
    const { rows } = await this.query<{ count: string }>(`SELECT count(*)::text AS count FROM es_events`);
    return BigInt(rows[0]!.count);
  }

  async importEvents(events: readonly ImportedEvent[]): Promise<void> {
    await this.importBatch(events, true, (client) =>
      client.query(
        `INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata, recorded_at)
         SELECT e.value->>'streamId', (e.value->>'revision')::bigint, (e.value->>'eventId')::uuid, e.value->>'type',
                e.value->'data', e.value->'metadata', (e.value->>'recordedAt')::timestamptz
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(value, ord) ORDER BY e.ord`,
        // Plain objects rather than a bigint replacer: JSON.stringify stays on its fast path (restores import millions).
        [
          JSON.stringify(
            events.map(({ streamId, revision, eventId, type, data, metadata, recordedAt }) => ({
              streamId,
              revision: revision.toString(),
              eventId,
              type,
              data,
              metadata,
              recordedAt,
            })),
          ),
        ],
      ),
    );
  }

  /**
   * importEvents for a restore (ops), in its bulk form: `lines` holds each event as the JSON text
   * readAllJson writes (an archive's lines), joined by newlines, parsed by PostgreSQL alone; `events`
   * says which stream and revision each line is. Unless `durable`, the batch commits without waiting
   * for its WAL flush: a restore cut short is partial whatever was flushed (it is run again with
   * --force), and the last batch, durable, flushes every earlier one with it.
   */
  async importJsonLines(events: readonly { streamId: string; revision: bigint }[], lines: string, durable: boolean): Promise<void> {
    await this.importBatch(events, durable, (client) =>
      client.query(
        `INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata, recorded_at)
         SELECT e."streamId", e.revision, e."eventId", e.type, e.data, e.metadata, e."recordedAt"
         FROM string_to_table($1, E'\n') WITH ORDINALITY AS l(line, ord),
              jsonb_to_record(l.line::jsonb) AS e("streamId" text, revision bigint, "eventId" uuid, type text, data jsonb, metadata jsonb, "recordedAt" timestamptz)
         ORDER BY l.ord`,
        [lines],
      ),
    );
  }

  /** One import transaction: the streams' compare-and-set, then `insert` writes the events in order. */
  private async importBatch(
    events: readonly { streamId: string; revision: bigint }[],
    durable: boolean,
    insert: (client: PoolClient) => Promise<unknown>,
  ): Promise<void> {
    if (events.length === 0) return;
    const streams = new Map<string, { stream_id: string; first: string; last: string }>();
    for (const event of events) {
      const seen = streams.get(event.streamId);
      if (seen && BigInt(seen.last) + 1n !== event.revision) {
        throw new WrongExpectedRevisionError(event.streamId, event.revision - 1n, BigInt(seen.last));
      }
      streams.set(event.streamId, {
        stream_id: event.streamId,
        first: seen?.first ?? event.revision.toString(),
        last: event.revision.toString(),
      });
    }
    const ranges = [...streams.values()];
    const continuing = ranges.filter((range) => range.first !== '0');
    const client = await this.connect();
    try {
      await client.query('BEGIN');
      if (!durable) await client.query(`SET LOCAL synchronous_commit = off`);
      if (continuing.length > 0) {
        const updated = await client.query(
          `UPDATE es_streams s SET revision = i.last FROM jsonb_to_recordset($1::jsonb) AS i(stream_id text, first bigint, last bigint)
           WHERE s.stream_id = i.stream_id AND s.revision = i.first - 1`,
          [JSON.stringify(continuing)],
        );
        if (updated.rowCount !== continuing.length) throw await this.importConflict(client, continuing);
      }
      await client.query(
        `INSERT INTO es_streams (stream_id, revision)
         SELECT stream_id, last FROM jsonb_to_recordset($1::jsonb) AS i(stream_id text, first bigint, last bigint) WHERE first = 0`,
        [JSON.stringify(ranges)],
      );
      await insert(client);
      await client.query(`SELECT pg_notify('es_events', '')`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (isUniqueViolation(error)) {
        const first = events[0]!;
        throw new WrongExpectedRevisionError(first.streamId, first.revision - 1n, await this.currentRevision(first.streamId));
      }
      throw mapConnectionError(error);
    } finally {
      client.release();
    }
  }

  private async importConflict(client: PoolClient, ranges: readonly { stream_id: string; first: string }[]): Promise<Error> {
    for (const range of ranges) {
      const { rows } = await client.query<{ revision: string }>(`SELECT revision::text FROM es_streams WHERE stream_id = $1`, [
        range.stream_id,
      ]);
      const actual = rows[0] ? BigInt(rows[0].revision) : 'no_stream';
      if (actual !== BigInt(range.first) - 1n) return new WrongExpectedRevisionError(range.stream_id, BigInt(range.first) - 1n, actual);
    }
    return new Error('import conflict');
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.announcing) await this.announcing;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.notifier.close();
  }

  private async query<R extends object>(sql: string, params?: unknown[]) {
    try {
      return await this.pool.query<R>(sql, params);
    } catch (error) {
      throw mapConnectionError(error);
    }
  }

  private async connect(): Promise<PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw mapConnectionError(error);
    }
  }
}
