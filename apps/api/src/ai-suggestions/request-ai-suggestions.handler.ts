import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CopyCommand, copyDecider, copyStreamId, examDecider, examStreamId, illegalState, notFound } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { ApiError } from '../shared/errors.js';
import { executeCommand, loadStream } from '../shared/execute-command.js';
import { readYourWrites } from '../shared/command-context.js';
import { QueueRefusal } from './ai-queue.js';
import { AiSuggestionProcessor } from './ai-suggestion.processor.js';
import { RequestAiSuggestionsCommand } from './ai-suggestions.commands.js';

export const AI_READ_MODELS: readonly string[] = ['ai-suggestions'];

/**
 * Checks the request on the copy decider first (lock holder, nothing pending), takes a place in the
 * queue (a full queue or an exam over its rate is refused before anything is written), takes the
 * request's lock (so no replica's sweep ever finds it recorded and unheld), records the request, and
 * only then lets it run: the Requested event always precedes any call to the provider.
 */
@CommandHandler(RequestAiSuggestionsCommand)
export class RequestAiSuggestionsHandler implements ICommandHandler<RequestAiSuggestionsCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(AiSuggestionProcessor) private readonly processor: AiSuggestionProcessor,
  ) {}

  async execute({ copyId, actor }: RequestAiSuggestionsCommand): Promise<{ requestId: string }> {
    const { provider, queue } = this.processor;
    if (!provider || !queue) throw new ApiError('UNAVAILABLE', 'Les suggestions IA sont désactivées sur ce serveur.');
    const store = this.runtime.store;
    const requestId = randomUUID();
    const metadata = { actorId: actor.actorId, actorRole: actor.actorRole, now: new Date().toISOString() };
    const command: CopyCommand = { type: 'RequestAiSuggestion', data: { requestId, model: provider.model }, metadata };
    const copy = await loadStream(store, copyStreamId(copyId), copyDecider);
    copyDecider.decide(command, copy.state); // refuses early: no place is taken for a request the rules refuse
    if (copy.state.examId === null) throw notFound('Copie introuvable.');
    const exam = (await loadStream(store, examStreamId(copy.state.examId), examDecider)).state;
    if (!exam.scale) throw illegalState('Cet examen n’a pas encore de barème.');
    let slot;
    try {
      slot = queue.reserve(copy.state.examId);
    } catch (error) {
      if (error instanceof QueueRefusal) throw new ApiError('UNAVAILABLE', error.message, { retryAfterSeconds: error.retryAfterSeconds });
      throw error;
    }
    try {
      await this.processor.hold(requestId); // logs why it failed
    } catch {
      slot.cancel();
      throw new ApiError('UNAVAILABLE', 'La base de données ne répond pas : réessayez dans un instant.');
    }
    let position;
    try {
      position = (await executeCommand(store, copyStreamId(copyId), copyDecider, command, actor)).position;
    } catch (error) {
      slot.cancel();
      await this.processor.release(requestId);
      throw error;
    }
    this.processor.start(slot, copyId, requestId);
    await readYourWrites(this.runner, position, AI_READ_MODELS);
    return { requestId };
  }
}
