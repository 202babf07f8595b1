import type pg from 'pg';
import { PostgresEventStore, START } from '#event-store';
import { ProjectionRunner, allProjections, readCheckpoints } from '#projections';
import { type PhaseCost, measured } from './support/cpu.js';
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
  /** The cluster's data folder: CPU accounting, and where server-side COPY files go. */
  readonly clusterDir: string;
  readonly costs: PhaseCost[];
  readonly log: (line: string) => void;
}

export interface ScaleSectionResult {
  readonly rows: Row[];
  /** What the store looked like, for the report. */
  readonly facts: [string, string][];
  readonly events: number;
}

const count = (n: number): string => n.toLocaleString('en-US');

export const benchStoreAtScale = async (pool: pg.Pool, options: ScaleSectionOptions): Promise<ScaleSectionResult> => {
  const { log, costs, clusterDir } = options;
  const store = await PostgresEventStore.create(pool);
  const rows: Row[] = [];
  const phase = <T>(name: string, work: () => Promise<T>): Promise<T> => measured(costs, name, clusterDir, work);

  // Generation through the real schema: importEvents in big batches, the next batch built while the
  // previous one is written.
  const written = await phase('generate (importEvents)', async () => {
    const generating = progress();
    const started = performance.now();
    let done = 0;
    let pending: Promise<void> = Promise.resolve();
    for (const batch of new RealisticEvents(42).store(options.events, IMPORT_BATCH)) {
      await pending;
      pending = store.importEvents(batch);
      done += batch.length;
      generating.update(
        `generating store: ${count(done)}/${count(options.events)} events (${formatRate(rate(done, performance.now() - started))})`,
      );
    }
    await pending;
    generating.done(`generated ${count(done)} events in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    return done;
  });
  const generateSeconds = costs[costs.length - 1]!.seconds;
  rows.push(compare(`generate store: importEvents, batches of ${count(IMPORT_BATCH)} (info)`, written / generateSeconds, null));

  // A store that has lived has been vacuumed: measure reads in that state, not the first pass that
  // sets hint bits, and start the rebuild without the generation's dirty pages to flush.
  log('VACUUM ANALYZE + CHECKPOINT (untimed)…');
  await pool.query('VACUUM (ANALYZE) es_events, es_streams');
  await pool.query('CHECKPOINT');
  const facts = await storeFacts(pool);
  const total = Number(await store.countEvents());

  const readAllRate = await phase(`read $all (readAll, pages of ${PAGE})`, () => readAllPages(store, total));
  const rawReadRate = await phase('read $all raw (anchor)', () => rawKeysetRead(pool, total));
  rows.push(compare(`read $all, pages of ${PAGE} (anchor: raw keyset SELECT, same index, no mapping)`, readAllRate, rawReadRate));

  const rebuilt = await phase('projection rebuild (ProjectionRunner)', () => rebuild(store, pool, total, log));
  const rebuildRate = rebuilt.perSecond;
  facts.push([
    'rebuild: each projection at the head after',
    [...rebuilt.caughtUp].map(([name, seconds]) => `${name} ${seconds.toFixed(0)}s`).join(', '),
  ]);
  const anchor = await prepareCopyAnchor(pool, total, log);
  const copyRate = await phase('COPY of the same rows (anchor)', anchor.load);
  rows.push(
    compare(`projection rebuild, ${allProjections.length} projections (anchor: COPY of the same rows)`, rebuildRate, copyRate, {
      minRate: 10_000,
    }),
  );
  await store.close();
  return { rows, facts, events: total };
};

const storeFacts = async (pool: pg.Pool): Promise<[string, string][]> => {
  const { rows } = await pool.query<{
    events: string;
    streams: string;
    copies: string;
    avg_bytes: string;
    table_size: string;
    index_size: string;
  }>(`
    SELECT (SELECT count(*) FROM es_events)::text AS events,
           (SELECT count(*) FROM es_streams)::text AS streams,
           (SELECT count(*) FROM es_streams WHERE stream_id LIKE 'copy-%')::text AS copies,
           (SELECT round(avg(pg_column_size(data) + pg_column_size(metadata)))::text FROM es_events) AS avg_bytes,
           pg_size_pretty(pg_table_size('es_events')) AS table_size,
           pg_size_pretty(pg_indexes_size('es_events')) AS index_size`);
  const row = rows[0]!;
  return [
    ['events', count(Number(row.events))],
    ['streams', `${count(Number(row.streams))} (${count(Number(row.copies))} copy- streams)`],
    ['avg data+metadata (jsonb)', `${row.avg_bytes} bytes`],
    ['es_events size', `${row.table_size} table + ${row.index_size} indexes`],
  ];
};

const readAllPages = async (store: PostgresEventStore, total: number): Promise<number> => {
  const reading = progress();
  const started = performance.now();
  let read = 0;
  for (let after = START; ;) {
    const page = await store.readAll({ after, maxCount: PAGE });
    if (page.length === 0) break;
    read += page.length;
    after = page[page.length - 1]!.position;
    reading.update(`reading $all: ${count(read)}/${count(total)}`);
  }
  const perSecond = rate(read, performance.now() - started);
  reading.done(`read $all: ${count(read)} events (${formatRate(perSecond)})`);
  if (read !== total) throw new Error(`readAll saw ${read} events, the store holds ${total}`);
  return perSecond;
};

/** The same pages by the same index, without the visibility bound and without building RecordedEvents. */
const rawKeysetRead = async (pool: pg.Pool, total: number): Promise<number> => {
  const reading = progress();
  const started = performance.now();
  let read = 0;
  for (let commit = '0', position = '0'; ;) {
    const { rows } = await pool.query<{ position: string; transaction_id: string }>(
      `SELECT position::text, transaction_id::text, stream_id, revision::text, event_id::text, type, data, metadata, recorded_at FROM es_events
       WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint) ORDER BY es_events.transaction_id, es_events.position LIMIT $3`,
      [commit, position, PAGE],
    );
    if (rows.length === 0) break;
    read += rows.length;
    ({ transaction_id: commit, position } = rows[rows.length - 1]!);
    reading.update(`reading es_events raw: ${count(read)}/${count(total)}`);
  }
  const perSecond = rate(read, performance.now() - started);
  reading.done(`read es_events raw: ${count(read)} rows (${formatRate(perSecond)})`);
  if (read !== total) throw new Error(`the raw read saw ${read} rows, the store holds ${total}`);
  return perSecond;
};

/**
 * Every projection from START until caught up with the head, as the app runs them (default options).
 * Notes when each projection reached the head (from its checkpoint, every half second), and stops at
 * the first failing batch rather than retrying for an hour.
 */
const rebuild = async (
  store: PostgresEventStore,
  pool: pg.Pool,
  total: number,
  log: (line: string) => void,
): Promise<{ perSecond: number; caughtUp: Map<string, number> }> => {
  for (const projection of allProjections) {
    for (const table of projection.tables) await pool.query(`DROP TABLE IF EXISTS ${table.name} CASCADE`);
  }
  await pool.query(`DELETE FROM projection_checkpoints`).catch(() => undefined);
  let fail: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  const runner = new ProjectionRunner(store, pool, allProjections, {
    log: (line) => {
      log(`[runner] ${line}`);
      if (/ failed at | stopped: /.test(line)) fail(new Error(`projection rebuild: ${line}`));
    },
  });
  const rebuilding = progress();
  const caughtUp = new Map<string, number>();
  const started = performance.now();
  const watch = setInterval(() => {
    void readCheckpoints(pool)
      .then((checkpoints) => {
        const ours = checkpoints.filter((c) => allProjections.some((p) => p.name === c.name));
        for (const c of ours)
          if (Number(c.eventsSeen) >= total && !caughtUp.has(c.name)) caughtUp.set(c.name, (performance.now() - started) / 1000);
        const behind = ours.filter((c) => Number(c.eventsSeen) < total).map((c) => `${c.name} ${count(Number(c.eventsSeen))}`);
        rebuilding.update(
          `rebuilding projections over ${count(total)} events: ${behind.length > 0 ? behind.join(', ') : 'all at the head'}`,
        );
      })
      .catch(() => undefined);
  }, 500);
  try {
    await runner.start();
    if (!(await Promise.race([runner.catchUp(3_600_000), failed]))) throw new Error('projections did not catch up within an hour');
  } finally {
    clearInterval(watch);
    await runner.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  for (const projection of allProjections) if (!caughtUp.has(projection.name)) caughtUp.set(projection.name, seconds);
  const perSecond = total / seconds;
  rebuilding.done(
    `rebuilt ${allProjections.length} projections over ${count(total)} events in ${seconds.toFixed(1)}s (${formatRate(perSecond)})`,
  );
  return { perSecond, caughtUp };
};

const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/**
 * The anchor of a rebuild: the rows the projections wrote, dumped to server-side files, then COPYed
 * back (`load`, the timed part) into the same tables, emptied, with their indexes. Server-side COPY
 * needs a superuser, which the embedded cluster's user is. Events per second over the same event count.
 */
const prepareCopyAnchor = async (pool: pg.Pool, total: number, log: (line: string) => void): Promise<{ load: () => Promise<number> }> => {
  const dataDirectory = (await pool.query<{ dir: string }>(`SELECT current_setting('data_directory') AS dir`)).rows[0]!.dir;
  const tables = allProjections.flatMap((projection) => projection.tables.map((table) => table.name));
  const file = (table: string): string => literal(`${dataDirectory}/bench-${table}.copy`);
  const counts = new Map<string, string>();
  for (const table of tables) {
    counts.set(table, (await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0]!.n);
    await pool.query(`COPY ${table} TO ${file(table)}`);
  }
  await pool.query(`TRUNCATE ${tables.join(', ')}`);
  await pool.query('CHECKPOINT');
  return {
    load: async () => {
      log(`anchor: COPY ${tables.map((table) => `${count(Number(counts.get(table)))} rows into ${table}`).join(', ')}…`);
      const started = performance.now();
      for (const table of tables) await pool.query(`COPY ${table} FROM ${file(table)}`);
      const ms = performance.now() - started;
      for (const table of tables) {
        const n = (await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0]!.n;
        if (n !== counts.get(table)) throw new Error(`anchor COPY into ${table}: ${n} rows, expected ${counts.get(table)}`);
      }
      log(`anchor: COPY took ${(ms / 1000).toFixed(1)}s (${formatRate(rate(total, ms))})`);
      return rate(total, ms);
    },
  };
};
