import type { RecordedEvent, Subscription } from '../event-store.port.js';

/** Reads a subscription until `count` events arrived, or fails after `timeoutMs`. */
export const collect = async (subscription: Subscription, count: number, timeoutMs = 10_000): Promise<RecordedEvent[]> => {
  const received: RecordedEvent[] = [];
  const iterator = subscription[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  while (received.length < count) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()))));
    const next = await Promise.race([iterator.next(), timeout]);
    clearTimeout(timer);
    if (next === 'timeout') throw new Error(`Subscription delivered ${received.length} of ${count} events in ${timeoutMs} ms`);
    if (next.done) break;
    received.push(...next.value);
  }
  return received;
};
