import { randomBytes } from 'node:crypto';
import type { PoolClient } from 'pg';
import { type Position, type RecordedEvent, START, comparePositions, formatPosition } from '#event-store';
import { type Projection, checksumTables, handles, readCheckpoint } from '#projections';
import { formatCount, formatDuration } from './format.js';
import { type OpsRuntime, throwIfAborted } from './ops-runtime.js';
import { type Progress, silentProgress } from './progress.js';
import { eventTotal, selectProjections } from './read-models.js';

export interface VerifyOptions {
  readonly projection?: string;
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
}

export interface TableReport {
  readonly projection: string;
  readonly table: string;
  /** Rows a fresh rebuild has that the live read model lacks, and rows it has that a rebuild would not. */
  readonly missing: number;
  readonly extra: number;
  readonly missingKeys: readonly string[];
  readonly extraKeys: readonly string[];
  readonly liveChecksum: string;
  readonly rebuiltChecksum: string;
}

export interface ProjectionReport {
  readonly name: string;
  /** The live checkpoint both sides were compared at; null when the read model was never built. */
  readonly position: string | null;
  readonly caughtUp: boolean;
  readonly tables: readonly TableReport[];
  readonly problem: string | null;
}

export interface VerifyResult {
  readonly projections: readonly ProjectionReport[];
  readonly events: number;
  readonly seconds: number;
  readonly ok: boolean;
}

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;
const tableDiffers = (table: TableReport): boolean => table.missing > 0 || table.extra > 0 || table.liveChecksum !== table.rebuiltChecksum;

/**
 * Compares every read model with a fresh rebuild of it in a scratch schema (the projections write
 * unqualified table names, so a dedicated session with its own search_path rebuilds them aside).
 * Both sides are compared at the live read model's own checkpoint, read in the same snapshot as its
 * rows, so a running app that keeps projecting does not show up as a difference.
 */
export const verify = async (
  runtime: OpsRuntime,
  options: VerifyOptions = {},
  progress: Progress = silentProgress,
): Promise<VerifyResult> => {
  const started = performance.now();
  const { pool, store } = runtime;
  const pageSize = options.pageSize ?? 5000;
  const projections = selectProjections(options.projection);
  const [head, total] = await Promise.all([store.head(), eventTotal(store)]);
  const liveSchema = (await pool.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]!.schema;
  const reports: ProjectionReport[] = [];

  const targets = new Map<Projection, Position>();
  for (const projection of projections) {
    const checkpoint = await readCheckpoint(pool, projection.name);
    const problem = !checkpoint
      ? 'never built (no checkpoint): start the app or run `ops replay`'
      : checkpoint.version !== projection.version
        ? `stored version ${checkpoint.version}, code version ${projection.version}: the app rebuilds it at its next start (or run \`ops replay\`)`
        : null;
    if (problem) reports.push({ name: projection.name, position: null, caughtUp: false, tables: [], problem });
    else targets.set(projection, checkpoint!.position);
  }

  const scratch = `verify_${randomBytes(6).toString('hex')}`;
  const builder = await pool.connect();
  let events = 0;
  try {
    await builder.query(`CREATE SCHEMA ${quote(scratch)}`);
    await builder.query(`SET search_path TO ${quote(scratch)}`);
    for (const projection of targets.keys()) await projection.setup(builder);
    const applied = new Map<Projection, Position>([...targets.keys()].map((projection) => [projection, START]));

    /** Replays `$all` into the scratch tables until each projection has reached its target. */
    const advance = async (label: string, count: number | null): Promise<void> => {
      const behind = [...targets].filter(([projection, target]) => comparePositions(applied.get(projection)!, target) < 0);
      if (behind.length === 0) return;
      const task = progress.start(label, count, 'events');
      let after = behind.reduce(
        (least, [projection]) => (comparePositions(applied.get(projection)!, least) < 0 ? applied.get(projection)! : least),
        behind[0]![1],
      );
      const end = behind.reduce((most, [, target]) => (comparePositions(target, most) > 0 ? target : most), after);
      let seen = 0;
      while (comparePositions(after, end) < 0) {
        throwIfAborted(options.signal);
        const page = await store.readAll({ after, maxCount: pageSize });
        if (page.length === 0) break;
        await builder.query('BEGIN');
        for (const [projection, target] of behind) await applyPage(builder, projection, page, applied.get(projection)!, target);
        await builder.query('COMMIT');
        after = page[page.length - 1]!.position;
        for (const [projection, target] of behind) {
          const reached = comparePositions(after, target) < 0 ? after : target;
          if (comparePositions(reached, applied.get(projection)!) > 0) applied.set(projection, reached);
        }
        seen += page.length;
        task.update(seen);
      }
      for (const [projection, target] of behind) applied.set(projection, target);
      task.done();
      events = Math.max(events, seen);
    };

    await advance('rebuild', total);
    for (const projection of targets.keys()) {
      reports.push(await compareWhenAligned(runtime, projection, liveSchema, scratch, applied, targets, advance, head?.position ?? null));
    }
  } finally {
    await builder.query('ROLLBACK').catch(() => undefined);
    await builder.query(`DROP SCHEMA IF EXISTS ${quote(scratch)} CASCADE`).catch(() => undefined);
    await builder.query('RESET search_path').catch(() => undefined);
    builder.release();
  }
  const ordered = projections.map((projection) => reports.find((report) => report.name === projection.name)!);
  return {
    projections: ordered,
    events,
    seconds: (performance.now() - started) / 1000,
    ok: ordered.every((report) => !report.problem && !report.tables.some(tableDiffers)),
  };
};

