import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { examDecider, examStreamId } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { executeCommand } from '../../shared/execute-command.js';
import { actorOf, metadataOf, readYourWrites } from '../../shared/command-context.js';
import { badInput } from '../../shared/errors.js';
import { AssignCorrectorsCommand } from './assign-correctors.command.js';

/**
 * Correctors are active teachers (users read model). A corrector removed here keeps the copies they
 * hold until the next dispatch, which gives their unstarted copies and abandoned ones to the others.
 */
@CommandHandler(AssignCorrectorsCommand)
export class AssignCorrectorsHandler implements ICommandHandler<AssignCorrectorsCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  async execute({ session, examId, correctorIds }: AssignCorrectorsCommand): Promise<void> {
    const { rows } = await this.runtime.pool.query<{ user_id: string }>(
      `SELECT user_id FROM users WHERE user_id = ANY($1) AND role = 'teacher' AND active`,
      [correctorIds],
    );
    const refused = correctorIds.filter((id) => !rows.some((row) => row.user_id === id));
    if (refused.length > 0)
      throw badInput(`Seuls des enseignants au compte actif corrigent : ${refused.join(', ')}`, { userIds: refused.join(',') });
    const command = { type: 'AssignCorrectors', data: { examId, correctorIds }, metadata: metadataOf(session) } as const;
    const result = await executeCommand(this.runtime.store, examStreamId(examId), examDecider, command, actorOf(session));
    await readYourWrites(this.runner, result.position, ['exams']);
  }
}
