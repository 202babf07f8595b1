import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { examDecider, examStreamId } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { executeCommand } from '../../shared/execute-command.js';
import { actorOf, metadataOf, readYourWrites } from '../../shared/command-context.js';
import { DefineHeaderRegionCommand } from './define-header-region.command.js';

/**
 * The exam decider owns every rule; the handler only tells it how many copies a corrector already
 * holds, since a manual reassignment is written on the copy's stream, not on the exam's.
 */
@CommandHandler(DefineHeaderRegionCommand)
export class DefineHeaderRegionHandler implements ICommandHandler<DefineHeaderRegionCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  async execute({ session, examId, region }: DefineHeaderRegionCommand): Promise<void> {
    const { rows } = await this.runtime.pool.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM exam_copies WHERE exam_id = $1 AND corrector_id IS NOT NULL`,
      [examId],
    );
    const command = {
      type: 'DefineHeaderRegion',
      data: { examId, region, copiesWithCorrector: rows[0]?.count ?? 0 },
      metadata: metadataOf(session),
    } as const;
    const result = await executeCommand(this.runtime.store, examStreamId(examId), examDecider, command, actorOf(session));
    await readYourWrites(this.runner, result.position, ['exams']);
  }
}
