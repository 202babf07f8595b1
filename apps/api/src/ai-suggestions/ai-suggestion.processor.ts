import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  type AiAnswer,
  type AiFailure,
  type CopyCommand,
  DomainError,
  type GradingScaleSnapshot,
  copyDecider,
  copyStreamId,
  examDecider,
  examStreamId,
  gradingScaleSnapshot,
  isAiFailure,
  parseAiAnswer,
} from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { type Actor, executeCommand, loadStream } from '../shared/execute-command.js';
import { AiProvider, type ProviderAnswer, ProviderFailure } from './ai-provider.js';
import { AiQueue, type QueueSlot } from './ai-queue.js';
import { AiRequestLeases } from './ai-request-leases.js';
import { CopyImageError, copyImages } from './copy-images.js';

const SYSTEM: Actor = { actorId: 'ai-suggestions', actorRole: 'system' };
/** How soon a request whose process died is closed, by whichever replica sweeps first. */
const SWEEP_MS = 30_000;

type Outcome =
  | { answer: AiAnswer; scale: GradingScaleSnapshot; tokensIn: number; tokensOut: number }
  | { failure: AiFailure; tokensIn?: number; tokensOut?: number };

/**
 * Runs AI requests (issue 6) after the request is recorded: loads the exam's scale and answer key and
 * the copy's masked images, calls the provider with retries and backoff, checks the answer, and
 * records exactly one outcome per request. The process running a request holds its lock
 * (AiRequestLeases) from before it is recorded: a request without outcome whose lock is free was left
 * by a dead process, and any replica's sweep (at startup, then every SWEEP_MS) closes it as interrupted.
 */