const applyPage = async (
  db: PoolClient,
  projection: Projection,
  page: readonly RecordedEvent[],
  from: Position,
  to: Position,
): Promise<void> => {
  const relevant = page.filter(
    (event) => comparePositions(event.position, from) > 0 && comparePositions(event.position, to) <= 0 && handles(projection, event),
  );
  if (relevant.length > 0) await projection.apply(db, relevant);
};

/**
 * The live checkpoint may move while we rebuild (the app keeps projecting): read it again in the
 * comparison's own snapshot, catch the scratch copy up if it moved, and compare once they agree.
 */
const compareWhenAligned = async (
  runtime: OpsRuntime,
  projection: Projection,
  liveSchema: string,
  scratch: string,
  applied: Map<Projection, Position>,
  targets: Map<Projection, Position>,
  advance: (label: string, count: number | null) => Promise<void>,
  head: Position | null,
): Promise<ProjectionReport> => {
  for (let attempt = 0; attempt < 20; attempt++) {
    const client = await runtime.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const live = (await readCheckpoint(client, projection.name))?.position ?? START;
      const ours = applied.get(projection)!;
      const order = comparePositions(live, ours);
      if (order < 0) {
        return {
          name: projection.name,
          position: formatPosition(live),
          caughtUp: false,
          tables: [],
          problem: 'rebuilt while verify ran: run verify again',
        };
      }
      if (order === 0) {
        const tables: TableReport[] = [];
        const liveSums = await checksumTables(client, projection, liveSchema);
        const rebuiltSums = await checksumTables(client, projection, scratch);
        for (const table of projection.tables) {
          const liveTable = `${quote(liveSchema)}.${quote(table.name)}`;
          const scratchTable = `${quote(scratch)}.${quote(table.name)}`;
          const extra = await except(client, liveTable, scratchTable, table.key);
          const missing = await except(client, scratchTable, liveTable, table.key);
          tables.push({
            projection: projection.name,
            table: table.name,
            missing: missing.count,
            extra: extra.count,
            missingKeys: missing.keys,
            extraKeys: extra.keys,
            liveChecksum: liveSums[table.name]!,
            rebuiltChecksum: rebuiltSums[table.name]!,
          });
        }
        return {
          name: projection.name,
          position: formatPosition(live),
          caughtUp: !head || comparePositions(live, head) >= 0,
          tables,
          problem: null,
        };
      }
      targets.set(projection, live);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
    await advance(`catch up ${projection.name}`, null);
  }
  return {
    name: projection.name,
    position: null,
    caughtUp: false,
    tables: [],
    problem: 'kept moving faster than verify could follow: run verify again when the app is quieter',
  };
};

/** Rows of `left` not in `right` (as whole rows, duplicates counted), with a few of their keys. */
const except = async (db: PoolClient, left: string, right: string, key: string): Promise<{ count: number; keys: string[] }> => {
  const { rows } = await db.query<{ total: string; key: string }>(
    `SELECT count(*) OVER ()::text AS total, concat_ws('/', ${key}) AS key
     FROM (SELECT ${key}, t::text AS row_text FROM ${left} t EXCEPT ALL SELECT ${key}, t::text FROM ${right} t) d
     ORDER BY ${key} LIMIT 5`,
  );
  return { count: Number(rows[0]?.total ?? 0), keys: rows.map((row) => row.key) };
};

export const describeVerify = (result: VerifyResult): string[] => {
  const lines: string[] = [];
  for (const report of result.projections) {
    if (report.problem) {
      lines.push(`${report.name}: ${report.problem}`);
      continue;
    }
    const lag = report.caughtUp ? '' : ' (behind the store’s head: compared at its own checkpoint)';
    for (const table of report.tables) {
      if (!tableDiffers(table))
        lines.push(`${report.name}/${table.table}: identical to a fresh rebuild at ${report.position}${lag} — ${table.liveChecksum}`);
      else {
        lines.push(`${report.name}/${table.table}: DIFFERS from a fresh rebuild at ${report.position}${lag}`);
        lines.push(
          `  missing ${formatCount(table.missing)} row(s)${table.missingKeys.length > 0 ? ` (e.g. ${table.missingKeys.join(', ')})` : ''}`,
        );
        lines.push(
          `  extra ${formatCount(table.extra)} row(s)${table.extraKeys.length > 0 ? ` (e.g. ${table.extraKeys.join(', ')})` : ''}`,
        );
        lines.push(`  checksum live ${table.liveChecksum}, rebuilt ${table.rebuiltChecksum}`);
      }
    }
  }
  const differing = result.projections.flatMap((report) => report.tables.filter(tableDiffers)).length;
  const broken = result.projections.filter((report) => report.problem).length;
  lines.push(
    `verify: ${result.ok ? 'OK' : 'DIFFERENCES FOUND'} — ${result.projections.length} read model(s), ${differing} table(s) differ` +
      `${broken > 0 ? `, ${broken} not comparable` : ''}; rebuilt from ${formatCount(result.events)} events in ${formatDuration(result.seconds)}` +
      `${result.ok ? '' : ' (`ops replay` rebuilds the read models)'}`,
  );
  return lines;
};
