import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CopyOp } from '../components/copy/copy-ops.js';
import { STORAGE_PREFIX, defaultBackoff, useSaveQueueStore, type SendOp } from './save-queue.js';

const COPY = '0b7c1f6e-5d1a-4c57-9f0e-2a4b6c8d0e1f';
const TEACHER = 'teacher-1';

const pages: Array<ReturnType<typeof useSaveQueueStore>> = [];
beforeEach(() => {
  localStorage.clear();
  vi.useFakeTimers();
});
afterEach(() => {
  pages.splice(0).forEach((queue) => queue.dispose());
  window.dispatchEvent(new Event('online'));
  vi.useRealTimers();
});

describe('the save queue', () => {
  it('sends one change at a time, in the order they were made', async () => {
    const server = fakeServer();
    const queue = newQueue(server.send);
    queue.enqueue(COPY, score('q1', 1));
    queue.enqueue(COPY, score('q2', 2));
    queue.enqueue(COPY, remark('q1', 'juste'));
    expect(server.received).toEqual([score('q1', 1)]);
    expect(queue.stateOf(COPY)).toEqual({ status: 'saving', pending: 3 });
    await server.answerAll();
    expect(server.received).toEqual([score('q1', 1), score('q2', 2), remark('q1', 'juste')]);
    expect(queue.stateOf(COPY)).toEqual({ status: 'saved', pending: 0 });
    expect(localStorage.getItem(`${STORAGE_PREFIX}${TEACHER}.${COPY}`)).toBeNull();
  });

  it('retries a change that met a network failure after a growing delay, then goes on', async () => {
    const send = vi
      .fn<SendOp>()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockRejectedValueOnce(Object.assign(new Error('The event store is unavailable'), { extensions: { code: 'UNAVAILABLE' } }))
      .mockResolvedValue({});
    const queue = newQueue(send);
    queue.enqueue(COPY, score('q1', 1));
    queue.enqueue(COPY, score('q2', 2));
    await vi.advanceTimersByTimeAsync(0);
    expect(queue.stateOf(COPY)).toMatchObject({ status: 'offline', pending: 2 });
    await vi.advanceTimersByTimeAsync(999);
    expect(send).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(send).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1999);
    expect(send).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(send.mock.calls.map(([, op]) => op)).toEqual([score('q1', 1), score('q1', 1), score('q1', 1), score('q2', 2)]);
    expect(queue.stateOf(COPY)).toEqual({ status: 'saved', pending: 0 });
  });

  it('waits while the browser is offline and sends as soon as it is back', async () => {
    const server = fakeServer();
    const queue = newQueue(server.send);
    window.dispatchEvent(new Event('offline'));
    queue.enqueue(COPY, score('q1', 1));
    queue.enqueue(COPY, remark('q1', 'a'));
    queue.enqueue(COPY, remark('q1', 'ab')); // a remark typed on: only its last text waits
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.received).toEqual([]);
    expect(queue.stateOf(COPY)).toEqual({ status: 'offline', pending: 2, nextRetryAt: null });
    window.dispatchEvent(new Event('online'));
    await server.answerAll();
    expect(server.received).toEqual([score('q1', 1), remark('q1', 'ab')]);
  });

  it('keeps unsent changes across a reload and sends them from the new page', async () => {
    const first = newQueue(() => new Promise(() => {})); // the page closes with a request hanging
    first.enqueue(COPY, score('q1', 1));
    first.enqueue(COPY, { type: 'removeAnnotation', annotationId: 'a1' });

    // Another person signing in on the same computer sees none of it.
    expect(newQueue(fakeServer().send, 'admin-1').attach(COPY)).toEqual([]);

    const server = fakeServer();
    const reloaded = newQueue(server.send);
    expect(reloaded.storedCopyIds()).toEqual([COPY]);
    expect(reloaded.attach(COPY).map((entry) => entry.op)).toEqual([score('q1', 1), { type: 'removeAnnotation', annotationId: 'a1' }]);
    await server.answerAll();
    expect(server.received).toEqual([score('q1', 1), { type: 'removeAnnotation', annotationId: 'a1' }]);
    expect(reloaded.storedCopyIds()).toEqual([]);
  });

  it('stops on a lost lock, keeps the change, and goes on when told to', async () => {
    const send = vi.fn<SendOp>().mockRejectedValueOnce(graphqlError('FORBIDDEN', "you do not hold this copy's lock")).mockResolvedValue({});
    const queue = newQueue(send);
    queue.enqueue(COPY, score('q1', 1));
    queue.enqueue(COPY, score('q2', 2));
    await vi.advanceTimersByTimeAsync(120_000);
    expect(send).toHaveBeenCalledTimes(1);
    expect(queue.stateOf(COPY)).toEqual({ status: 'error', pending: 2, code: 'FORBIDDEN', message: "you do not hold this copy's lock" });
    await queue.retry(COPY);
    expect(send.mock.calls.map(([, op]) => op)).toEqual([score('q1', 1), score('q1', 1), score('q2', 2)]);
    expect(queue.stateOf(COPY).status).toBe('saved');
  });

  it('drops and rolls back a change the server refuses, and stops before the next one', async () => {
    const send = vi.fn<SendOp>().mockRejectedValueOnce(graphqlError('BAD_USER_INPUT', 'a comment needs text')).mockResolvedValue({});
    const queue = newQueue(send);
    const rollback = vi.fn();
    queue.enqueue(COPY, score('q1', 1), { rollback });
    queue.enqueue(COPY, score('q2', 2));
    await vi.advanceTimersByTimeAsync(0);
    expect(rollback).toHaveBeenCalledOnce();
    expect(queue.stateOf(COPY)).toMatchObject({ status: 'error', pending: 1, code: 'BAD_USER_INPUT' });
    await queue.retry(COPY);
    expect(send).toHaveBeenLastCalledWith(COPY, score('q2', 2));
  });

  it('takes NOT_FOUND on a removal as already done', async () => {
    const send = vi.fn<SendOp>().mockRejectedValueOnce(graphqlError('NOT_FOUND', 'no such annotation')).mockResolvedValue({});
    const queue = newQueue(send);
    const acknowledged = vi.fn();
    queue.enqueue(COPY, { type: 'removeAnnotation', annotationId: 'a1' }, { acknowledged });
    await vi.advanceTimersByTimeAsync(0);
    expect(acknowledged).toHaveBeenCalledOnce();
    expect(queue.stateOf(COPY).status).toBe('saved');
  });

  it('discards what waits, undoing the newest first', async () => {
    const queue = newQueue(vi.fn<SendOp>().mockRejectedValue(graphqlError('CONFLICT', 'this copy is finalised')));
    const undone: string[] = [];
    queue.enqueue(COPY, score('q1', 1), { rollback: () => undone.push('q1') });
    queue.enqueue(COPY, score('q2', 1), { rollback: () => undone.push('q2') });
    await vi.advanceTimersByTimeAsync(0);
    queue.discard(COPY);
    expect(undone).toEqual(['q2', 'q1']);
    expect(queue.stateOf(COPY).status).toBe('saved');
  });

  it('spreads retries between 80 % and 120 % of a doubling delay capped at 30 s', () => {
    expect([1, 2, 3, 6, 10].map((attempt) => defaultBackoff(attempt, () => 0.5))).toEqual([1000, 2000, 4000, 30_000, 30_000]);
    expect(defaultBackoff(1, () => 0)).toBe(800);
    expect(defaultBackoff(1, () => 1)).toBe(1200);
  });
});

