import type { Position } from '#event-store';
import { CHECKPOINTS_DDL, readCheckpoint, saveCheckpoint } from '#projections';
import type { TestDatabase } from '../support/pg.js';

/** Stores a position as a projection checkpoint in PostgreSQL and reads it back. */
export const checkpointRoundTrip =
  (db: TestDatabase) =>
  async (position: Position): Promise<Position> => {
    const client = await db.pool.connect();
    try {
      await client.query(CHECKPOINTS_DDL);
      await saveCheckpoint(client, 'contract', 1, position, null, 1);
      return (await readCheckpoint(client, 'contract'))!.position;
    } finally {
      client.release();
    }
  };
