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
import { releaseStudent } from '../identification/student-reservation.js';
import { FirstPageSettler, FIRST_PAGE_CHANGED } from './first-page-settler.js';
import { PageTransfers, latest, metadataFor } from './page-transfers.js';
import { MergeCopiesCommand } from './split-correction.commands.js';

/**
 * Two copies that are one (a copy cut in the middle): the source's pages go to the end of the
 * target and the source is discarded. The source's append clears its identification, detaches its
 * pages and discards it at once; then its student is released (a release lost in a crash is taken
 * over by the next reservation, see student-reservation.ts) and the target receives the pages.
 */
@CommandHandler(MergeCopiesCommand)
export class MergeCopiesHandler implements ICommandHandler<MergeCopiesCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(PageTransfers) private readonly transfers: PageTransfers,
    @Inject(FirstPageSettler) private readonly settler: FirstPageSettler,
  ) {}

  async execute({ actor, targetCopyId, sourceCopyId }: MergeCopiesCommand): Promise<void> {
    if (targetCopyId === sourceCopyId) throw badInput('Une copie se fusionne avec une autre copie.');
    const source = await this.transfers.copy(sourceCopyId);
    await this.transfers.checkTarget(source, targetCopyId);
    const transferId = randomUUID();
    const by = { ...actor, correlationId: transferId };
    const command = { type: 'MergeInto', data: { targetCopyId, transferId }, metadata: metadataFor(actor) } as const;
    const merged = await executeCommand(this.runtime.store, copyStreamId(sourceCopyId), copyDecider, command, by);
    for (const event of merged.events) {
      if (event.type === 'IdentificationCleared')
        await releaseStudent(this.runtime.store, source.examId, event.data.studentId, sourceCopyId, by);
    }
    const transfer = this.transfers.transferIn(merged.events, source);
    const attached = transfer ? await this.transfers.complete(transfer, actor) : null;
    await readYourWrites(this.runner, latest(merged.position, attached), COPY_READ_MODELS);
    // The pages go to the end, so the target's first page stays; settling it costs a stream read.
    await this.settler.settle([targetCopyId], actor, FIRST_PAGE_CHANGED);
  }
}
