import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../shared/execute-command.js';

/** An admin undoes a wrong identification; the student becomes free for another copy of the exam. */
export class ClearIdentificationCommand extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly copyId: string,
    readonly reason: string | null,
  ) {
    super();
  }
}
