import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  type CopyCommand,
  copyDecider,
  copyStreamId,
  examDecider,
  examStreamId,
  gradingScaleSnapshot,
  illegalState,
  notFound,
} from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { executeCommand, loadStream } from '../shared/execute-command.js';
import { COPY_READ_MODELS, readYourWrites } from '../shared/command-context.js';
import { ReviewAiSuggestionCommand } from './ai-suggestions.commands.js';
import { AI_READ_MODELS } from './request-ai-suggestions.handler.js';

/**
 * A review decided on the exam's current scale, as GradeCopyHandler scores: the decision and the
 * score it implies are one append. Before the exam's first score, the exam records that scoring
 * started, exactly as an ordinary score does (a later scale change becomes a confirmed version).
 */
@CommandHandler(ReviewAiSuggestionCommand)
export class ReviewAiSuggestionHandler implements ICommandHandler<ReviewAiSuggestionCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  async execute({ copyId, actor, review }: ReviewAiSuggestionCommand): Promise<{ changed: boolean }> {
    const store = this.runtime.store;
    const metadata = { actorId: actor.actorId, actorRole: actor.actorRole, now: new Date().toISOString() };
    const copy = await loadStream(store, copyStreamId(copyId), copyDecider);
    if (copy.state.examId === null) throw notFound('no such copy');
    const examId = copy.state.examId;
    let exam = (await loadStream(store, examStreamId(examId), examDecider)).state;
    const command = (): CopyCommand => {
      if (!exam.scale) throw illegalState('this exam has no grading scale yet');
      return { type: 'ReviewAiSuggestion', data: { ...review, scale: gradingScaleSnapshot(exam.scale) }, metadata };
    };
    const dryRun = copyDecider.decide(command(), copy.state);
    if (dryRun.some((event) => event.type === 'ScoreAwarded') && !exam.scoringStarted) {
      const system = { actorId: actor.actorId, actorRole: 'system' as const };
      const started = { type: 'RecordFirstScore', data: { examId }, metadata: { ...metadata, ...system } } as const;
      exam = (await executeCommand(store, examStreamId(examId), examDecider, started, system)).state;
    }
    const result = await executeCommand(store, copyStreamId(copyId), copyDecider, command(), actor);
    await readYourWrites(this.runner, result.position, [...COPY_READ_MODELS, ...AI_READ_MODELS]);
    return { changed: result.events.length > 0 };
  }
}
