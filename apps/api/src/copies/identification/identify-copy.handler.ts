import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { copyDecider, copyStreamId, notFound } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { executeCommand, loadStream } from '../../shared/execute-command.js';
import { COPY_READ_MODELS, readYourWrites } from '../../shared/command-context.js';
import { ApiError, notFound as apiNotFound } from '../../shared/errors.js';
import { IdentifyCopyCommand } from './identify-copy.command.js';
import { releaseStudent, reserveStudent } from './student-reservation.js';

/**
 * The copy decider checks one student per copy; one copy per student and exam is the reservation
 * stream's. The decider is asked first (a dry run: the actor's role, a copy already identified as
 * someone else), then the student is reserved, then the copy identified; if that last step is
 * refused after all (a concurrent identification of this copy), the reservation is given back.
 */
@CommandHandler(IdentifyCopyCommand)
export class IdentifyCopyHandler implements ICommandHandler<IdentifyCopyCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  async execute({ actor, copyId, studentId }: IdentifyCopyCommand): Promise<void> {
    const store = this.runtime.store;
    const { rows } = await this.runtime.pool.query(`SELECT 1 FROM students WHERE student_id = $1`, [studentId]);
    if (rows.length === 0) throw apiNotFound('Élève introuvable.');
    const stream = copyStreamId(copyId);
    const command = { type: 'IdentifyStudent', data: { studentId }, metadata: { ...actor, now: new Date().toISOString() } } as const;
    const copy = (await loadStream(store, stream, copyDecider)).state;
    if (copy.studentId !== null && copy.studentId !== studentId && !copy.discarded)
      await this.alreadyIdentified(copy.anonymousCode, copy.studentId);
    copyDecider.decide(command, copy);
    if (copy.examId === null) throw notFound('no such copy');
    await reserveStudent(store, copy.examId, studentId, copyId, actor);
    try {
      const result = await executeCommand(store, stream, copyDecider, command, actor);
      await readYourWrites(this.runner, result.position, COPY_READ_MODELS);
    } catch (error) {
      const now = (await loadStream(store, stream, copyDecider)).state;
      if (now.studentId !== studentId) await releaseStudent(store, copy.examId, studentId, copyId, actor);
      throw error;
    }
  }

  /** The desk's answer when the copy already has another student: who, so the admin knows what to undo. */
  private async alreadyIdentified(anonymousCode: string | null, current: string): Promise<never> {
    const { rows } = await this.runtime.pool.query<{ name: string }>(
      `SELECT upper(last_name) || ' ' || first_name AS name FROM students WHERE student_id = $1`,
      [current],
    );
    throw new ApiError(
      'CONFLICT',
      `La copie ${anonymousCode ?? ''} est déjà identifiée (${rows[0]?.name ?? 'autre élève'}) : annulez d’abord cette identification.`,
      { studentId: current },
    );
  }
}
