import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  type CopyState,
  DomainError,
  MAX_PAGES_PER_COPY,
  type RecutPlan,
  type RecutStep,
  assertPagesEditable,
  planRecut,
  scanDecider,
  scanStreamId,
} from '#domain';
import { RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { type Actor, loadStream } from '../../shared/execute-command.js';
import { ApiError, badInput, notFound } from '../../shared/errors.js';
import { PageTransfers } from './page-transfers.js';
import { landDetachedTransfers, liveCopiesOf, loadScanCopies } from './scan-copy-streams.js';

/** A re-cut as planned now from the scan's copies, checked and ready to run (or to preview). */
export interface PreparedRecut {
  readonly recutId: string;
  readonly scanId: string;
  readonly examId: string;
  readonly fromPage: number;
  readonly pagesPerCopy: number;
  readonly plan: RecutPlan;
}

/** A v4-shaped uuid from a seed (ids name streams), like the scan's own copy ids (scan-ids.ts). */
export const recutUuid = (seed: string): string => {
  const bytes = createHash('sha256').update(`korrigo:recut:${seed}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/**
 * A re-cut step's transfer id: the re-cut's, the step's pages and copies, and how many transfers the
 * source has seen (so the same move asked again later, after other corrections, is a new transfer).
 */
export const recutTransferId = (recutId: string, step: Exclude<RecutStep, { kind: 'reorder' }>, sourceTransfers: number): string =>
  recutUuid(
    `${recutId}:${step.kind === 'merge' ? 'merge' : `move:${step.pageIds.join(',')}`}:${step.fromCopyId}:${step.toCopyId}:${sourceTransfers}`,
  );

/**
 * Plans "re-cut from page N" for a class scan (copy-recut.ts), with the API's refusals in French:
 * an unknown or single-copy scan, an import still running, an exam already dispatched, a page or a
 * size out of range, a copy whose correction has begun. The re-cut id is derived from the scan and
 * the arguments, so the same request asked again names the same new copies and transfers.
 */
@Injectable()
export class RecutPlanner {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PageTransfers) private readonly transfers: PageTransfers,
  ) {}

  /** `landAs`: first land, as this actor, the transfers a crash left detached (the re-cut itself; a preview lands nothing). */
  async prepare(scanId: string, fromPage: number, pagesPerCopy: number | null, landAs: Actor | null = null): Promise<PreparedRecut> {
    const { state: scan } = await loadStream(this.runtime.store, scanStreamId(scanId), scanDecider);
    if (scan.scanId === null || scan.rejected || scan.examId === null) throw notFound('Numérisation introuvable.');
    if (scan.mode !== 'class') {
      throw badInput('Seule une numérisation de classe (un PDF découpé en copies) peut être recoupée.');
    }
    if (scan.copies === null || (!scan.completed && !scan.failure)) {
      throw new ApiError('CONFLICT', 'L’import de cette numérisation n’est pas terminé : recoupez-la une fois les copies découpées.');
    }
    await this.transfers.beforeCorrection(scan.examId);
    const perCopy = pagesPerCopy ?? scan.pagesPerCopy;
    if (!Number.isInteger(perCopy) || perCopy < 1 || perCopy > MAX_PAGES_PER_COPY) {
      throw badInput(`Une copie compte de 1 à ${MAX_PAGES_PER_COPY} pages.`);
    }
    let loaded = await loadScanCopies(this.runtime, scan);
    if (landAs && (await landDetachedTransfers(loaded, this.transfers, landAs)) > 0) loaded = await loadScanCopies(this.runtime, scan);
    const copies = liveCopiesOf(loaded, scanId);
    const numbers = copies.flatMap((copy) => copy.state.pages.map((page) => page.number));
    if (!Number.isInteger(fromPage) || !numbers.includes(fromPage)) {
      const range = numbers.length > 0 ? ` (pages ${Math.min(...numbers)} à ${Math.max(...numbers)})` : '';
      throw badInput(`La page ${fromPage} n’est dans aucune copie de cette numérisation${range}.`);
    }
    const recutId = recutUuid(`${scanId}:${fromPage}:${perCopy}`);
    let plan: RecutPlan;
    try {
      plan = planRecut(
        copies.map((copy) => ({ copyId: copy.copyId, pages: copy.state.pages })),
        fromPage,
        perCopy,
        (chunk) => recutUuid(`${recutId}:copy:${chunk}`),
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      throw new ApiError(
        'CONFLICT',
        error.code === 'ILLEGAL_STATE' && 'number' in error.details
          ? `Deux pages de ces copies portent le numéro ${String(error.details.number)} : corrigez-les à la main.`
          : 'Ces copies ne peuvent pas être recoupées automatiquement : corrigez-les à la main.',
      );
    }
    const byId = new Map(copies.map((copy) => [copy.copyId, copy.state]));
    for (const copyId of [...plan.changed, ...plan.discarded]) {
      const copy = byId.get(copyId);
      if (copy) this.assertEditable(copy);
    }
    return { recutId, scanId, examId: scan.examId, fromPage, pagesPerCopy: perCopy, plan };
  }

  private assertEditable(copy: CopyState): void {
    try {
      assertPagesEditable(copy);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      throw new ApiError(
        'CONFLICT',
        `La correction a commencé sur la copie ${copy.anonymousCode ?? ''} : ses pages ne peuvent plus changer, le recoupage est refusé.`,
        { copyId: copy.copyId },
      );
    }
  }
}
