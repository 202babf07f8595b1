import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { copyDecider, copyStreamId } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { executeCommand } from '../../shared/execute-command.js';
import { COPY_READ_MODELS, readYourWrites } from '../../shared/command-context.js';
import { badInput } from '../../shared/errors.js';
import { FirstPageSettler, FIRST_PAGE_CHANGED } from './first-page-settler.js';
import { PageTransfers, metadataFor } from './page-transfers.js';
import { SplitCopyCommand } from './split-correction.commands.js';

/**
 * Two copies taken for one: the pages from `atPageId` on leave for a new copy, imported through the
 * import path (it gets its own anonymous code) with the source's scan. The new copy's id is drawn
 * here and carried by PagesDetached, so a crash before its import is completed with the same id.
 */
@CommandHandler(SplitCopyCommand)
export class SplitCopyHandler implements ICommandHandler<SplitCopyCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(PageTransfers) private readonly transfers: PageTransfers,
    @Inject(FirstPageSettler) private readonly settler: FirstPageSettler,
  ) {}

  async execute({ actor, copyId, atPageId }: SplitCopyCommand): Promise<string> {
    const source = await this.transfers.copy(copyId);
    const at = source.pages.findIndex((page) => page.pageId === atPageId);
    if (at < 0) throw badInput('Cette page n’est pas dans la copie.');
    if (at === 0) throw badInput('Couper avant la première page ne change rien : choisissez une page suivante.');
    await this.transfers.beforeCorrection(source.examId);
    const newCopyId = randomUUID();
    const transferId = randomUUID();
    const pageIds = source.pages.slice(at).map((page) => page.pageId);
    const command = {
      type: 'DetachPages',
      data: { pageIds, toCopyId: newCopyId, transferId, newCopy: true },
      metadata: metadataFor(actor),
    } as const;
    const detached = await executeCommand(this.runtime.store, copyStreamId(copyId), copyDecider, command, {
      ...actor,
      correlationId: transferId,
    });
    const transfer = this.transfers.transferIn(detached.events, source);
    if (transfer) await this.transfers.complete(transfer, actor);
    await readYourWrites(this.runner, detached.position, COPY_READ_MODELS);
    // The new copy has no header yet: its first page's is read for the identification desk.
    await this.settler.settle([copyId, transfer?.toCopyId ?? newCopyId], actor, FIRST_PAGE_CHANGED);
    return transfer?.toCopyId ?? newCopyId;
  }
}
