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
import { copyImages } from './copy-images.js';

const SYSTEM: Actor = { actorId: 'ai-suggestions', actorRole: 'system' };
const SWEEP_MS = 60_000;

type Outcome =
  | { answer: AiAnswer; scale: GradingScaleSnapshot; tokensIn: number; tokensOut: number }
  | { failure: AiFailure; tokensIn?: number; tokensOut?: number };

/**
 * Runs AI requests (issue 6) after the request is recorded: loads the exam's scale and answer key and
 * the copy's masked images, calls the provider with retries and backoff, checks the answer, and
 * records exactly one outcome per request. A request whose process died is closed as interrupted:
 * at startup for those older than this process, and by a periodic sweep for any past every deadline.
 */
@Injectable()
export class AiSuggestionProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  readonly provider: AiProvider | null;
  readonly queue: AiQueue | null;
  private readonly inFlight = new Set<string>();
  private readonly bootedAt = new Date();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {
    const ai = runtime.config.ai;
    this.provider = ai ? new AiProvider(ai) : null;
    this.queue = ai ? new AiQueue(ai) : null;
  }

  onApplicationBootstrap(): void {
    if (!this.provider) return;
    void this.recoverInterrupted().catch((error: unknown) => this.log(error));
    this.timer = setInterval(
      () => void this.recoverInterrupted(new Date(Date.now() - this.longestRunMs())).catch(() => undefined),
      SWEEP_MS,
    );
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // A call still running past this is recorded as interrupted at the next start.
    if (this.queue) await Promise.race([this.queue.idle(), new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
  }

  /** Starts the request once recorded: it holds its place in the queue until then. */
  start(slot: QueueSlot, copyId: string, requestId: string): void {
    this.inFlight.add(requestId);
    slot.start(() => this.run(copyId, requestId).finally(() => this.inFlight.delete(requestId)));
  }

  /** Closes the requests recorded before `before` that have no outcome and do not run here. Answers how many. */
  async recoverInterrupted(before: Date = this.bootedAt): Promise<number> {
    const head = await this.runtime.store.head();
    if (head) await this.runner.waitFor(head.position, ['ai-suggestions'], 60_000);
    const { rows } = await this.runtime.pool.query<{ request_id: string; copy_id: string; model: string; requested_at: Date }>(
      `SELECT request_id, copy_id, model, requested_at FROM ai_suggestion_requests WHERE status = 'pending' AND requested_at < $1`,
      [before],
    );
    let closed = 0;
    for (const row of rows.filter((r) => !this.inFlight.has(r.request_id))) {
      const failure: AiFailure = { code: 'INTERRUPTED', message: 'demande interrompue (redémarrage du serveur) : relancez-la.' };
      await this.record(row.copy_id, row.request_id, row.model, { failure }, Date.now() - row.requested_at.getTime(), 0);
      closed++;
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
      const images = await copyImages(this.runtime.blobs, copy.pages, exam.headerRegion).catch((error: Error) => {
        throw new ProviderFailure({ code: 'NO_IMAGE', message: error.message }, false);
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
      const failure =
        error instanceof ProviderFailure ? error.failure : { code: 'PROVIDER_ERROR' as const, message: 'erreur interne du serveur.' };
      outcome = { failure, ...spent };
    }
    const latencyMs = Date.now() - started;
    try {
      await this.record(copyId, requestId, provider.model, outcome, latencyMs, attempts);
    } catch (error) {
      // Never a stuck spinner: an outcome the decider refuses is recorded as a failure that says why.
      const message = error instanceof DomainError ? error.message : 'erreur interne du serveur.';
      if (!(error instanceof DomainError)) this.log(error);
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

  /** Past this, no attempt can still be running anywhere: every call, every backoff, and a full queue ahead. */
  private longestRunMs(): number {
    const ai = this.runtime.config.ai!;
    const oneRequest = ai.maxAttempts * ai.timeoutMs + ai.retryBaseMs * 2 ** ai.maxAttempts;
    return oneRequest * (1 + Math.ceil(ai.queueLimit / ai.concurrency)) + 60_000;
  }

  private log(error: unknown): void {
    process.stderr.write(`[ai-suggestions] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
}
