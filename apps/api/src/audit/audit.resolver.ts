import { Inject } from '@nestjs/common';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { Roles } from '../auth/roles.decorator.js';
import { requireId } from '../shared/command-context.js';
import { CopyHistoryEntryModel, CopySnapshotModel } from './audit.models.js';
import { CopyAudit } from './copy-audit.js';

/** Replaying a copy's history for the exam office (DESIGN §1, §8 audit timeline). */
@Resolver()
export class AuditResolver {
  constructor(@Inject(CopyAudit) private readonly audit: CopyAudit) {}

  @Roles('admin')
  @Query(() => [CopyHistoryEntryModel], { description: 'Every event of a copy: who, in which role, when, and what, in words' })
  copyHistory(@Args('copyId', { type: () => ID }) copyId: string): Promise<CopyHistoryEntryModel[]> {
    return this.audit.history(requireId(copyId, 'Copie'));
  }

  @Roles('admin')
  @Query(() => CopySnapshotModel, { description: 'The copy as it stood just after the given revision of its stream' })
  copyAt(
    @Args('copyId', { type: () => ID }) copyId: string,
    @Args('revision', { type: () => BigInt }) revision: bigint,
  ): Promise<CopySnapshotModel> {
    return this.audit.at(requireId(copyId, 'Copie'), revision);
  }
}
