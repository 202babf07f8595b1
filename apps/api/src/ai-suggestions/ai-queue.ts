/** Why a request was not queued, in French for the teacher; `retryAfterSeconds` when waiting helps. */
export class QueueRefusal extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'QueueRefusal';
  }
}

export interface QueueSlot {
  /** Runs the job when a lane is free; its failure is the job's own business (it records its outcome). */
  start(job: () => Promise<void>): void;
  /** Gives the place back (the request could not be recorded); the rate limit is refunded too. */
  cancel(): void;
}

export interface AiQueueOptions {
  readonly concurrency: number;
  /** Requests waiting for a lane; one more is refused. */
  readonly queueLimit: number;
  /** Requests per exam within any minute. */
  readonly ratePerMinute: number;
  readonly now?: () => number;
}

const MINUTE_MS = 60_000;

/**
 * The AI requests of this process: a few run at once, a bounded number wait, and each exam gets at
 * most so many per minute, so one class cannot starve the others nor run up the provider's bill.
 * A place is reserved before the request is recorded, so a refusal never leaves a request behind.
 */
export class AiQueue {
  private readonly waiting: (() => Promise<void>)[] = [];
  private reserved = 0;
  private running = 0;
  private readonly recent = new Map<string, number[]>();
  private readonly drained: (() => void)[] = [];
  private readonly now: () => number;

  constructor(private readonly options: AiQueueOptions) {
    this.now = options.now ?? Date.now;
  }

  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length + this.reserved };
  }

  reserve(examId: string): QueueSlot {
    const now = this.now();
    const times = (this.recent.get(examId) ?? []).filter((at) => at > now - MINUTE_MS);
    if (times.length >= this.options.ratePerMinute) {
      const retryAfterSeconds = Math.max(1, Math.ceil((times[0]! + MINUTE_MS - now) / 1000));
      throw new QueueRefusal(
        `Limite de ${this.options.ratePerMinute} demandes par minute atteinte pour cet examen : réessayez dans ${retryAfterSeconds} s.`,
        retryAfterSeconds,
      );
    }
    const free = this.running < this.options.concurrency && this.waiting.length + this.reserved === 0;
    if (!free && this.waiting.length + this.reserved >= this.options.queueLimit) {
      throw new QueueRefusal('File d’attente pleine : trop de demandes de suggestions en cours, réessayez dans une minute.', 60);
    }
    times.push(now);
    this.recent.set(examId, times);
    this.reserved++;
    let settled = false;
    return {
      start: (job) => {
        if (settled) return;
        settled = true;
        this.reserved--;
        this.waiting.push(job);
        this.pump();
      },
      cancel: () => {
        if (settled) return;
        settled = true;
        this.reserved--;
        const index = times.lastIndexOf(now);
        if (index >= 0) times.splice(index, 1);
      },
    };
  }

  /** Resolves once nothing runs or waits (shutdown, tests). */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running++;
      void job()
        .catch(() => undefined)
        .finally(() => {
          this.running--;
          this.pump();
          if (this.running === 0 && this.waiting.length === 0) this.drained.splice(0).forEach((resolve) => resolve());
        });
    }
  }
}
