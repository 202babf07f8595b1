import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../shared/execute-command.js';

/** An admin sends a failed import back to the pipeline, which resumes it from its last recorded step. */
export class RetryScanCommand extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly scanId: string,
  ) {
    super();
  }
}
