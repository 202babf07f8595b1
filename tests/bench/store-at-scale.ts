import type pg from 'pg';
import { PostgresEventStore, START } from '#event-store';
import { ProjectionRunner, allProjections, readCheckpoints } from '#projections';
import { RealisticEvents } from './support/realistic-events.js';
import { type Row, compare, formatRate, progress, rate } from './support/timed.js';

/**
 * Section 3, on a store of `events` events of realistic shape: reading `$all` to the end, and a
 * projection rebuild from START against the anchor (COPY of the very rows it wrote into the same
 * tables).
 */

const IMPORT_BATCH = 10_000;
const PAGE = 1000;

export interface ScaleSectionOptions {
  readonly events: number;
  readonly log: (line: string) => void;
}

export interface ScaleSectionResult {
  readonly rows: Row[];
  /** What the store looked like, for the report. */
  readonly facts: [string, string][];
}

export const benchStoreAtScale = async (pool: pg.Pool, options: ScaleSectionOptions): Promise<ScaleSectionResult> => {
  const { log } = options;
  const store = await PostgresEventStore.create(pool);
  const rows: Row[] = [];

  // Generation through the real schema: importEvents in big batches, the next batch built while the
  // previous one is written.
  const generating = progress();
  let written = 0;
  let started = performance.now();
  let pending: Promise<void> = Promise.resolve();
  for (const batch of new RealisticEvents(42).store(options.events, IMPORT_BATCH)) {
    await pending;
    pending = store.importEvents(batch);
    written += batch.length;
    const seconds = (performance.now() - started) / 1000;
    generating.update(`generating store: ${written.toLocaleString('en-US')}/${options.events.toLocaleString('en-US')} events (${formatRate(written / seconds)})`);
  }
  await pending;
  const generateMs = performance.now() - started;
  generating.done(`generated ${written.toLocaleString('en-US')} events in ${(generateMs / 1000).toFixed(1)}s (${formatRate(rate(written, generateMs))})`);
  rows.push(compare(`generate store: importEvents, batches of ${IMPORT_BATCH.toLocaleString('en-US')} (info)`, rate(written, generateMs), null));

  // A store that has lived has been vacuumed: measure reads in that state, not the first pass that
  // sets hint bits, and start the rebuild without the generation's dirty pages to flush.
  log('VACUUM ANALYZE + CHECKPOINT (untimed)…');
  await pool.query('VACUUM (ANALYZE) es_events, es_streams');
  await pool.query('CHECKPOINT');
  const facts = await storeFacts(pool);

  // `$all` read rate, pages of 1000 to the end, through the port and raw.
  const total = Number(await store.countEvents());
  const reading = progress();
  started = performance.now();
  let read = 0;
  for (let after = START; ; ) {
    const page = await store.readAll({ after, maxCount: PAGE });
    if (page.length === 0) break;
    read += page.length;
    after = page[page.length - 1]!.position;
    reading.update(`reading $all: ${read.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`);
  }
  const readAllRate = rate(read, performance.now() - started);
  reading.done(`read $all: ${read.toLocaleString('en-US')} events (${formatRate(readAllRate)})`);
  if (read !== total) throw new Error(`readAll saw ${read} events, the store holds ${total}`);
  const rawReadRate = await rawKeysetRead(pool, total);
  rows.push(compare(`read $all, pages of ${PAGE} (anchor: raw keyset SELECT, same index, no mapping)`, readAllRate, rawReadRate));

  // Projection rebuild: every projection from START until caught up with the head.
  const rebuildMs = await rebuild(store, pool, total, log);
  const copyMs = await copyAnchor(pool, log);
  rows.push(compare(`projection rebuild, ${allProjections.length} projections (anchor: COPY of the same rows)`, rate(total, rebuildMs), rate(total, copyMs), { minRate: 10_000 }));
  await store.close();
  return { rows, facts };
};

const storeFacts = async (pool: pg.Pool): Promise<[string, string][]> => {
  const { rows } = await pool.query<{ events: string; streams: string; copies: string; avg_bytes: string; table_size: string; index_size: string }>(`
    SELECT (SELECT count(*) FROM es_events)::text AS events,
           (SELECT count(*) FROM es_streams)::text AS streams,
           (SELECT count(*) FROM es_streams WHERE stream_id LIKE 'copy-%')::text AS copies,
           (SELECT round(avg(pg_column_size(data) + pg_column_size(metadata)))::text FROM es_events) AS avg_bytes,
           pg_size_pretty(pg_table_size('es_events')) AS table_size,
           pg_size_pretty(pg_indexes_size('es_events')) AS index_size`);
  const row = rows[0]!;
  return [
    ['events', Number(row.events).toLocaleString('en-US')],
    ['streams', `${Number(row.streams).toLocaleString('en-US')} (${Number(row.copies).toLocaleString('en-US')} copy- streams)`],
    ['avg data+metadata (jsonb)', `${row.avg_bytes} bytes`],
    ['es_events size', `${row.table_size} table + ${row.index_size} indexes`],
  ];
};

