import { eventStoreContract } from '../../libs/event-store/src/contract/event-store.contract.js';
import { EventStoreDbStore } from '../../libs/event-store/src/eventstoredb/eventstoredb-store.js';
import { formatPosition, parsePosition } from '../../libs/event-store/src/position.js';
import { startEsdbStandIn } from '../support/esdb-standin/index.js';

eventStoreContract('EventStoreDB adapter on the stand-in', async (options) => {
  const esdb = await startEsdbStandIn({ positionOffset: options?.positionsBeyondSafeInteger ? 2n ** 53n + 1000n : 0n });
  const store = new EventStoreDbStore(esdb.url, { timeoutMs: 5000 });
  return {
    store,
    checkpointRoundTrip: async (position) => parsePosition(formatPosition(position)),
    teardown: async () => {
      await store.close();
      await esdb.close();
    },
  };
});
