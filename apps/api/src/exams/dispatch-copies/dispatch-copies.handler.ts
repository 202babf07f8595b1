import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type Assignment, DomainError, copyDecider, copyStreamId, examDecider, examStreamId } from '#domain';
import { type Position, comparePositions } from '#event-store';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { executeCommand, loadStream } from '../../shared/execute-command.js';
import { actorOf, mapLimited, metadataOf, readYourWrites } from '../../shared/command-context.js';
import { ApiError } from '../../shared/errors.js';
import { DispatchCopiesCommand, type DispatchResult } from './dispatch-copies.command.js';

type OpenCopy = { copy_id: string; anonymous_code: string; corrector_id: string | null; started: boolean; locked: boolean };

/**
 * The exam decider draws the run (dispatchCopies from #domain, seeded by a new run id) over every
 * copy not finalised, identified or not (correction is anonymous); copies in progress stay with
 * their corrector (rebalance). CopiesDispatched is recorded on the exam, then CopyAssigned on each
 * copy that changes hands. A crash between the two is repaired by dispatching again: the copies
 * follow the latest run. A copy locked by someone who is no longer its corrector blocks the run:
 * force-release it first, so that nobody keeps writing on a copy given to someone else.
 */
@CommandHandler(DispatchCopiesCommand)
export class DispatchCopiesHandler implements ICommandHandler<DispatchCopiesCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  async execute({ session, examId }: DispatchCopiesCommand): Promise<DispatchResult> {
    const { state: exam } = await loadStream(this.runtime.store, examStreamId(examId), examDecider);
    const { rows: open } = await this.runtime.pool.query<OpenCopy>(
      `SELECT copy_id, anonymous_code, corrector_id, started, coalesce(lock_until > now(), false) AS locked
       FROM exam_copies WHERE exam_id = $1 AND NOT finalised ORDER BY copy_id`,
      [examId],
    );
    const stays = (copy: OpenCopy): boolean => copy.started && copy.corrector_id !== null && exam.correctorIds.includes(copy.corrector_id);
    const blocked = open.filter((copy) => copy.locked && !stays(copy));
    if (blocked.length > 0) {
      throw new ApiError(
        'CONFLICT',
        `Copie(s) ouverte(s) par un correcteur retiré : ${blocked.map((c) => c.anonymous_code).join(', ')}. Libérez-les d’abord.`,
        {
          copyIds: blocked.map((c) => c.copy_id).join(','),
        },
      );
    }
    const keep: Assignment[] = open.filter(stays).map((copy) => ({ copyId: copy.copy_id, correctorId: copy.corrector_id! }));
    const runId = randomUUID();
    const command = {
      type: 'DispatchCopies',
      data: { examId, runId, copyIds: open.map((copy) => copy.copy_id), keep },
      metadata: metadataOf(session),
    } as const;
    const result = await executeCommand(this.runtime.store, examStreamId(examId), examDecider, command, actorOf(session));
    const dispatched = result.events.find((event) => event.type === 'CopiesDispatched');
    const assignments = dispatched?.type === 'CopiesDispatched' ? dispatched.data.assignments : [];

    const current = new Map(open.map((copy) => [copy.copy_id, copy.corrector_id]));
    const moving = assignments.filter(({ copyId, correctorId }) => current.get(copyId) !== correctorId);
    const failedCopyIds: string[] = [];
    const positions = await mapLimited(moving, 8, async ({ copyId, correctorId }): Promise<Position | null> => {
      try {
        const assign = { type: 'AssignCorrector', data: { correctorId, runId }, metadata: metadataOf(session) } as const;
        return (await executeCommand(this.runtime.store, copyStreamId(copyId), copyDecider, assign, actorOf(session))).position;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        failedCopyIds.push(copyId);
        return null;
      }
    });
    const last = [result.position, ...positions].reduce<Position | null>(
      (max, p) => (p && (!max || comparePositions(p, max) > 0) ? p : max),
      null,
    );
    await readYourWrites(this.runner, last, ['exams', 'exam-copies', 'copies']);
    return { runId, moved: moving.length - failedCopyIds.length, kept: keep.length, failedCopyIds: failedCopyIds.sort() };
  }
}
