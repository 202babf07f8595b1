import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { examDecider, examStreamId } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { executeCommand } from '../../shared/execute-command.js';
import { actorOf, metadataOf, readYourWrites } from '../../shared/command-context.js';
import { ApiError } from '../../shared/errors.js';
import { PublishResultsCommand } from './publish-results.command.js';

/**
 * The read-model check the exam decider leaves to its handler: the exam has copies, and every copy
 * is finalised and identified (a result must reach its student; an unidentified copy goes back to
 * the identification desk first). A student of the exam's classes without a copy is absent: they get
 * no result, which exports as Pronote's "A". Flags (missing or blank pages) do not block: the
 * corrector finalised the copy knowing them.
 */
@CommandHandler(PublishResultsCommand)
export class PublishResultsHandler implements ICommandHandler<PublishResultsCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  async execute({ session, examId }: PublishResultsCommand): Promise<void> {
    const { rows } = await this.runtime.pool.query<{ copies: number; unfinished: number; unidentified: number }>(
      `SELECT count(*)::int AS copies, count(*) FILTER (WHERE NOT finalised)::int AS unfinished, count(*) FILTER (WHERE student_id IS NULL)::int AS unidentified
       FROM exam_copies WHERE exam_id = $1`,
      [examId],
    );
    const { copies, unfinished, unidentified } = rows[0] ?? { copies: 0, unfinished: 0, unidentified: 0 };
    if (copies === 0) throw new ApiError('CONFLICT', 'Aucune copie importée pour cet examen : rien à publier.');
    if (unfinished > 0 || unidentified > 0) {
      const parts = [
        unfinished > 0 ? `${unfinished} copie(s) non finalisée(s)` : null,
        unidentified > 0 ? `${unidentified} copie(s) non identifiée(s)` : null,
      ];
      throw new ApiError('CONFLICT', `Publication impossible : ${parts.filter(Boolean).join(', ')}.`, { unfinished, unidentified });
    }
    const command = { type: 'PublishResults', data: { examId }, metadata: metadataOf(session) } as const;
    const result = await executeCommand(this.runtime.store, examStreamId(examId), examDecider, command, actorOf(session));
    await readYourWrites(this.runner, result.position, ['exams']);
  }
}
