import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { copyDecider, copyStreamId } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { executeCommand } from '../../shared/execute-command.js';
import { actorOf, metadataOf, readYourWrites } from '../../shared/command-context.js';
import { badInput, notFound } from '../../shared/errors.js';
import { ReassignCopyCommand } from './reassign-copy.command.js';

/**
 * The new corrector must be a current corrector of the copy's exam and an active teacher. The copy
 * decider refuses a finalised copy and one locked by someone else. The run id of a manual
 * reassignment is `manual-<uuid>`: the audit tells it from a dispatch run.
 */
@CommandHandler(ReassignCopyCommand)
export class ReassignCopyHandler implements ICommandHandler<ReassignCopyCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  async execute({ session, copyId, correctorId }: ReassignCopyCommand): Promise<void> {
    const { rows } = await this.runtime.pool.query<{ listed: boolean; teacher: boolean }>(
      `SELECT $2 = ANY(e.corrector_ids) AS listed, EXISTS (SELECT 1 FROM users u WHERE u.user_id = $2 AND u.role = 'teacher' AND u.active) AS teacher
       FROM exam_copies c JOIN exams e ON e.exam_id = c.exam_id WHERE c.copy_id = $1`,
      [copyId, correctorId],
    );
    const copy = rows[0];
    if (!copy) throw notFound('Copie introuvable.');
    if (!copy.teacher || !copy.listed) throw badInput('Choisissez un enseignant actif parmi les correcteurs de cet examen.');
    const command = {
      type: 'AssignCorrector',
      data: { correctorId, runId: `manual-${randomUUID()}` },
      metadata: metadataOf(session),
    } as const;
    const result = await executeCommand(this.runtime.store, copyStreamId(copyId), copyDecider, command, actorOf(session));
    await readYourWrites(this.runner, result.position, ['exam-copies', 'copies']);
  }
}
