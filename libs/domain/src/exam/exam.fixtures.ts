import type { CommandMetadata, Role } from '../shared/event.js';
import type { ExamCommand } from './exam.commands.js';
import type { ExamEvent } from './exam.events.js';
import { buildGradingScale, type GradingQuestionInput } from './grading-scale.js';

/** The cast and builders of the exam specs (test-only). */
export const ADMIN = 'c0000000-0000-4000-8000-000000000001';
export const TEACHER = 'c0000000-0000-4000-8000-000000000002';
export const PROF_A = 'c0000000-0000-4000-8000-00000000000a';
export const PROF_B = 'c0000000-0000-4000-8000-00000000000b';
export const PROF_C = 'c0000000-0000-4000-8000-00000000000c';
export const EXAM = 'e0000000-0000-4000-8000-000000000001';
export const NOW = '2025-03-14T08:30:00.000Z';
export const COPIES = ['copy-1', 'copy-2', 'copy-3', 'copy-4', 'copy-5'];
export const SCALE: GradingQuestionInput[] = [
  { questionId: 'ex1', label: 'Exercice 1', children: [{ questionId: 'ex1-a', label: '1.a', maxPoints: 2, step: 0.5 }] },
  { questionId: 'ex2', label: 'Exercice 2', maxPoints: 3, step: 0.25 },
];
export const SCALE_2: GradingQuestionInput[] = [...SCALE, { questionId: 'ex3', label: 'Exercice 3', maxPoints: 5, step: 1 }];

export function by(actorId: string, actorRole: Role): CommandMetadata {
  return { actorId, actorRole, now: NOW };
}
export function command<T extends ExamCommand['type']>(
  type: T,
  data: Extract<ExamCommand, { type: T }>['data'],
  metadata = by(ADMIN, 'admin'),
): ExamCommand {
  return { type, data, metadata } as ExamCommand;
}
export function create(data: Partial<Extract<ExamCommand, { type: 'CreateExam' }>['data']> = {}, metadata?: CommandMetadata): ExamCommand {
  return command(
    'CreateExam',
    { examId: EXAM, title: 'Bac blanc', subject: 'Mathématiques', classNames: ['TG1', 'TG2'], ...data },
    metadata,
  );
}
export function defineScale(questions: GradingQuestionInput[], confirmed = false, metadata?: CommandMetadata): ExamCommand {
  return command('DefineGradingScale', { examId: EXAM, questions, confirmed }, metadata);
}
export function dispatch(
  runId: string,
  copyIds: string[],
  keep: { copyId: string; correctorId: string }[] = [],
  metadata?: CommandMetadata,
): ExamCommand {
  return command('DispatchCopies', { examId: EXAM, runId, copyIds, keep }, metadata);
}
export function created(): ExamEvent {
  return {
    type: 'ExamCreated',
    data: { examId: EXAM, title: 'Bac blanc', subject: 'Mathématiques', classNames: ['TG1', 'TG2'], createdBy: ADMIN },
  };
}
export function scaleDefined(version: number, questions: GradingQuestionInput[]): ExamEvent {
  return { type: 'GradingScaleDefined', data: { version, questions: buildGradingScale(questions) } };
}
export function scoringStarted(): ExamEvent {
  return { type: 'ScoringStarted', data: { at: '2025-03-13T10:00:00.000Z' } };
}
export function correctors(...correctorIds: string[]): ExamEvent {
  return { type: 'CorrectorsAssigned', data: { correctorIds } };
}
export function published(): ExamEvent {
  return { type: 'ResultsPublished', data: { by: ADMIN, at: '2025-03-13T18:00:00.000Z' } };
}
export function withdrawn(): ExamEvent {
  return { type: 'ResultsWithdrawn', data: { by: ADMIN } };
}