@Injectable()
export class AiSuggestionProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  readonly provider: AiProvider | null;
  readonly queue: AiQueue | null;
  private readonly leases: AiRequestLeases | null;
  private sweeping: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {
    const ai = runtime.config.ai;
    this.provider = ai ? new AiProvider(ai) : null;
    this.queue = ai ? new AiQueue(ai) : null;
    this.leases = ai ? new AiRequestLeases(runtime.pool, (message) => this.log(message)) : null;
  }

  onApplicationBootstrap(): void {
    if (!this.provider) return;
    void this.sweep().catch((error: unknown) => this.log(error));
    this.timer = setInterval(() => void this.sweep().catch((error: unknown) => this.log(error)), SWEEP_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.queue) await Promise.race([this.queue.idle(), new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
    // Our locks go with the session: a call still running past this is closed by the next sweep, here or elsewhere.
    await this.leases?.close();
  }

  /** Takes a new request's lock before it is recorded (the handler then records it, or gives the lock back). */
  hold(requestId: string): Promise<void> {
    return this.leases!.hold(requestId).catch((error: unknown) => {
      this.log(error);
      throw error;
    });
  }

  release(requestId: string): Promise<void> {
    return this.leases!.release(requestId);
  }

  /** Starts the request once recorded: it holds its place in the queue and its lock until its outcome is recorded. */
  start(slot: QueueSlot, copyId: string, requestId: string): void {
    slot.start(() => this.run(copyId, requestId).finally(() => this.release(requestId)));
  }

  /** Closes as interrupted every request without outcome whose process is gone; one sweep at a time. Answers how many. */
  sweep(): Promise<number> {
    const run = this.sweeping.then(() => this.closeDead());
    this.sweeping = run.catch(() => undefined);
    return run;
  }

  private async closeDead(): Promise<number> {
    const leases = this.leases;
    if (!leases) return 0;
    // A request already answered but not yet projected would only cost a no-op write (one outcome per request).
    const head = await this.runtime.store.head();
    if (head) await this.runner.waitFor(head.position, ['ai-suggestions'], 5_000);
    const { rows } = await this.runtime.pool.query<{ request_id: string; copy_id: string; model: string; requested_at: Date }>(
      `SELECT request_id, copy_id, model, requested_at FROM ai_suggestion_requests WHERE status = 'pending' ORDER BY requested_at`,
    );
    let closed = 0;
    for (const row of rows) {
      const failure: AiFailure = {
        code: 'INTERRUPTED',
        message: 'demande interrompue (le serveur qui la traitait s’est arrêté) : relancez-la.',
      };
      const latencyMs = Date.now() - row.requested_at.getTime();
      const dead = await leases
        .whenDead(row.request_id, () => this.record(row.copy_id, row.request_id, row.model, { failure }, latencyMs, 0))
        .catch((error: unknown) => {
          this.log(error);
          return false;
        });
      if (dead) closed++;
    }
    return closed;
  }

  private async run(copyId: string, requestId: string): Promise<void> {
    const provider = this.provider!;
    const started = Date.now();
    let attempts = 0;
    let outcome: Outcome;
    const spent = { tokensIn: 0, tokensOut: 0 };
    try {
      const copy = (await loadStream(this.runtime.store, copyStreamId(copyId), copyDecider)).state;
      const exam = (await loadStream(this.runtime.store, examStreamId(copy.examId ?? ''), examDecider)).state;
      if (!exam.scale) throw new ProviderFailure({ code: 'MALFORMED', message: 'l’examen n’a pas de barème.' }, false);
      const images = await copyImages(this.runtime.blobs, copy.pages, exam.headerRegion).catch((error: unknown) => {
        const message = error instanceof CopyImageError ? error.message : 'une image de la copie n’a pas pu être préparée.';
        throw new ProviderFailure({ code: 'NO_IMAGE', message }, false, { cause: error });
      });
      if (images.length === 0) throw new ProviderFailure({ code: 'NO_IMAGE', message: 'la copie n’a aucune image de page.' }, false);
      const input = { scale: exam.scale.questions, answerKey: exam.answerKey, images };
      let reply: ProviderAnswer | null = null;
      for (attempts = 1; reply === null; attempts++) {
        try {
          reply = await provider.suggest(input);
          spent.tokensIn += reply.tokensIn;
          spent.tokensOut += reply.tokensOut;
        } catch (error) {
          const retry = error instanceof ProviderFailure && error.retryable && attempts < this.runtime.config.ai!.maxAttempts;
          if (!retry) throw error;
          await new Promise((resolve) => setTimeout(resolve, this.runtime.config.ai!.retryBaseMs * 2 ** (attempts - 1)));
        }
      }
      attempts--;
      const scale = gradingScaleSnapshot(exam.scale);
      const answer = parseAiAnswer(reply.content, scale);
      outcome = isAiFailure(answer) ? { failure: answer, ...spent } : { answer, scale, ...spent };
    } catch (error) {
      if (!(error instanceof ProviderFailure)) this.log(error);
      else if (error.cause !== undefined && !(error.cause instanceof CopyImageError)) this.log(error.cause);
      const failure =
        error instanceof ProviderFailure ? error.failure : { code: 'PROVIDER_ERROR' as const, message: 'erreur interne du serveur.' };
      outcome = { failure, ...spent };
    }
    const latencyMs = Date.now() - started;
    try {
      await this.record(copyId, requestId, provider.model, outcome, latencyMs, attempts);
    } catch (error) {
      // Never a stuck spinner: an answer the decider refuses is recorded as a failure that says why (in
      // French, with the answer's failure code); any other refusal is a bug, logged and told plainly.
      const refusedAnswer = error instanceof DomainError && typeof error.details.code === 'string';
      const message = refusedAnswer ? error.message : 'erreur interne du serveur.';
      if (!refusedAnswer) this.log(error);
      const failure = { failure: { code: 'PROVIDER_ERROR' as const, message: message.slice(0, 500) }, ...spent };
      await this.record(copyId, requestId, provider.model, failure, latencyMs, attempts).catch((again: unknown) => this.log(again));
    }
  }

  private async record(
    copyId: string,
    requestId: string,
    model: string,
    outcome: Outcome,
    latencyMs: number,
    attempts: number,
  ): Promise<void> {
    const metadata = { actorId: SYSTEM.actorId, actorRole: SYSTEM.actorRole, now: new Date().toISOString() };
    const figures = { latencyMs: Math.round(latencyMs), attempts };
    let command: CopyCommand;
    if ('failure' in outcome) {
      const tokens = { tokensIn: outcome.tokensIn ?? 0, tokensOut: outcome.tokensOut ?? 0 };
      command = { type: 'RecordAiSuggestionFailure', data: { requestId, model, reason: outcome.failure, ...tokens, ...figures }, metadata };
    } else {
      const { answer, scale, tokensIn, tokensOut } = outcome;
      command = {
        type: 'RecordAiSuggestion',
        data: { requestId, model, scale, ...answer, tokensIn, tokensOut, ...figures },
        metadata,
      };
    }
    await executeCommand(this.runtime.store, copyStreamId(copyId), copyDecider, command, SYSTEM);
  }

  private log(error: unknown): void {
    process.stderr.write(`[ai-suggestions] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
}
