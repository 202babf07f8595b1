import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  type CopyEvent,
  type CopyPage,
  type CopyState,
  assertPagesEditable,
  copyDecider,
  copyStreamId,
  examDecider,
  examStreamId,
} from '#domain';
import { type Position, comparePositions } from '#event-store';
import { RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { type Actor, executeCommand, loadStream } from '../../shared/execute-command.js';
import { ApiError, badInput, notFound } from '../../shared/errors.js';
import { ImportCopiesCommand } from '../import-copies/import-copies.command.js';

/** What a PagesDetached asks of its target, with the exam and scan a split-off copy is imported into. */
export interface PendingTransfer {
  readonly transferId: string;
  readonly examId: string;
  readonly scanId: string;
  readonly fromCopyId: string;
  readonly toCopyId: string;
  readonly pages: readonly CopyPage[];
  readonly position: number | null;
  readonly newCopy: boolean;
}

/** A copy command's metadata for the actor, now. */
export const metadataFor = (actor: Actor) => ({ actorId: actor.actorId, actorRole: actor.actorRole, now: new Date().toISOString() });

/** The latest of the positions written, for read-your-writes. */
export const latest = (...positions: (Position | null)[]): Position | null =>
  positions.reduce<Position | null>((max, p) => (p && (!max || comparePositions(p, max) > 0) ? p : max), null);

/** A merge chain longer than this is a loop in the data, not a school's afternoon of corrections. */
const MAX_MERGE_HOPS = 20;

/**
 * Pages moving between copies (split correction). A move spans two streams, so it is two appends:
 * PagesDetached on the source first (carrying the pages and the target), then the target's half —
 * PagesAttached, or the new copy's import for a split — under the same transferId (also the events'
 * correlation id). Each half is idempotent by transferId (the copy remembers the transfers it saw;
 * an import is idempotent by copy id), so the second half can be retried at any time: the handler
 * does it at once, and TransferCompletionProcessor completes any transfer a crash left detached.
 * Retrying the source half first would not do: once detached, the pages are in no copy the
 * admin could name again, so the source's event is the one that must carry everything.
 */
@Injectable()
export class PageTransfers {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  async copy(copyId: string, what = 'Copie introuvable.'): Promise<CopyState & { copyId: string; examId: string; scanId: string }> {
    const { state } = await loadStream(this.runtime.store, copyStreamId(copyId), copyDecider);
    if (state.copyId === null || state.examId === null || state.scanId === null || state.discarded) throw notFound(what);
    return state as CopyState & { copyId: string; examId: string; scanId: string };
  }

  /** Split correction happens before correction: once the exam's copies are dispatched, the cut is final. */
  async beforeCorrection(examId: string): Promise<void> {
    const { state: exam } = await loadStream(this.runtime.store, examStreamId(examId), examDecider);
    if (!exam.created) throw notFound('Examen introuvable.');
    if (exam.archived) throw new ApiError('CONFLICT', 'Cet examen est archivé.');
    if (exam.dispatchRuns.length > 0) {
      throw new ApiError(
        'CONFLICT',
        'Les copies de cet examen sont déjà réparties entre les correcteurs : leurs pages ne peuvent plus changer.',
      );
    }
  }

  /**
   * Checks the copy that pages are moved or merged into: another live copy of the source's exam, before
   * correction, whose pages may still change.
   */
  async checkTarget(source: { examId: string }, copyId: string): Promise<void> {
    const target = await this.copy(copyId, 'Copie de destination introuvable.');
    if (target.examId !== source.examId) throw badInput('Les deux copies doivent appartenir au même examen.');
    await this.beforeCorrection(source.examId);
    assertPagesEditable(target);
  }

  /** The transfer a source append recorded, if any. */
  transferIn(events: readonly CopyEvent[], source: { examId: string; scanId: string }): PendingTransfer | null {
    const detached = events.find((event) => event.type === 'PagesDetached');
    if (detached?.type !== 'PagesDetached') return null;
    const { transferId, copyId, toCopyId, pages, position, newCopy } = detached.data;
    return { transferId, examId: source.examId, scanId: source.scanId, fromCopyId: copyId, toCopyId, pages, position, newCopy };
  }

  /**
   * The target's half, safe to repeat. A target merged away meanwhile passes the pages on to the
   * copy it was merged into. Answers where the attach landed (null when there was nothing to write,
   * or for an import, which waits for its own read models).
   */
  async complete(transfer: PendingTransfer, actor: Actor): Promise<Position | null> {
    const by = { ...actor, correlationId: transfer.transferId };
    if (transfer.newCopy) {
      await this.commands.execute(
        new ImportCopiesCommand(by, transfer.examId, transfer.scanId, [{ copyId: transfer.toCopyId, pages: transfer.pages }]),
      );
      return null;
    }
    let target = transfer.toCopyId;
    for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
      const { state } = await loadStream(this.runtime.store, copyStreamId(target), copyDecider);
      if (state.discarded) {
        target = state.discarded.intoCopyId;
        continue;
      }
      const { transferId, fromCopyId, pages, position } = transfer;
      const command = {
        type: 'AttachPages',
        data: { transferId, fromCopyId, pages, position },
        metadata: metadataFor(actor),
      } as const;
      return (await executeCommand(this.runtime.store, copyStreamId(target), copyDecider, command, by)).position;
    }
    throw new ApiError('CONFLICT', 'Ces copies ont été fusionnées en boucle : transfert de pages impossible.', {
      transferId: transfer.transferId,
    });
  }
}
