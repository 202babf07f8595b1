import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Roles } from '../../auth/roles.decorator.js';
import type { RequestContext } from '../../auth/request-context.js';
import { actorOf, requireId } from '../../shared/command-context.js';
import { badInput } from '../../shared/errors.js';
import { ChangeCopyCommand } from '../change-copy/change-copy.command.js';
import { CopyReadModel } from '../copy-read-model.js';
import { AdminCopyModel, CopyFlagReason } from '../models/copy-admin.models.js';
import { RecutPlanner } from './recut-planner.js';
import { recutSummary } from './recut-scan.handler.js';
import { RecutSummaryModel } from './recut.models.js';
import {
  MergeCopiesCommand,
  MovePageCommand,
  RecutScanCommand,
  ReorderPagesCommand,
  SplitCopyCommand,
} from './split-correction.commands.js';

const MAX_PAGE_ID_LENGTH = 200;

const pageIdOf = (value: string): string => {
  if (value.trim() === '' || value.length > MAX_PAGE_ID_LENGTH) throw badInput('Identifiant de page invalide.');
  return value;
};

/**
 * Correcting how a scan was cut into copies (issue 4 part 7), before correction starts: move a page,
 * merge two copies, split one, put pages in order, lift a flag. Each answers the copies it changed,
 * from the read model.
 */
@Resolver()
export class SplitCorrectionResolver {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(CopyReadModel) private readonly reads: CopyReadModel,
    @Inject(RecutPlanner) private readonly recuts: RecutPlanner,
  ) {}

  @Roles('admin')
  @Mutation(() => [AdminCopyModel], {
    description: 'Moves a page to another copy of the exam at `position` in its reading order (default: the end); answers both copies',
  })
  async movePage(
    @Context() ctx: RequestContext,
    @Args('pageId', { type: () => ID }) pageId: string,
    @Args('toCopyId', { type: () => ID }) toCopyId: string,
    @Args('position', { type: () => Int, nullable: true }) position: number | null,
  ): Promise<AdminCopyModel[]> {
    const moved = await this.commands.execute(
      new MovePageCommand(actorOf(ctx.session!), pageIdOf(pageId), requireId(toCopyId, 'Copie'), position ?? null),
    );
    const ids = [...new Set([moved.fromCopyId, moved.toCopyId])];
    return Promise.all(ids.map((id) => this.reads.adminCopy(id)));
  }

  @Roles('admin')
  @Mutation(() => AdminCopyModel, {
    description: 'Appends the source copy’s pages to the target; the source is discarded and its student freed',
  })
  async mergeCopies(
    @Context() ctx: RequestContext,
    @Args('targetCopyId', { type: () => ID }) targetCopyId: string,
    @Args('sourceCopyId', { type: () => ID }) sourceCopyId: string,
  ): Promise<AdminCopyModel> {
    const target = requireId(targetCopyId, 'Copie');
    await this.commands.execute(new MergeCopiesCommand(actorOf(ctx.session!), target, requireId(sourceCopyId, 'Copie')));
    return this.reads.adminCopy(target);
  }

  @Roles('admin')
  @Mutation(() => [AdminCopyModel], {
    description: 'The pages from `atPageId` on become a new copy with its own anonymous code; answers the copy, then the new one',
  })
  async splitCopy(
    @Context() ctx: RequestContext,
    @Args('copyId', { type: () => ID }) copyId: string,
    @Args('atPageId', { type: () => ID }) atPageId: string,
  ): Promise<AdminCopyModel[]> {
    const id = requireId(copyId, 'Copie');
    const created = await this.commands.execute(new SplitCopyCommand(actorOf(ctx.session!), id, pageIdOf(atPageId)));
    return Promise.all([this.reads.adminCopy(id), this.reads.adminCopy(created)]);
  }

  @Roles('admin')
  @Mutation(() => AdminCopyModel, { description: 'Puts the copy’s pages in this reading order (each of its pages once)' })
  async reorderPages(
    @Context() ctx: RequestContext,
    @Args('copyId', { type: () => ID }) copyId: string,
    @Args('pageIds', { type: () => [ID] }) pageIds: string[],
  ): Promise<AdminCopyModel> {
    const id = requireId(copyId, 'Copie');
    await this.commands.execute(new ReorderPagesCommand(actorOf(ctx.session!), id, pageIds));
    return this.reads.adminCopy(id);
  }

  @Roles('admin')
  @Mutation(() => AdminCopyModel, { description: 'Lifts every flag of this reason from the copy (the problem was dealt with)' })
  async clearFlag(
    @Context() ctx: RequestContext,
    @Args('copyId', { type: () => ID }) copyId: string,
    @Args('reason', { type: () => CopyFlagReason }) reason: CopyFlagReason,
  ): Promise<AdminCopyModel> {
    const id = requireId(copyId, 'Copie');
    await this.commands.execute(new ChangeCopyCommand(id, actorOf(ctx.session!), { type: 'ClearFlag', data: { reason } }));
    return this.reads.adminCopy(id);
  }

  @Roles('admin')
  @Mutation(() => RecutSummaryModel, {
    description:
      'Cuts the class scan again from page `fromPage` into copies of `pagesPerCopy` pages (default: the scan’s), reusing its copies in scan order; the same request asked again completes an interrupted re-cut',
  })
  async recutScan(
    @Context() ctx: RequestContext,
    @Args('scanId', { type: () => ID }) scanId: string,
    @Args('fromPage', { type: () => Int }) fromPage: number,
    @Args('pagesPerCopy', { type: () => Int, nullable: true }) pagesPerCopy: number | null,
  ): Promise<RecutSummaryModel> {
    const summary = await this.commands.execute(
      new RecutScanCommand(actorOf(ctx.session!), requireId(scanId, 'Numérisation'), fromPage, pagesPerCopy ?? null),
    );
    return { ...summary, changedCopyIds: [...summary.changedCopyIds] };
  }

  @Roles('admin')
  @Query(() => RecutSummaryModel, { description: 'What `recutScan` with these arguments would change, without changing anything' })
  async recutPreview(
    @Args('scanId', { type: () => ID }) scanId: string,
    @Args('fromPage', { type: () => Int }) fromPage: number,
    @Args('pagesPerCopy', { type: () => Int, nullable: true }) pagesPerCopy: number | null,
  ): Promise<RecutSummaryModel> {
    const summary = recutSummary(await this.recuts.prepare(requireId(scanId, 'Numérisation'), fromPage, pagesPerCopy ?? null));
    return { ...summary, changedCopyIds: [...summary.changedCopyIds] };
  }
}
