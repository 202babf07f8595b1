/**
 * A subscription fed by polling a read model: yields the current value at once, then each time it
 * changes (compared as JSON), until the subscriber leaves. For admin views with few subscribers
 * (projection lag, identification progress); per-event feeds use LISTEN/NOTIFY instead.
 */
export const pollChanges = <T>(read: () => Promise<T>, intervalMs: number): AsyncIterableIterator<T> => {
  let last: string | null = null;
  let done = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  const finish = (): Promise<IteratorResult<T>> => {
    done = true;
    if (timer) clearTimeout(timer);
    wake?.();
    return Promise.resolve({ value: undefined, done: true });
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<T>> {
      while (!done) {
        const value = await read();
        const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
        if (text !== last) {
          last = text;
          return { value, done: false };
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, intervalMs);
        });
      }
      return { value: undefined, done: true };
    },
    return: finish,
    throw: finish,
  };
};
