import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Roles } from '../auth/roles.decorator.js';
import type { RequestContext } from '../auth/request-context.js';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { actorOf, requireId } from '../shared/command-context.js';
import { DefineAnswerKeyCommand } from './ai-suggestions.commands.js';
import { ExamAnswerKeyModel } from './ai-suggestions.models.js';
import { answerKeyOf } from './ai-suggestions.queries.js';

/** The exam's answer key: written by the exam office, sent to the model with every request on the exam. */
@Resolver()
export class AnswerKeyResolver {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  @Roles('admin')
  @Query(() => ExamAnswerKeyModel, { description: 'The exam’s answer key (empty when none)' })
  examAnswerKey(@Args('examId', { type: () => ID }) examId: string) {
    return answerKeyOf(this.runtime.pool, requireId(examId, 'Examen'));
  }

  @Roles('admin')
  @Mutation(() => ExamAnswerKeyModel, { description: 'Writes the exam’s answer key (at most 20 000 characters); an empty text removes it' })
  async defineAnswerKey(@Context() ctx: RequestContext, @Args('examId', { type: () => ID }) examId: string, @Args('text') text: string) {
    const id = requireId(examId, 'Examen');
    await this.commands.execute(new DefineAnswerKeyCommand(id, actorOf(ctx.session!), text));
    return answerKeyOf(this.runtime.pool, id);
  }
}
