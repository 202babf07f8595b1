import type { ClientBase, Pool } from 'pg';
import { type Position, START, formatPosition, parsePosition } from '#event-store';

export interface Checkpoint {
  readonly name: string;
  readonly position: Position;
  readonly version: number;
  readonly lastEventAt: string | null;
  readonly eventsSeen: bigint;
}

/** Positions are stored as text: bigints never pass through a JS number. */
export const CHECKPOINTS_DDL = `
CREATE TABLE IF NOT EXISTS projection_checkpoints (
  name text PRIMARY KEY,
  position text NOT NULL,
  version integer NOT NULL,
  last_event_at timestamptz,
  events_seen bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
)`;

interface Row {
  name: string;
  position: string;
  version: number;
  last_event_at: Date | null;
  events_seen: string;
}
const toCheckpoint = (row: Row): Checkpoint => ({
  name: row.name,
  position: parsePosition(row.position),
  version: row.version,
  lastEventAt: row.last_event_at?.toISOString() ?? null,
  eventsSeen: BigInt(row.events_seen),
});

export const readCheckpoint = async (db: ClientBase | Pool, name: string): Promise<Checkpoint | null> => {
  const { rows } = await db.query<Row>(
    `SELECT name, position, version, last_event_at, events_seen::text FROM projection_checkpoints WHERE name = $1`,
    [name],
  );
  return rows[0] ? toCheckpoint(rows[0]) : null;
};

export const readCheckpoints = async (db: ClientBase | Pool): Promise<Checkpoint[]> => {
  const { rows } = await db.query<Row>(
    `SELECT name, position, version, last_event_at, events_seen::text FROM projection_checkpoints ORDER BY name`,
  );
  return rows.map(toCheckpoint);
};

export const saveCheckpoint = async (
  db: ClientBase,
  name: string,
  version: number,
  position: Position,
  lastEventAt: string | null,
  seen: number,
): Promise<void> => {
  await db.query(
    `INSERT INTO projection_checkpoints (name, position, version, last_event_at, events_seen, updated_at)
     VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, version = EXCLUDED.version,
       last_event_at = EXCLUDED.last_event_at, events_seen = projection_checkpoints.events_seen + EXCLUDED.events_seen, updated_at = now()`,
    [name, formatPosition(position), version, lastEventAt, seen],
  );
};

export const resetCheckpoint = async (db: ClientBase, name: string, version: number): Promise<void> => {
  await db.query(
    `INSERT INTO projection_checkpoints (name, position, version, last_event_at, events_seen) VALUES ($1, $2, $3, NULL, 0)
     ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, version = EXCLUDED.version, last_event_at = NULL, events_seen = 0, updated_at = now()`,
    [name, formatPosition(START), version],
  );
};

/** The stored position, locked until the end of the caller's transaction. */
export const lockCheckpoint = async (db: ClientBase, name: string): Promise<Position | null> => {
  const { rows } = await db.query<{ position: string }>(`SELECT position FROM projection_checkpoints WHERE name = $1 FOR UPDATE`, [name]);
  return rows[0] ? parsePosition(rows[0].position) : null;
};
