import { Command } from '@nestjs/cqrs';
import type { CopyPage } from '#domain';
import type { Actor } from '../../shared/execute-command.js';

export interface CopyToImport {
  /** Made by the caller (the scan pipeline) so a retried import writes nothing twice; else by the server. */
  readonly copyId?: string | null;
  readonly pages: readonly CopyPage[];
}

/** Copies cut from one scan of an exam; answers the copy ids in input order. */
export class ImportCopiesCommand extends Command<string[]> {
  constructor(
    readonly actor: Actor,
    readonly examId: string,
    readonly scanId: string,
    readonly copies: readonly CopyToImport[],
  ) {
    super();
  }
}
