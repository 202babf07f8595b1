import { Worker } from 'node:worker_threads';
import type { ClosedLoopJob, ClosedLoopResult, CorrectorsJob, CorrectorsResult, Job } from './load-worker.js';

/** The main thread's handle on the clients' thread (load-worker.ts): one job at a time. */
export class LoadClients {
  private readonly worker = new Worker(new URL('./load-worker.js', import.meta.url));
  private queue: Promise<unknown> = Promise.resolve();

  run(job: ClosedLoopJob): Promise<ClosedLoopResult>;
  run(job: CorrectorsJob): Promise<CorrectorsResult>;
  run(job: Job): Promise<ClosedLoopResult | CorrectorsResult> {
    const next = this.queue.then(
      () =>
        new Promise<ClosedLoopResult | CorrectorsResult>((resolve, reject) => {
          const onError = (error: Error): void => {
            this.worker.off('message', onMessage);
            reject(error);
          };
          const onMessage = (message: { ok: true; result: ClosedLoopResult | CorrectorsResult } | { ok: false; error: string }): void => {
            this.worker.off('error', onError);
            if (message.ok) resolve(message.result);
            else reject(new Error(`load worker: ${message.error}`));
          };
          this.worker.once('message', onMessage);
          this.worker.once('error', onError);
          this.worker.postMessage(job);
        }),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
