import { Command } from '@nestjs/cqrs';
import type { AwardScore, ClearIdentification, CopyCommand, FinalizeCopy, IdentifyStudent, ImportCopy, WriteRemark } from '#domain';
import type { Actor } from '../../shared/execute-command.js';

type WithoutMetadata<C> = C extends CopyCommand ? Omit<C, 'metadata'> : never;

/** What only needs the copy's own stream: locks, annotations, appreciation, flags, reopening, expiry. */
export type CopyChange = WithoutMetadata<
  Exclude<CopyCommand, ImportCopy | IdentifyStudent | ClearIdentification | AwardScore | WriteRemark | FinalizeCopy>
>;

/**
 * One copy command on `copy-<copyId>`, decided by the copy decider. `now` is the decision time (the
 * lock-expiry processor passes the time it swept at); `awaitReadModel` is false for processors, which
 * answer nobody.
 */
export class ChangeCopyCommand extends Command<{ changed: boolean }> {
  constructor(
    readonly copyId: string,
    readonly actor: Actor,
    readonly change: CopyChange,
    readonly options: { now?: string; awaitReadModel?: boolean } = {},
  ) {
    super();
  }
}
