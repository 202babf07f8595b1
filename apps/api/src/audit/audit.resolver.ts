import { Inject } from '@nestjs/common';
import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { Roles } from '../auth/roles.decorator.js';
import { requireId } from '../shared/command-context.js';
import { CopyHistoryEntryModel, CopySnapshotModel } from './audit.models.js';
import { CopyAudit } from './copy-audit.js';
import { FileActivity } from './file-activity.js';
import { FileActivityKind, FileActivityPageModel } from './file-activity.models.js';

/** Replaying a copy's history for the exam office (DESIGN §1, §8 audit timeline). */
@Resolver()
export class AuditResolver {
  constructor(
    @Inject(CopyAudit) private readonly audit: CopyAudit,
    @Inject(FileActivity) private readonly files: FileActivity,
  ) {}

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

  @Roles('admin')
  @Query(() => FileActivityPageModel, {
    description: 'The files that left Korrigo for an exam (grade exports, corrected copies, class ZIPs), newest first',
  })
  examFileActivity(
    @Args('examId', { type: () => ID }) examId: string,
    @Args('kinds', { type: () => [FileActivityKind], nullable: true, description: 'Only these kinds (all when absent or empty)' })
    kinds: FileActivityKind[] | null,
    @Args('first', { type: () => Int, defaultValue: 100 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<FileActivityPageModel> {
    return this.files.journal(requireId(examId, 'Examen'), kinds ?? null, first, after ?? null);
  }
}
