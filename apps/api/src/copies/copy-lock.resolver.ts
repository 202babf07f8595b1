import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { GraphQLResolveInfo } from 'graphql';
import { Args, Context, Info, ID, Int, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import type { CopyLockNotice } from '#projections';
import { Roles } from '../auth/roles.decorator.js';
import type { RequestContext } from '../auth/request-context.js';
import { actorOf, requireId } from '../shared/command-context.js';
import { selectedFields } from '../shared/selection.js';
import { forbidden } from '../shared/errors.js';
import { ChangeCopyCommand, type CopyChange } from './change-copy/change-copy.command.js';
import { CopyLockFeed } from './copy-lock-feed.js';
import { CopyReadModel } from './copy-read-model.js';
import { LockBoardEntryModel } from './models/copy-admin.models.js';
import { CopyLockChangeModel } from './models/copy-lock-change.model.js';
import { CopyModel } from './models/copy.models.js';

const LEASE = { type: () => Int, nullable: true, description: 'Lease in minutes (1 to 120; 30 by default)' } as const;

/**
 * The copy lock (issue 3, workflow 7; DESIGN §10): a lease taken by the assigned corrector or an
 * admin, kept alive by a heartbeat, released by its holder, finalisation, expiry, or an admin's
 * force-release, which the holder hears at once through `copyLockChanged`.
 */
@Resolver()
export class CopyLockResolver {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(CopyReadModel) private readonly copies: CopyReadModel,
    @Inject(CopyLockFeed) private readonly feed: CopyLockFeed,
  ) {}

  @Roles('teacher', 'admin')
  @Mutation(() => CopyModel, { description: 'Takes the copy’s lock (or renews it when already held); CONFLICT when another holds it' })
  lockCopy(
    @Context() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Args('copyId', { type: () => ID }) copyId: string,
    @Args('leaseMinutes', LEASE) leaseMinutes: number | null,
  ): Promise<CopyModel> {
    return this.change(ctx, info, copyId, { type: 'LockCopy', data: leaseMinutes == null ? {} : { leaseMinutes } });
  }

  @Roles('teacher', 'admin')
  @Mutation(() => CopyModel, { description: 'The workspace’s heartbeat: extends the holder’s lease; CONFLICT when it was lost' })
  renewCopyLock(
    @Context() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Args('copyId', { type: () => ID }) copyId: string,
    @Args('leaseMinutes', LEASE) leaseMinutes: number | null,
  ): Promise<CopyModel> {
    return this.change(ctx, info, copyId, { type: 'RenewLock', data: leaseMinutes == null ? {} : { leaseMinutes } });
  }

  @Roles('teacher', 'admin')
  @Mutation(() => CopyModel, { description: 'The holder releases the lock' })
  unlockCopy(
    @Context() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Args('copyId', { type: () => ID }) copyId: string,
  ): Promise<CopyModel> {
    return this.change(ctx, info, copyId, { type: 'UnlockCopy', data: {} });
  }

  @Roles('admin')
  @Mutation(() => CopyModel, { description: 'An admin takes the lock away from its holder, with a reason the holder is shown' })
  forceReleaseCopyLock(
    @Context() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Args('copyId', { type: () => ID }) copyId: string,
    @Args('reason') reason: string,
  ): Promise<CopyModel> {
    return this.change(ctx, info, copyId, { type: 'ForceReleaseLock', data: { reason } });
  }

  @Roles('admin')
  @Query(() => [LockBoardEntryModel], { description: 'Live locks: who holds which copy, since when, and the lease left' })
  lockBoard(@Args('examId', { type: () => ID, nullable: true }) examId: string | null): Promise<LockBoardEntryModel[]> {
    return this.copies.lockBoard(examId == null ? null : requireId(examId, 'Examen'));
  }

  @Roles('teacher', 'admin')
  @Subscription(() => CopyLockChangeModel, {
    description: 'Lock changes of an exam’s copies as they happen (a teacher: the copies of their lot in an exam they correct)',
    resolve: (notice: CopyLockChangeModel) => notice,
  })
  async copyLockChanged(@Context() ctx: RequestContext, @Args('examId', { type: () => ID }) examId: string) {
    const id = requireId(examId, 'Examen');
    const session = ctx.session!;
    if (session.role === 'admin') return this.feed.changes((notice) => notice.examId === id);
    if (!(await this.copies.correctsExam(session.userId, id))) throw forbidden('Vous ne corrigez pas cet examen.');
    // A corrector hears of the copies of their lot and of the locks they held, not of colleagues' work.
    const mine = (notice: CopyLockNotice): boolean => notice.correctorId === session.userId || notice.holderId === session.userId;
    return this.feed.changes((notice) => notice.examId === id && mine(notice));
  }

  private async change(ctx: RequestContext, info: GraphQLResolveInfo, copyId: string, change: CopyChange): Promise<CopyModel> {
    const id = requireId(copyId, 'Copie');
    await this.commands.execute(new ChangeCopyCommand(id, actorOf(ctx.session!), change));
    return this.copies.copyFor(ctx.session!, id, selectedFields(info));
  }
}
