import {
  type CopyCommand,
  type GradingScaleSnapshot,
  copyDecider,
  copyStreamId,
  examDecider,
  examStreamId,
  gradingScaleSnapshot,
  illegalState,
  notFound,
} from '#domain';
import type { EventStore } from '#event-store';
import { type Actor, executeCommand, loadStream } from '../../shared/execute-command.js';

/**
 * Runs a copy command decided on the exam's current grading scale, loaded from the exam stream (the
 * copy decider never reads another stream). Before the exam's first score lands, the exam records
 * that scoring started (RecordFirstScore), so any later scale change becomes a new, confirmed
 * version; the command is then decided on the exam as it stands after that write. A dry run comes
 * first: a refused score must not mark the exam as scored. Used by scoring and by AI-suggestion
 * reviews (an accepted suggestion is an ordinary score).
 */
export const executeOnScale = async (
  store: EventStore,
  copyId: string,
  actor: Actor,
  commandFor: (scale: GradingScaleSnapshot, metadata: CopyCommand['metadata']) => CopyCommand,
) => {
  const metadata = { actorId: actor.actorId, actorRole: actor.actorRole, now: new Date().toISOString() };
  const copy = await loadStream(store, copyStreamId(copyId), copyDecider);
  const examId = copy.state.examId;
  if (examId === null) throw notFound('no such copy');
  let exam = (await loadStream(store, examStreamId(examId), examDecider)).state;
  const command = (): CopyCommand => {
    if (!exam.scale) throw illegalState('this exam has no grading scale yet');
    return commandFor(gradingScaleSnapshot(exam.scale), metadata);
  };
  const dryRun = copyDecider.decide(command(), copy.state);
  if (dryRun.some((event) => event.type === 'ScoreAwarded') && !exam.scoringStarted) {
    // Recorded by the system on the corrector's behalf: the exam decider takes it from no one else but admins.
    const system = { actorId: actor.actorId, actorRole: 'system' as const };
    const started = { type: 'RecordFirstScore', data: { examId }, metadata: { ...metadata, ...system } } as const;
    exam = (await executeCommand(store, examStreamId(examId), examDecider, started, system)).state;
  }
  return executeCommand(store, copyStreamId(copyId), copyDecider, command(), actor);
};
