import { AiQueue, QueueRefusal } from './ai-queue.js';

describe('the AI request queue', () => {
  it('runs at most `concurrency` jobs at once, the others in order', async () => {
    const queue = new AiQueue({ concurrency: 2, queueLimit: 10, ratePerMinute: 100 });
    const gates = Array.from({ length: 4 }, () => deferred());
    const started: number[] = [];
    gates.forEach((gate, index) =>
      queue.reserve('exam').start(async () => {
        started.push(index);
        await gate.promise;
      }),
    );
    await flush();
    expect(started).toEqual([0, 1]);
    expect(queue.load).toEqual({ running: 2, waiting: 2 });
    gates[1]!.resolve();
    await flush();
    expect(started).toEqual([0, 1, 2]);
    gates.forEach((gate) => gate.resolve());
    await queue.idle();
    expect(started).toEqual([0, 1, 2, 3]);
    expect(queue.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses a request beyond its waiting room, with a clear message', async () => {
    const queue = new AiQueue({ concurrency: 1, queueLimit: 2, ratePerMinute: 100 });
    const gate = deferred();
    queue.reserve('a').start(() => gate.promise);
    queue.reserve('b').start(() => gate.promise);
    queue.reserve('c').start(() => gate.promise);
    expect(() => queue.reserve('d')).toThrow(/File d’attente pleine/);
    gate.resolve();
    await queue.idle();
    expect(() => queue.reserve('d')).not.toThrow();
  });

  it('limits requests per exam and minute, and tells when to retry', () => {
    let now = 1_000_000;
    const queue = new AiQueue({ concurrency: 5, queueLimit: 50, ratePerMinute: 2, now: () => now });
    queue.reserve('exam-1');
    now += 20_000;
    queue.reserve('exam-1');
    let refusal: unknown;
    try {
      queue.reserve('exam-1');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(QueueRefusal);
    expect((refusal as QueueRefusal).message).toMatch(/2 demandes par minute.*40 s/);
    expect(() => queue.reserve('exam-2')).not.toThrow(); // another exam is not held back
    now += 40_001;
    expect(() => queue.reserve('exam-1')).not.toThrow();
  });

  it('gives back a cancelled place and its share of the rate limit', () => {
    const queue = new AiQueue({ concurrency: 1, queueLimit: 1, ratePerMinute: 1 });
    queue.reserve('exam').cancel();
    expect(queue.load.waiting).toBe(0);
    expect(() => queue.reserve('exam')).not.toThrow();
  });
});

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
const flush = () => new Promise((resolve) => setImmediate(resolve));
