import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { type CopyEvent, copyDecider, copyStreamId, examDecider, examStreamId, headerRegionOf, staleFirstPage } from '#domain';
import { RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { type Actor, loadStream } from '../../shared/execute-command.js';
import { ChangeCopyCommand } from '../change-copy/change-copy.command.js';
import { ClearIdentificationCommand } from '../identification/clear-identification.command.js';
import { examRoster } from '../../scans/pipeline/exam-roster.js';
import { RecutHeaders } from './recut-headers.js';

/** Why a split correction clears an identification (shown in the copy's audit timeline). */
export const FIRST_PAGE_CHANGED = 'La première page de la copie a changé : identification à refaire.';

/**
 * The step every split correction ends with, for the copies whose pages it changed: a copy whose
 * first page is not the one its identification was made on loses it (an identification read from
 * another sheet is never kept; clearing also frees the student for the copy that now holds that
 * sheet), and a copy whose header crop shows another sheet, or that has none yet while its first
 * page has an image (a copy just split off), gets its header cut from its first page, read and
 * ranked for the identification desk (recut-headers.ts: candidates only, never an identification).
 * It looks at the copies as their streams are, so running it again changes nothing. The OCR
 * worker starts only for a header to read, and is stopped before answering.
 */
@Injectable()
export class FirstPageSettler {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  /** Settles each copy in turn; discarded, unknown and empty copies are skipped. */
  async settle(copyIds: readonly string[], actor: Actor, reason: string): Promise<void> {
    const headers = new Map<string, Promise<RecutHeaders>>();
    try {
      for (const copyId of new Set(copyIds)) {
        const { state, events } = await loadStream(this.runtime.store, copyStreamId(copyId), copyDecider);
        const { examId } = state;
        const first = state.pages[0];
        if (state.copyId === null || examId === null || state.discarded || !first) continue;
        const stale = staleFirstPage(events.map((event) => ({ type: event.type, data: event.data }) as CopyEvent));
        if (stale.identification) await this.commands.execute(new ClearIdentificationCommand(actor, copyId, reason));
        if (!stale.header && (state.header !== null || !first.imageBlobKey)) continue;
        if (!headers.has(examId)) headers.set(examId, this.headersOf(examId));
        const reading = await (await headers.get(examId)!).readingOf(copyId, first);
        await this.commands.execute(new ChangeCopyCommand(copyId, actor, reading));
      }
    } finally {
      for (const pending of headers.values()) await (await pending.catch(() => null))?.close();
    }
  }

  private async headersOf(examId: string): Promise<RecutHeaders> {
    const { state: exam } = await loadStream(this.runtime.store, examStreamId(examId), examDecider);
    return new RecutHeaders(this.runtime, headerRegionOf(exam), await examRoster(this.runtime, examId));
  }
}
