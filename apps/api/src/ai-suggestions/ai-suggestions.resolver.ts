import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, Float, ID, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import { Roles } from '../auth/roles.decorator.js';
import type { RequestContext } from '../auth/request-context.js';
import type { Session } from '../auth/sessions.js';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { actorOf, requireId } from '../shared/command-context.js';
import { forbidden, notFound } from '../shared/errors.js';
import { pollChanges } from '../shared/poll-changes.js';
import { AiSuggestionProcessor } from './ai-suggestion.processor.js';
import { RequestAiSuggestionsCommand, ReviewAiSuggestionCommand } from './ai-suggestions.commands.js';
import { AiReviewDecision, AiSuggestionRequestModel, AiSuggestionStatsModel, AiSuggestionsStatusModel } from './ai-suggestions.models.js';
import { examStats, latestRequest } from './ai-suggestions.queries.js';

/** How often a waiting workspace's subscription looks at the read model: the spinner ends within this. */
const POLL_MS = 400;

/**
 * AI-suggested scores (issue 6) for the correction workspace and the exam office. A corrector sees
 * the suggestions of the copies of their lot only; students have no access to anything here.
 */
@Resolver()
export class AiSuggestionsResolver {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(AiSuggestionProcessor) private readonly processor: AiSuggestionProcessor,
  ) {}

  @Roles('teacher', 'admin')
  @Query(() => AiSuggestionsStatusModel, { description: 'Whether AI suggestions are on, and with which model' })
  aiSuggestionsStatus(): AiSuggestionsStatusModel {
    return { enabled: this.processor.provider !== null, model: this.processor.provider?.model ?? null };
  }

  @Roles('teacher', 'admin')
  @Query(() => AiSuggestionRequestModel, { nullable: true, description: 'The latest AI request on a copy of the caller’s lot' })
  async aiSuggestions(@Context() ctx: RequestContext, @Args('copyId', { type: () => ID }) copyId: string) {
    const id = await this.ownCopy(ctx.session!, copyId);
    return latestRequest(this.runtime.pool, id);
  }

  @Roles('teacher', 'admin')
  @Mutation(() => AiSuggestionRequestModel, {
    description: 'Asks the model for suggestions on a copy the caller holds; answers at once with the pending request',
  })
  async requestAiSuggestions(@Context() ctx: RequestContext, @Args('copyId', { type: () => ID }) copyId: string) {
    const id = await this.ownCopy(ctx.session!, copyId);
    await this.commands.execute(new RequestAiSuggestionsCommand(id, actorOf(ctx.session!)));
    return (await latestRequest(this.runtime.pool, id))!;
  }

  @Roles('teacher', 'admin')
  @Mutation(() => AiSuggestionRequestModel, {
    description: 'Accepts, edits or dismisses a suggestion; accepting or editing scores the question',
  })
  async reviewAiSuggestion(
    @Context() ctx: RequestContext,
    @Args('copyId', { type: () => ID }) copyId: string,
    @Args('requestId', { type: () => ID }) requestId: string,
    @Args('questionId', { type: () => ID }) questionId: string,
    @Args('decision', { type: () => AiReviewDecision }) decision: AiReviewDecision,
    @Args('points', { type: () => Float, nullable: true }) points: number | null,
  ) {
    const id = await this.ownCopy(ctx.session!, copyId);
    const review = { requestId: requireId(requestId, 'Demande'), questionId, decision, ...(points == null ? {} : { points }) };
    await this.commands.execute(new ReviewAiSuggestionCommand(id, actorOf(ctx.session!), review));
    return (await latestRequest(this.runtime.pool, id))!;
  }

  @Roles('admin')
  @Query(() => AiSuggestionStatsModel, { description: 'Acceptance and gaps of AI suggestions on an exam' })
  aiSuggestionStats(@Args('examId', { type: () => ID }) examId: string) {
    return examStats(this.runtime.pool, requireId(examId, 'Examen'));
  }

  @Roles('teacher', 'admin')
  @Subscription(() => AiSuggestionRequestModel, {
    nullable: true,
    description: 'The latest AI request on a copy, at once and whenever it changes (the workspace’s spinner ends on it)',
    resolve: (request: AiSuggestionRequestModel | null) => request,
  })
  async aiSuggestionChanged(@Context() ctx: RequestContext, @Args('copyId', { type: () => ID }) copyId: string) {
    const id = await this.ownCopy(ctx.session!, copyId);
    return pollChanges(() => latestRequest(this.runtime.pool, id), POLL_MS);
  }

  /** The copy id when the caller may see its AI suggestions: an admin, or its assigned corrector. */
  private async ownCopy(session: Session, copyId: string): Promise<string> {
    const id = requireId(copyId, 'Copie');
    const { rows } = await this.runtime.pool.query<{ corrector_id: string | null }>(`SELECT corrector_id FROM copies WHERE copy_id = $1`, [
      id,
    ]);
    if (!rows[0]) throw notFound('Copie introuvable.');
    if (session.role !== 'admin' && rows[0].corrector_id !== session.userId) throw forbidden('Cette copie n’est pas dans votre lot.');
    return id;
  }
}
