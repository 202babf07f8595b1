import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CopyState, type RecutStep, copyDecider, copyStreamId } from '#domain';
import type { Position } from '#event-store';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { type Actor, executeCommand, loadStream } from '../../shared/execute-command.js';
import { COPY_READ_MODELS, readYourWrites } from '../../shared/command-context.js';
import { ChangeCopyCommand } from '../change-copy/change-copy.command.js';
import { releaseStudent } from '../identification/student-reservation.js';
import { PageTransfers, latest, metadataFor } from './page-transfers.js';
import { FirstPageSettler } from './first-page-settler.js';
import { type PreparedRecut, RecutPlanner, recutTransferId } from './recut-planner.js';
import { RecutScanCommand, type RecutSummary } from './split-correction.commands.js';

/**
 * Runs a re-cut (recut-planner.ts) as page transfers, one at a time, each the usual two idempotent
 * halves (PageTransfers) under a transfer id derived from the re-cut id and the source's transfers so
 * far, each caused by the re-cut id. Crash-safe by construction: a retry first lands any transfer
 * left detached, then plans again from where the pages are, which leaves only the transfers not yet
 * done; the settling that follows looks at the copies as they are, not at what this run moved.
 * Settling: the copies it cut, or that gave pages away under it, go through FirstPageSettler (an
 * identification made on another first page is cleared, the new header read for the desk);
 * `missing_pages` is set on a copy short of pages and lifted from a copy now complete.
 */
@CommandHandler(RecutScanCommand)
export class RecutScanHandler implements ICommandHandler<RecutScanCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(PageTransfers) private readonly transfers: PageTransfers,
    @Inject(RecutPlanner) private readonly planner: RecutPlanner,
    @Inject(FirstPageSettler) private readonly settler: FirstPageSettler,
  ) {}

  async execute({ actor, scanId, fromPage, pagesPerCopy }: RecutScanCommand): Promise<RecutSummary> {
    const recut = await this.planner.prepare(scanId, fromPage, pagesPerCopy, actor);
    let written: Position | null = null;
    for (const step of recut.plan.steps) written = latest(written, await this.run(recut, step, actor));
    // Settling's commands wait for their own read models: the transfers' are awaited here.
    await readYourWrites(this.runner, written, COPY_READ_MODELS);
    await this.settle(recut, actor);
    return recutSummary(recut);
  }

  /** Runs one step; answers where its last event landed (null when waited for already, or nothing written). */
  private async run(recut: PreparedRecut, step: RecutStep, actor: Actor): Promise<Position | null> {
    if (step.kind === 'reorder') {
      const change = { type: 'ReorderPages', data: { pageIds: step.pageIds } } as const;
      await this.commands.execute(new ChangeCopyCommand(step.copyId, actor, change));
      return null;
    }
    const source = await this.transfers.copy(step.fromCopyId);
    const transferId = recutTransferId(recut.recutId, step, source.transferIds.length);
    // Caused by the re-cut: a retry finds the copies it already emptied of pages (see settle).
    const by = { ...actor, correlationId: transferId, causationId: recut.recutId };
    const command =
      step.kind === 'merge'
        ? ({ type: 'MergeInto', data: { targetCopyId: step.toCopyId, transferId }, metadata: metadataFor(actor) } as const)
        : ({
            type: 'DetachPages',
            data: { pageIds: step.pageIds, toCopyId: step.toCopyId, transferId, position: step.position, newCopy: step.newCopy },
            metadata: metadataFor(actor),
          } as const);
    const detached = await executeCommand(this.runtime.store, copyStreamId(step.fromCopyId), copyDecider, command, by);
    for (const event of detached.events) {
      if (event.type === 'IdentificationCleared')
        await releaseStudent(this.runtime.store, source.examId, event.data.studentId, step.fromCopyId, by);
    }
    const transfer = this.transfers.transferIn(detached.events, source);
    const attached = transfer ? await this.transfers.complete(transfer, { ...actor, causationId: recut.recutId }) : null;
    return latest(detached.position, attached);
  }

  private async settle(recut: PreparedRecut, actor: Actor): Promise<void> {
    const selected: { copyId: string; state: CopyState }[] = [];
    for (const { copyId } of recut.plan.layout) {
      const { state, events } = await loadStream(this.runtime.store, copyStreamId(copyId), copyDecider);
      if (state.copyId === null || state.discarded || state.pages.length === 0) continue;
      // The copies cut from N on, and those before N that gave pages away under this re-cut (in this
      // run or in one a crash interrupted): the others are none of the re-cut's business.
      const cut = state.pages.some((page) => page.number >= recut.fromPage);
      if (cut || events.some((event) => event.metadata.causationId === recut.recutId)) selected.push({ copyId, state });
    }
    await this.settler.settle(
      selected.map(({ copyId }) => copyId),
      actor,
      'Recoupage : la première page de la copie a changé.',
    );
    for (const { copyId, state } of selected) await this.flag(copyId, state, recut.pagesPerCopy, actor);
  }

  private async flag(copyId: string, copy: CopyState, pagesPerCopy: number, actor: Actor): Promise<void> {
    const flagged = copy.flags.some((flag) => flag.reason === 'missing_pages');
    const short = copy.pages.length < pagesPerCopy;
    if (short === flagged) return;
    const change = short
      ? ({
          type: 'FlagCopy',
          data: { reason: 'missing_pages', note: `Recoupage : ${copy.pages.length} page(s) sur ${pagesPerCopy}.` },
        } as const)
      : ({ type: 'ClearFlag', data: { reason: 'missing_pages' } } as const);
    await this.commands.execute(new ChangeCopyCommand(copyId, actor, change));
  }
}

export const recutSummary = (recut: PreparedRecut): RecutSummary => ({
  scanId: recut.scanId,
  fromPage: recut.fromPage,
  pagesPerCopy: recut.pagesPerCopy,
  changedCopyIds: recut.plan.changed,
  created: recut.plan.created.length,
  discarded: recut.plan.discarded.length,
});