/** The same pages by the same index, without the visibility bound and without building RecordedEvents. */
const rawKeysetRead = async (pool: pg.Pool, total: number): Promise<number> => {
  const reading = progress();
  const started = performance.now();
  let read = 0;
  for (let commit = '0', position = '0'; ; ) {
    const { rows } = await pool.query<{ position: string; transaction_id: string }>(
      `SELECT position::text, transaction_id::text, stream_id, revision::text, event_id::text, type, data, metadata, recorded_at FROM es_events
       WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint) ORDER BY transaction_id, position LIMIT $3`,
      [commit, position, PAGE],
    );
    if (rows.length === 0) break;
    read += rows.length;
    ({ transaction_id: commit, position } = rows[rows.length - 1]!);
    reading.update(`reading es_events raw: ${read.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`);
  }
  const perSecond = rate(read, performance.now() - started);
  reading.done(`read es_events raw: ${read.toLocaleString('en-US')} rows (${formatRate(perSecond)})`);
  return perSecond;
};

const rebuild = async (store: PostgresEventStore, pool: pg.Pool, total: number, log: (line: string) => void): Promise<number> => {
  for (const projection of allProjections) {
    for (const table of projection.tables) await pool.query(`DROP TABLE IF EXISTS ${table.name}`);
  }
  await pool.query(`DELETE FROM projection_checkpoints`).catch(() => undefined);
  const runner = new ProjectionRunner(store, pool, allProjections, { log: (line) => log(`[runner] ${line}`) });
  const rebuilding = progress();
  const watch = setInterval(() => {
    void readCheckpoints(pool)
      .then((checkpoints) => {
        const seen = checkpoints.filter((c) => allProjections.some((p) => p.name === c.name)).map((c) => Number(c.eventsSeen));
        rebuilding.update(`rebuilding projections: ${Math.min(...seen).toLocaleString('en-US')}/${total.toLocaleString('en-US')} events`);
      })
      .catch(() => undefined);
  }, 500);
  const started = performance.now();
  try {
    await runner.start();
    if (!(await runner.catchUp(3_600_000))) throw new Error('projections did not catch up within an hour');
  } finally {
    clearInterval(watch);
    await runner.stop();
  }
  const ms = performance.now() - started;
  rebuilding.done(`rebuilt ${allProjections.map((p) => p.name).join(', ')} over ${total.toLocaleString('en-US')} events in ${(ms / 1000).toFixed(1)}s (${formatRate(rate(total, ms))})`);
  return ms;
};

const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/**
 * The anchor of a rebuild: the rows the projections wrote, dumped to server-side files, then COPYed
 * back (timed) into the same tables, emptied, with their indexes. Server-side COPY needs a superuser,
 * which the embedded cluster's user is.
 */
const copyAnchor = async (pool: pg.Pool, log: (line: string) => void): Promise<number> => {
  const dataDirectory = (await pool.query<{ dir: string }>(`SELECT current_setting('data_directory') AS dir`)).rows[0]!.dir;
  const tables = allProjections.flatMap((projection) => projection.tables.map((table) => table.name));
  const counts = new Map<string, string>();
  for (const table of tables) {
    counts.set(table, (await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0]!.n);
    await pool.query(`COPY ${table} TO ${literal(`${dataDirectory}/bench-${table}.copy`)}`);
  }
  await pool.query(`TRUNCATE ${tables.join(', ')}`);
  await pool.query('CHECKPOINT');
  log(`anchor: COPY ${tables.map((table) => `${Number(counts.get(table)).toLocaleString('en-US')} rows into ${table}`).join(', ')}…`);
  const started = performance.now();
  for (const table of tables) await pool.query(`COPY ${table} FROM ${literal(`${dataDirectory}/bench-${table}.copy`)}`);
  const ms = performance.now() - started;
  for (const table of tables) {
    const n = (await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0]!.n;
    if (n !== counts.get(table)) throw new Error(`anchor COPY into ${table}: ${n} rows, expected ${counts.get(table)}`);
  }
  log(`anchor: COPY took ${(ms / 1000).toFixed(1)}s`);
  return ms;
};
