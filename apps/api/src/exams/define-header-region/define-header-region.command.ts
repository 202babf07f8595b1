import { Command } from '@nestjs/cqrs';
import type { HeaderRegion } from '#domain';
import type { Session } from '../../auth/sessions.js';

/** Sets where the name box is on the first page of the exam's copies; refused once correctors hold copies. */
export class DefineHeaderRegionCommand extends Command<void> {
  constructor(
    readonly session: Session,
    readonly examId: string,
    readonly region: HeaderRegion,
  ) {
    super();
  }
}
