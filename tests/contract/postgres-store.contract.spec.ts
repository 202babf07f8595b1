import { PostgresEventStore } from '#event-store';
import { eventStoreContract, type ContractHarness } from '../../libs/event-store/src/contract/event-store.contract.js';
import { readCheckpoint, saveCheckpoint, CHECKPOINTS_DDL } from '#projections';
import { createTestDatabase } from '../support/pg.js';

const TWO_TO_53 = 2n ** 53n;

eventStoreContract('PostgreSQL store', async (options) => {
  const db = await createTestDatabase();
  const store = await PostgresEventStore.create(db.pool, { pollIntervalMs: 200 });
  await db.pool.query(CHECKPOINTS_DDL);
  if (options?.positionsBeyondSafeInteger) {
    await db.pool.query(`ALTER TABLE es_events ALTER COLUMN position RESTART WITH ${TWO_TO_53 + 1000n}`);
  }
  const harness: ContractHarness = {
    store,
    openAppend: async (streamId, events, expected) => {
      const client = await db.pool.connect();
      await client.query('BEGIN');
      await store.appendWithin(client, streamId, events, expected);
      const end = async (sql: string): Promise<void> => {
        await client.query(sql);
        client.release();
      };
      return { commit: () => end('COMMIT'), rollback: () => end('ROLLBACK') };
    },
    checkpointRoundTrip: async (position) => {
      const client = await db.pool.connect();
      try {
        await saveCheckpoint(client, 'contract', 1, position, null, 1);
        return (await readCheckpoint(client, 'contract'))!.position;
      } finally {
        client.release();
      }
    },
    teardown: async () => {
      await store.close();
      await db.drop();
    },
  };
  return harness;
});
