import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { copyDecider, copyStreamId } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { executeCommand } from '../../shared/execute-command.js';
import { COPY_READ_MODELS, readYourWrites } from '../../shared/command-context.js';
import { badInput, notFound } from '../../shared/errors.js';
import { FirstPageSettler, FIRST_PAGE_CHANGED } from './first-page-settler.js';
import { PageTransfers, latest, metadataFor } from './page-transfers.js';
import { MovePageCommand, ReorderPagesCommand } from './split-correction.commands.js';

/**
 * Moves one page to another copy of the same exam (see PageTransfers for the two appends), then
 * settles both copies' first pages (FirstPageSettler). Moving a page within its own copy is a reorder.
 */
@CommandHandler(MovePageCommand)
export class MovePageHandler implements ICommandHandler<MovePageCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(PageTransfers) private readonly transfers: PageTransfers,
    @Inject(FirstPageSettler) private readonly settler: FirstPageSettler,
  ) {}

  async execute({ actor, pageId, toCopyId, position }: MovePageCommand): Promise<{ fromCopyId: string; toCopyId: string }> {
    const fromCopyId = await this.copyOfPage(pageId);
    const source = await this.transfers.copy(fromCopyId);
    if (fromCopyId === toCopyId) {
      const others = source.pages.map((page) => page.pageId).filter((id) => id !== pageId);
      const at = Math.min(position ?? others.length, others.length);
      await this.commands.execute(new ReorderPagesCommand(actor, fromCopyId, [...others.slice(0, at), pageId, ...others.slice(at)]));
      return { fromCopyId, toCopyId };
    }
    await this.transfers.checkTarget(source, toCopyId);
    const transferId = randomUUID();
    const command = {
      type: 'DetachPages',
      data: { pageIds: [pageId], toCopyId, transferId, position },
      metadata: metadataFor(actor),
    } as const;
    const detached = await executeCommand(this.runtime.store, copyStreamId(fromCopyId), copyDecider, command, {
      ...actor,
      correlationId: transferId,
    });
    const transfer = this.transfers.transferIn(detached.events, source);
    const attached = transfer ? await this.transfers.complete(transfer, actor) : null;
    await readYourWrites(this.runner, latest(detached.position, attached), COPY_READ_MODELS);
    await this.settler.settle([fromCopyId, toCopyId], actor, FIRST_PAGE_CHANGED);
    return { fromCopyId, toCopyId };
  }

  private async copyOfPage(pageId: string): Promise<string> {
    const { rows } = await this.runtime.pool.query<{ copy_id: string }>(`SELECT copy_id FROM copy_pages WHERE page_id = $1`, [pageId]);
    if (rows.length === 0) throw notFound('Page introuvable.');
    if (rows.length > 1) throw badInput('Cette page figure dans plusieurs copies : corrigez-les une par une.');
    return rows[0]!.copy_id;
  }
}
