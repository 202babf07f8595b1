import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, ID, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { Roles } from '../auth/roles.decorator.js';
import type { RequestContext } from '../auth/request-context.js';
import { actorOf, requireId } from '../shared/command-context.js';
import { notFound } from '../shared/errors.js';
import { pollChanges } from '../shared/poll-changes.js';
import { RetryScanCommand } from './retry-scan/retry-scan.command.js';
import { ScanModel } from './scan.models.js';
import { examScans, scanExamId } from './scans.queries.js';

/** The exam office follows its imports: the list, a live feed of their progress, and a retry for a failed one. */
@Resolver(() => ScanModel)
export class ScansResolver {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  @Roles('admin')
  @Query(() => [ScanModel], { description: 'The PDFs uploaded for an exam (refused ones included), with where each import stands' })
  scans(@Args('examId', { type: () => ID }) examId: string): Promise<ScanModel[]> {
    return examScans(this.runtime.pool, requireId(examId, 'Examen'));
  }

  @Roles('admin')
  @Subscription(() => [ScanModel], {
    description: 'The scans of an exam, sent at once and whenever one moves on (stage, done/total)',
    resolve: (scans: ScanModel[]) => scans,
  })
  scanProgress(@Args('examId', { type: () => ID }) examId: string): AsyncIterableIterator<ScanModel[]> {
    const id = requireId(examId, 'Examen');
    return pollChanges(() => examScans(this.runtime.pool, id), 500);
  }

  @Roles('admin')
  @Mutation(() => ScanModel, { description: 'Sends a failed import back to the pipeline, from the step where it stopped' })
  async retryScan(@Context() ctx: RequestContext, @Args('scanId', { type: () => ID }) scanId: string): Promise<ScanModel> {
    const id = requireId(scanId, 'Import');
    await this.commands.execute(new RetryScanCommand(actorOf(ctx.session!), id));
    const examId = await scanExamId(this.runtime.pool, id);
    const [scan] = examId ? await examScans(this.runtime.pool, examId, id) : [];
    if (!scan) throw notFound('Import introuvable.');
    return scan;
  }
}
