import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ChangeCopyCommand } from '../change-copy/change-copy.command.js';
import { FirstPageSettler, FIRST_PAGE_CHANGED } from './first-page-settler.js';
import { PageTransfers } from './page-transfers.js';
import { ReorderPagesCommand } from './split-correction.commands.js';

/**
 * Puts a copy's pages in reading order, before the exam's copies are dispatched; another page put
 * first settles the copy's identification and header (FirstPageSettler).
 */
@CommandHandler(ReorderPagesCommand)
export class ReorderPagesHandler implements ICommandHandler<ReorderPagesCommand> {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(PageTransfers) private readonly transfers: PageTransfers,
    @Inject(FirstPageSettler) private readonly settler: FirstPageSettler,
  ) {}

  async execute({ actor, copyId, pageIds }: ReorderPagesCommand): Promise<void> {
    const copy = await this.transfers.copy(copyId);
    await this.transfers.beforeCorrection(copy.examId);
    await this.commands.execute(new ChangeCopyCommand(copyId, actor, { type: 'ReorderPages', data: { pageIds } }));
    await this.settler.settle([copyId], actor, FIRST_PAGE_CHANGED);
  }
}
