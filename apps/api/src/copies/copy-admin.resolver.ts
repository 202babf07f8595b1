import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Roles } from '../auth/roles.decorator.js';
import type { RequestContext } from '../auth/request-context.js';
import { actorOf, requireId } from '../shared/command-context.js';
import { ChangeCopyCommand } from './change-copy/change-copy.command.js';
import { CopyReadModel } from './copy-read-model.js';
import { ClearIdentificationCommand } from './identification/clear-identification.command.js';
import { IdentifyCopyCommand } from './identification/identify-copy.command.js';
import { ImportCopiesCommand } from './import-copies/import-copies.command.js';
import { AdminCopyModel, AdminCopySummaryModel, CopyFlagReason } from './models/copy-admin.models.js';
import { ImportCopyInput } from './models/copy.inputs.js';
import { CopyStatus } from './models/copy.models.js';

/**
 * The exam office's side of copies (issue 3, workflow 4 and the admin parts of 6): import,
 * identification, flags, reopening, and the lists with students' names.
 */
@Resolver(() => AdminCopyModel)
export class CopyAdminResolver {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(CopyReadModel) private readonly reads: CopyReadModel,
  ) {}

  @Roles('admin')
  @Query(() => [AdminCopySummaryModel], { description: 'The copies of an exam by anonymous code, with their students' })
  copies(
    @Args('examId', { type: () => ID }) examId: string,
    @Args('status', { type: () => CopyStatus, nullable: true }) status: CopyStatus | null,
  ): Promise<AdminCopySummaryModel[]> {
    return this.reads.adminSummaries(requireId(examId, 'Examen'), status ?? null);
  }

  @Roles('admin')
  @Query(() => AdminCopyModel, { description: 'A whole copy with its student' })
  adminCopy(@Args('copyId', { type: () => ID }) copyId: string): Promise<AdminCopyModel> {
    return this.reads.adminCopy(requireId(copyId, 'Copie'));
  }

  @Roles('admin')
  @Mutation(() => [AdminCopySummaryModel], {
    description: 'Imports copies cut from a scan, each with a new anonymous code unique in the exam',
  })
  async importCopies(
    @Context() ctx: RequestContext,
    @Args('examId', { type: () => ID }) examId: string,
    @Args('scanId', { type: () => ID }) scanId: string,
    @Args('copies', { type: () => [ImportCopyInput] }) copies: ImportCopyInput[],
  ): Promise<AdminCopySummaryModel[]> {
    const exam = requireId(examId, 'Examen');
    const pages = copies.map((copy) => ({
      copyId: copy.copyId,
      pages: copy.pages.map(({ pageId, number, imageBlobKey, maskedImageBlobKey }) => ({
        pageId,
        number,
        ...(imageBlobKey ? { imageBlobKey } : {}),
        ...(maskedImageBlobKey ? { maskedImageBlobKey } : {}),
      })),
    }));
    const ids = await this.commands.execute(new ImportCopiesCommand(actorOf(ctx.session!), exam, requireId(scanId, 'Scan'), pages));
    const imported = new Map((await this.reads.adminSummaries(exam, null, ids)).map((copy) => [copy.copyId, copy]));
    return ids.flatMap((id) => imported.get(id) ?? []);
  }

  @Roles('admin')
  @Mutation(() => AdminCopyModel, { description: 'Names the copy’s student; CONFLICT when the student already has a copy of this exam' })
  async identifyCopy(
    @Context() ctx: RequestContext,
    @Args('copyId', { type: () => ID }) copyId: string,
    @Args('studentId', { type: () => ID }) studentId: string,
  ): Promise<AdminCopyModel> {
    const id = requireId(copyId, 'Copie');
    await this.commands.execute(new IdentifyCopyCommand(actorOf(ctx.session!), id, requireId(studentId, 'Élève')));
    return this.reads.adminCopy(id);
  }

  @Roles('admin')
  @Mutation(() => AdminCopyModel, { description: 'Undoes an identification; the student is free for another copy' })
  async clearIdentification(
    @Context() ctx: RequestContext,
    @Args('copyId', { type: () => ID }) copyId: string,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
  ): Promise<AdminCopyModel> {
    const id = requireId(copyId, 'Copie');
    await this.commands.execute(new ClearIdentificationCommand(actorOf(ctx.session!), id, reason ?? null));
    return this.reads.adminCopy(id);
  }

  @Roles('admin')
  @Mutation(() => AdminCopyModel, { description: 'Flags a problem with the copy (missing, blank or duplicate pages, no header…)' })
  async flagCopy(
    @Context() ctx: RequestContext,
    @Args('copyId', { type: () => ID }) copyId: string,
    @Args('reason', { type: () => CopyFlagReason }) reason: CopyFlagReason,
    @Args('note', { type: () => String, nullable: true }) note: string | null,
  ): Promise<AdminCopyModel> {
    const id = requireId(copyId, 'Copie');
    await this.commands.execute(
      new ChangeCopyCommand(id, actorOf(ctx.session!), { type: 'FlagCopy', data: note ? { reason, note } : { reason } }),
    );
    return this.reads.adminCopy(id);
  }

  @Roles('admin')
  @Mutation(() => AdminCopyModel, { description: 'Sends a finalised copy back to correction, with a reason; its corrector locks it again' })
  async reopenCopy(
    @Context() ctx: RequestContext,
    @Args('copyId', { type: () => ID }) copyId: string,
    @Args('reason') reason: string,
  ): Promise<AdminCopyModel> {
    const id = requireId(copyId, 'Copie');
    await this.commands.execute(new ChangeCopyCommand(id, actorOf(ctx.session!), { type: 'ReopenCopy', data: { reason } }));
    return this.reads.adminCopy(id);
  }
}
