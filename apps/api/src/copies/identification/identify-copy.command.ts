import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../shared/execute-command.js';

/** The identification desk names a copy's student (the OCR matcher will send the same as 'system'). */
export class IdentifyCopyCommand extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly copyId: string,
    readonly studentId: string,
  ) {
    super();
  }
}
