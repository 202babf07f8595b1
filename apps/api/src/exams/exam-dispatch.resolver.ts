import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, ID, Mutation, Resolver } from '@nestjs/graphql';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { Roles } from '../auth/roles.decorator.js';
import type { RequestContext } from '../auth/request-context.js';
import { requireId } from '../shared/command-context.js';
import { badInput, notFound } from '../shared/errors.js';
import { DispatchOutcome, Exam, ExamCopy } from './exam.models.js';
import { dispatchRuns, findExam, findExamCopy } from './exams.queries.js';
import { AssignCorrectorsCommand } from './assign-correctors/assign-correctors.command.js';
import { DispatchCopiesCommand } from './dispatch-copies/dispatch-copies.command.js';
import { ReassignCopyCommand } from './reassign-copy/reassign-copy.command.js';
import { PublishResultsCommand } from './publish-results/publish-results.command.js';
import { WithdrawResultsCommand } from './withdraw-results/withdraw-results.command.js';

const MAX_CORRECTORS = 100;
const REASON_MAX = 500;

/** Correctors, dispatch and publication of an exam: the exam office only. */
@Resolver()
export class ExamDispatchResolver {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  @Roles('admin')
  @Mutation(() => Exam, { description: 'Sets the exam’s correctors (active teachers), replacing the previous set' })
  async assignCorrectors(
    @Context() ctx: RequestContext,
    @Args('examId', { type: () => ID }) examId: string,
    @Args('correctorIds', { type: () => [ID] }) correctorIds: string[],
  ): Promise<Exam> {
    if (correctorIds.length > MAX_CORRECTORS) throw badInput(`${MAX_CORRECTORS} correcteurs au plus.`);
    const id = requireId(examId, 'Examen');
    const ids = correctorIds.map((userId) => requireId(userId, 'Correcteur'));
    await this.commands.execute(new AssignCorrectorsCommand(ctx.session!, id, ids));
    return findExam(this.runtime.pool, id, ctx.session!);
  }

  @Roles('admin')
  @Mutation(() => DispatchOutcome, {
    description: 'Deals the unfinished copies among the correctors (new run, random and fair); copies in progress stay',
  })
  async dispatchCopies(@Context() ctx: RequestContext, @Args('examId', { type: () => ID }) examId: string): Promise<DispatchOutcome> {
    const id = requireId(examId, 'Examen');
    const result = await this.commands.execute(new DispatchCopiesCommand(ctx.session!, id));
    const [run] = await dispatchRuns(this.runtime.pool, id, result.runId);
    if (!run) throw notFound('Répartition introuvable.');
    return { run, moved: result.moved, kept: result.kept, failedCopyIds: result.failedCopyIds };
  }

  @Roles('admin')
  @Mutation(() => ExamCopy, {
    description: 'Gives one copy to another corrector of its exam (refused when finalised or locked by someone else)',
  })
  async reassignCopy(
    @Context() ctx: RequestContext,
    @Args('copyId', { type: () => ID }) copyId: string,
    @Args('correctorId', { type: () => ID }) correctorId: string,
  ): Promise<ExamCopy> {
    const id = requireId(copyId, 'Copie');
    await this.commands.execute(new ReassignCopyCommand(ctx.session!, id, requireId(correctorId, 'Correcteur')));
    return findExamCopy(this.runtime.pool, id);
  }

  @Roles('admin')
  @Mutation(() => Exam, { description: 'Publishes the results to students: every copy must be identified and finalised' })
  async publishResults(@Context() ctx: RequestContext, @Args('examId', { type: () => ID }) examId: string): Promise<Exam> {
    const id = requireId(examId, 'Examen');
    await this.commands.execute(new PublishResultsCommand(ctx.session!, id));
    return findExam(this.runtime.pool, id, ctx.session!);
  }

  @Roles('admin')
  @Mutation(() => Exam, { description: 'Withdraws published results; the reason is kept' })
  async withdrawResults(
    @Context() ctx: RequestContext,
    @Args('examId', { type: () => ID }) examId: string,
    @Args('reason') reason: string,
  ): Promise<Exam> {
    const trimmed = reason.trim();
    if (trimmed === '' || trimmed.length > REASON_MAX) throw badInput(`Indiquez un motif (${REASON_MAX} caractères au plus).`);
    const id = requireId(examId, 'Examen');
    await this.commands.execute(new WithdrawResultsCommand(ctx.session!, id, trimmed));
    return findExam(this.runtime.pool, id, ctx.session!);
  }
}
