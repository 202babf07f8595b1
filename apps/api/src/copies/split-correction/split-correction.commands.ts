import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../shared/execute-command.js';

/** A page goes to another copy of the exam, at `position` in its reading order (null: at the end). */
export class MovePageCommand extends Command<{ fromCopyId: string; toCopyId: string }> {
  constructor(
    readonly actor: Actor,
    readonly pageId: string,
    readonly toCopyId: string,
    readonly position: number | null,
  ) {
    super();
  }
}

/** The source's pages are appended to the target; the source is discarded. */
export class MergeCopiesCommand extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly targetCopyId: string,
    readonly sourceCopyId: string,
  ) {
    super();
  }
}

/** The pages from `atPageId` on become a new copy; answers its id. */
export class SplitCopyCommand extends Command<string> {
  constructor(
    readonly actor: Actor,
    readonly copyId: string,
    readonly atPageId: string,
  ) {
    super();
  }
}

export class ReorderPagesCommand extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly copyId: string,
    readonly pageIds: readonly string[],
  ) {
    super();
  }
}

/** What a re-cut changed (or, previewed, would change). */
export interface RecutSummary {
  readonly scanId: string;
  readonly fromPage: number;
  readonly pagesPerCopy: number;
  /** Copies whose pages change, created ones included, in scan order. */
  readonly changedCopyIds: readonly string[];
  readonly created: number;
  readonly discarded: number;
}

/** The pages from `fromPage` on are cut again into copies of `pagesPerCopy` (null: the scan's). */
export class RecutScanCommand extends Command<RecutSummary> {
  constructor(
    readonly actor: Actor,
    readonly scanId: string,
    readonly fromPage: number,
    readonly pagesPerCopy: number | null,
  ) {
    super();
  }
}
