import type { ClientBase } from 'pg';
import type { RecordedEvent } from '#event-store';

export interface ReadModelTable {
  readonly name: string;
  /** Columns that order rows for checksums and comparisons (a unique key). */
  readonly key: string;
}

/**
 * A read model (DESIGN §5). Its SQL names tables without a schema: the runner chooses the schema
 * (the live one, or a scratch one when `ops verify` rebuilds it aside).
 */
export interface Projection {
  readonly name: string;
  /** Bumped when the read model's shape or meaning changes: a stored older version triggers a rebuild. */
  readonly version: number;
  /** Event types it reads; every event still moves its checkpoint. */
  readonly eventTypes: readonly string[] | 'all';
  readonly tables: readonly ReadModelTable[];
  /** Creates its tables if missing. Idempotent. */
  setup(db: ClientBase): Promise<void>;
  /**
   * Applies a batch in order inside the runner's transaction (rows and checkpoint commit together).
   * Must be idempotent: applying an event twice leaves the same rows.
   */
  apply(db: ClientBase, events: readonly RecordedEvent[]): Promise<void>;
}

export const handles = (projection: Projection, event: RecordedEvent): boolean =>
  projection.eventTypes === 'all' || projection.eventTypes.includes(event.type);

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

export const dropTables = async (db: ClientBase, projection: Projection): Promise<void> => {
  for (const table of projection.tables) await db.query(`DROP TABLE IF EXISTS ${quote(table.name)} CASCADE`);
};

/** md5 over every row in key order, per table: equal checksums mean equal read models. */
export const checksumTables = async (db: ClientBase, projection: Projection, schema?: string): Promise<Record<string, string>> => {
  const sums: Record<string, string> = {};
  for (const table of projection.tables) {
    const name = schema ? `${quote(schema)}.${quote(table.name)}` : quote(table.name);
    const { rows } = await db.query<{ sum: string; count: string }>(
      `SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY ${table.key}), '')) AS sum, count(*)::text AS count FROM ${name} t`,
    );
    sums[table.name] = `${rows[0]!.count}:${rows[0]!.sum}`;
  }
  return sums;
};

/**
 * An update that applies an event only to a row older than it: the row's `revision` moves to the
 * event's stream revision, so replaying a batch changes nothing (idempotent apply). `set` uses $3…
 * for `params`; $1 is the key and $2 the revision.
 */
export const rowUpdater =
  (db: ClientBase, table: string, keyColumn: string, key: string, revision: bigint) => (set: string, params: readonly unknown[]) =>
    db.query(`UPDATE ${quote(table)} SET ${set}, revision = $2 WHERE ${quote(keyColumn)} = $1 AND revision < $2`, [
      key,
      revision.toString(),
      ...params,
    ]);
