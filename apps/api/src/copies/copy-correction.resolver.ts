import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { GraphQLResolveInfo } from 'graphql';
import { Args, Context, Info, Float, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Roles } from '../auth/roles.decorator.js';
import type { RequestContext } from '../auth/request-context.js';
import { actorOf, requireId } from '../shared/command-context.js';
import { selectedFields } from '../shared/selection.js';
import { ChangeCopyCommand, type CopyChange } from './change-copy/change-copy.command.js';
import { CopyReadModel } from './copy-read-model.js';
import { type CopyGrade, GradeCopyCommand } from './grade-copy/grade-copy.command.js';
import { AnnotationInput, annotationFromInput } from './models/copy.inputs.js';
import { CopyModel } from './models/copy.models.js';

/**
 * The correction workspace (issue 3, workflow 5): the lock holder annotates, scores, remarks and
 * finalises; each mutation answers the copy from the read model once it shows the change. The
 * anonymous `Copy` type has no student field: a corrector cannot ask for a name.
 */
@Resolver(() => CopyModel)
export class CopyCorrectionResolver {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(CopyReadModel) private readonly copies: CopyReadModel,
  ) {}

  @Roles('teacher', 'admin')
  @Query(() => CopyModel, { description: 'A copy of the caller’s lot (any copy for an admin), anonymous' })
  copy(
    @Context() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Args('copyId', { type: () => ID }) copyId: string,
  ): Promise<CopyModel> {
    return this.copies.copyFor(ctx.session!, requireId(copyId, 'Copie'), selectedFields(info));
  }

  @Roles('teacher', 'admin')
  @Mutation(() => CopyModel, { description: 'Adds an annotation (lock holder only); the same annotation sent again is harmless' })
  addAnnotation(
    @Context() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Args('copyId', { type: () => ID }) copyId: string,
    @Args('annotation') annotation: AnnotationInput,
  ) {
    return this.change(ctx, info, copyId, { type: 'AddAnnotation', data: { annotation: annotationFromInput(annotation) } });
  }

  @Roles('teacher', 'admin')
  @Mutation(() => CopyModel, { description: 'Replaces an annotation by its id (lock holder only)' })
  editAnnotation(
    @Context() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Args('copyId', { type: () => ID }) copyId: string,
    @Args('annotation') annotation: AnnotationInput,
  ) {
    return this.change(ctx, info, copyId, { type: 'EditAnnotation', data: { annotation: annotationFromInput(annotation) } });
  }

  @Roles('teacher', 'admin')
  @Mutation(() => CopyModel, { description: 'Removes an annotation (lock holder only); NOT_FOUND when already gone' })
  removeAnnotation(
    @Context() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Args('copyId', { type: () => ID }) copyId: string,
    @Args('annotationId', { type: () => ID }) annotationId: string,
  ) {
    return this.change(ctx, info, copyId, { type: 'RemoveAnnotation', data: { annotationId } });
  }

  @Roles('teacher', 'admin')
  @Mutation(() => CopyModel, { description: 'Scores a question: clamped to [0, max] and rounded to the question’s step' })
  awardScore(
    @Context() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Args('copyId', { type: () => ID }) copyId: string,
    @Args('questionId', { type: () => ID }) questionId: string,
    @Args('points', { type: () => Float }) points: number,
  ) {
    return this.grade(ctx, info, copyId, { type: 'AwardScore', questionId, points });
  }

  @Roles('teacher', 'admin')
  @Mutation(() => CopyModel, { description: 'Writes the remark of a question; an empty text removes it' })
  writeRemark(
    @Context() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Args('copyId', { type: () => ID }) copyId: string,
    @Args('questionId', { type: () => ID }) questionId: string,
    @Args('text') text: string,
  ) {
    return this.grade(ctx, info, copyId, { type: 'WriteRemark', questionId, text });
  }

  @Roles('teacher', 'admin')
  @Mutation(() => CopyModel, { description: 'Writes the overall appreciation of the copy' })
  writeAppreciation(
    @Context() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Args('copyId', { type: () => ID }) copyId: string,
    @Args('text') text: string,
  ) {
    return this.change(ctx, info, copyId, { type: 'WriteAppreciation', data: { text } });
  }

  @Roles('teacher', 'admin')
  @Mutation(() => CopyModel, { description: 'Totals the copy on the grading scale (every question scored) and releases the lock' })
  finalizeCopy(@Context() ctx: RequestContext, @Info() info: GraphQLResolveInfo, @Args('copyId', { type: () => ID }) copyId: string) {
    return this.grade(ctx, info, copyId, { type: 'FinalizeCopy' });
  }

  private async change(ctx: RequestContext, info: GraphQLResolveInfo, copyId: string, change: CopyChange): Promise<CopyModel> {
    const id = requireId(copyId, 'Copie');
    await this.commands.execute(new ChangeCopyCommand(id, actorOf(ctx.session!), change));
    return this.copies.copyFor(ctx.session!, id, selectedFields(info));
  }

  private async grade(ctx: RequestContext, info: GraphQLResolveInfo, copyId: string, grade: CopyGrade): Promise<CopyModel> {
    const id = requireId(copyId, 'Copie');
    await this.commands.execute(new GradeCopyCommand(id, actorOf(ctx.session!), grade));
    return this.copies.copyFor(ctx.session!, id, selectedFields(info));
  }
}
