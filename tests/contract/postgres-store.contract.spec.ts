import { PostgresEventStore } from '#event-store';
import { eventStoreContract, type ContractHarness } from '../../libs/event-store/src/contract/event-store.contract.js';
import { checkpointRoundTrip } from './checkpoint-round-trip.js';
import { createTestDatabase } from '../support/pg.js';

const TWO_TO_53 = 2n ** 53n;

eventStoreContract('PostgreSQL store', async (options) => {
  const db = await createTestDatabase();
  const store = await PostgresEventStore.create(db.pool, { pollIntervalMs: 200 });
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
    checkpointRoundTrip: checkpointRoundTrip(db),
    teardown: async () => {
      await store.close();
      await db.drop();
    },
  };
  return harness;
});