// Fixtures -----------------------------------------------------------------------------------------

const score = (questionId: string, points: number): CopyOp => ({ type: 'awardScore', questionId, points });
const remark = (questionId: string, text: string): CopyOp => ({ type: 'writeRemark', questionId, text });
const graphqlError = (code: string, message: string) => Object.assign(new Error(message), { extensions: { code } });

/** A fresh Pinia (a new page) with a queue on the shared localStorage and plain doubling delays. */
const newQueue = (send: SendOp, owner = TEACHER) => {
  setActivePinia(createPinia());
  const queue = useSaveQueueStore();
  queue.configure({ send, owner, backoff: (attempt) => 1000 * 2 ** (attempt - 1) });
  pages.push(queue);
  return queue;
};

/** A server that holds every request until told to answer, to observe what is in flight. */
const fakeServer = () => {
  const received: CopyOp[] = [];
  const waiting: Array<() => void> = [];
  const send: SendOp = (_copyId, op) => {
    received.push(op);
    return new Promise((resolve) => waiting.push(() => resolve({})));
  };
  const answerAll = async (): Promise<void> => {
    for (let rounds = 0; rounds < 50; rounds++) {
      waiting.splice(0).forEach((answer) => answer());
      await vi.advanceTimersByTimeAsync(0);
    }
  };
  return { send, received, answerAll };
};
