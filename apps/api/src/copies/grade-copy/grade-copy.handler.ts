import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  type CopyCommand,
  type ExamState,
  copyDecider,
  copyStreamId,
  examDecider,
  examStreamId,
  gradingScaleSnapshot,
  illegalState,
  notFound,
} from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { executeCommand, loadStream } from '../../shared/execute-command.js';
import { CorrectedCopyProcessor } from '../../corrected-copies/corrected-copy.processor.js';
import { COPY_READ_MODELS, readYourWrites } from '../../shared/command-context.js';
import { type CopyGrade, GradeCopyCommand } from './grade-copy.command.js';

/**
 * Scores, remarks and finalisation, decided on the exam's current grading scale (loaded from the
 * exam stream: the copy decider never reads another stream). Before the exam's first score lands,
 * the exam records that scoring started (RecordFirstScore), so any later scale change becomes a new,
 * confirmed version; the score is then given on the scale as the exam stands after that write.
 */
@CommandHandler(GradeCopyCommand)
export class GradeCopyHandler implements ICommandHandler<GradeCopyCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(CorrectedCopyProcessor) private readonly correctedCopies: CorrectedCopyProcessor,
  ) {}

  async execute({ copyId, actor, grade }: GradeCopyCommand): Promise<{ changed: boolean }> {
    const store = this.runtime.store;
    const metadata = { actorId: actor.actorId, actorRole: actor.actorRole, now: new Date().toISOString() };
    const copy = await loadStream(store, copyStreamId(copyId), copyDecider);
    if (copy.state.examId === null) throw notFound('no such copy');
    let exam = (await loadStream(store, examStreamId(copy.state.examId), examDecider)).state;
    // A dry run first: a refused score must not mark the exam as scored.
    const dryRun = copyDecider.decide(this.command(grade, exam, metadata), copy.state);
    if (grade.type === 'AwardScore' && dryRun.length > 0 && !exam.scoringStarted) {
      // Recorded by the system on the corrector's behalf: the exam decider takes it from no one else but admins.
      const system = { actorId: actor.actorId, actorRole: 'system' as const };
      const command = { type: 'RecordFirstScore', data: { examId: copy.state.examId }, metadata: { ...metadata, ...system } } as const;
      const started = await executeCommand(store, examStreamId(copy.state.examId), examDecider, command, system);
      exam = started.state;
    }
    const result = await executeCommand(store, copyStreamId(copyId), copyDecider, this.command(grade, exam, metadata), actor);
    await readYourWrites(this.runner, result.position, COPY_READ_MODELS);
    // The PDF is built within seconds rather than at the processor's next poll.
    if (grade.type === 'FinalizeCopy' && result.events.length > 0) this.correctedCopies.wake();
    return { changed: result.events.length > 0 };
  }

  private command(grade: CopyGrade, exam: ExamState, metadata: CopyCommand['metadata']): CopyCommand {
    if (!exam.scale) throw illegalState('this exam has no grading scale yet');
    const scale = gradingScaleSnapshot(exam.scale);
    switch (grade.type) {
      case 'AwardScore':
        return { type: 'AwardScore', data: { questionId: grade.questionId, points: grade.points, scale }, metadata };
      case 'WriteRemark':
        return { type: 'WriteRemark', data: { questionId: grade.questionId, text: grade.text, scale }, metadata };
      case 'FinalizeCopy':
        return { type: 'FinalizeCopy', data: { scale }, metadata };
    }
  }
}
