import { EventStoreDbStore } from '#event-store';
import { eventStoreContract } from '../../libs/event-store/src/contract/event-store.contract.js';
import { startEsdbStandIn } from '../support/esdb-standin/index.js';
import { createTestDatabase } from '../support/pg.js';
import { checkpointRoundTrip } from './checkpoint-round-trip.js';

/** The EventStoreDB adapter on the gRPC stand-in built from the client's own service definitions. */
eventStoreContract('EventStoreDB adapter on the gRPC stand-in', async (options) => {
  const esdb = await startEsdbStandIn({ positionOffset: options?.positionsBeyondSafeInteger ? 2n ** 53n + 1000n : 0n });
  const store = new EventStoreDbStore(esdb.url, { timeoutMs: 5000 });
  const db = await createTestDatabase();
  return {
    store,
    checkpointRoundTrip: checkpointRoundTrip(db),
    teardown: async () => {
      await store.close();
      await esdb.close();
      await db.drop();
    },
  };
});

/**
 * The same contract against a real EventStoreDB (docker compose up eventstore; EVENTSTORE_URL=esdb://localhost:2113?tls=false).
 * A real server's log cannot be made to start beyond 2^53, so that one case runs on the stand-in only.
 */
const realServer = process.env.EVENTSTORE_URL;
if (realServer) {
  eventStoreContract(
    `EventStoreDB at ${realServer}`,
    async () => {
      const store = new EventStoreDbStore(realServer, { timeoutMs: 10_000 });
      const db = await createTestDatabase();
      return {
        store,
        checkpointRoundTrip: checkpointRoundTrip(db),
        teardown: async () => Promise.all([store.close(), db.drop()]).then(() => undefined),
      };
    },
    { positionsBeyondSafeInteger: false },
  );
}
