import { EventStoreDBClient, jsonEvent, excludeSystemEvents, START, BACKWARDS, END } from '@eventstore/db-client';
import { startEsdbStandIn } from '../support/esdb-standin/index.js';

it('smoke', async () => {
  const s = await startEsdbStandIn({ positionOffset: 2n ** 60n });
  const c = EventStoreDBClient.connectionString(s.url);
  const r = await c.appendToStream('a-1', [jsonEvent({ type: 'X', data: { a: 1 }, metadata: { m: 2 } })], { expectedRevision: 'no_stream' });
  console.log(r);
  const ev = jsonEvent({ type: 'Y', data: { b: 1 } });
  console.log(await c.appendToStream('a-1', [ev], { expectedRevision: 0n }));
  console.log(await c.appendToStream('a-1', [ev], { expectedRevision: 0n }));
  const e = await c.appendToStream('a-1', [jsonEvent({ type: 'Z', data: {} })], { expectedRevision: 'no_stream' }).catch((x) => x);
  console.log(e.constructor.name, e.actualVersion, e.expectedVersion);
  for await (const x of c.readStream('a-1')) console.log(x.event);
  const nf = await (async () => { for await (const x of c.readStream('nope')) void x; })().catch((x) => x);
  console.log(nf?.constructor?.name);
  for await (const x of c.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 10 })) console.log(x.event?.type, x.event?.position);
  const sub = c.subscribeToAll({ fromPosition: START, filter: excludeSystemEvents() });
  sub.on('confirmation', () => console.log('confirmed'));
  let n = 0;
  setTimeout(() => void c.appendToStream('b-1', [jsonEvent({ type: 'L', data: {} })]), 100);
  for await (const x of sub) { console.log('sub', x.event?.type); if (++n === 3) break; }
  await c.dispose();
  await s.close();
});
