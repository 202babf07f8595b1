import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { examDecider, examStreamId } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { executeCommand } from '../../shared/execute-command.js';
import { actorOf, metadataOf, readYourWrites } from '../../shared/command-context.js';
import { badInput } from '../../shared/errors.js';
import { CreateExamCommand } from './create-exam.command.js';

/**
 * Classes must exist in the roster: the identification desk matches a copy against the exam's
 * classes, so a misspelt class would leave every copy unmatched.
 */
@CommandHandler(CreateExamCommand)
export class CreateExamHandler implements ICommandHandler<CreateExamCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  async execute({ session, exam }: CreateExamCommand): Promise<string> {
    const classNames = exam.classNames.map((name) => name.normalize('NFC').trim().replace(/\s+/g, ' '));
    const { rows } = await this.runtime.pool.query<{ class_name: string }>(
      `SELECT DISTINCT class_name FROM students WHERE class_name = ANY($1) AND NOT withdrawn`,
      [classNames],
    );
    const unknown = classNames.filter((name) => name !== '' && !rows.some((row) => row.class_name === name));
    if (unknown.length > 0)
      throw badInput(`Classe(s) absente(s) du registre : ${unknown.join(', ')}. Importez d’abord la liste des élèves.`, {
        classNames: unknown.join(', '),
      });
    const examId = randomUUID();
    const command = { type: 'CreateExam', data: { examId, ...exam, classNames }, metadata: metadataOf(session) } as const;
    const result = await executeCommand(this.runtime.store, examStreamId(examId), examDecider, command, actorOf(session));
    await readYourWrites(this.runner, result.position, ['exams']);
    return examId;
  }
}
