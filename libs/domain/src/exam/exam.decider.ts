import { conflict, forbidden, illegalState, notFound, validation } from '../shared/domain-error.js';
import type { CommandMetadata, Decider } from '../shared/event.js';
import { isCalendarDate, normaliseText } from '../student/student.rules.js';
import { dispatchCopies } from './dispatch-copies.js';
import type { ExamCommand } from './exam.commands.js';
import type { ExamEvent } from './exam.events.js';
import { evolve, initialState, type ExamState } from './exam.state.js';
import { buildGradingScale, sameScale } from './grading-scale.js';
import { checkHeaderRegion, sameHeaderRegion } from './header-region.js';

/**
 * A mock exam, run by the exam office. Scores live on copy streams; the exam only learns that scoring
 * started (RecordFirstScore) because that is what turns a scale edit into a new, confirmed version.
 * "All copies finalised" before publishing is read from the copies read model by the handler.
 */
export const TITLE_MAX = 200;
const SUBJECT_MAX = 100;
/** A few pages of expected answers: enough for a mock exam, small enough for a model's context. */
export const ANSWER_KEY_MAX = 20_000;

export const decide = (command: ExamCommand, exam: ExamState): ExamEvent[] => {
  const { metadata } = command;
  if (command.type === 'CreateExam') {
    requireAdmin(metadata, 'create an exam');
    if (exam.created) throw conflict('this exam already exists', { examId: command.data.examId });
    return [{ type: 'ExamCreated', data: { ...cleanExam(command.data), createdBy: metadata.actorId } }];
  }
  if (command.type !== 'RecordFirstScore') requireAdmin(metadata, 'manage an exam');
  if (!exam.created) throw notFound('no such exam');
  if (exam.archived) throw illegalState('this exam is archived');

  switch (command.type) {
    case 'DefineGradingScale': {
      if (exam.published) throw illegalState('withdraw the results before changing the grading scale');
      const questions = buildGradingScale(command.data.questions);
      if (exam.scale && sameScale(exam.scale.questions, questions)) return [];
      if (!exam.scoringStarted) return [{ type: 'GradingScaleDefined', data: { version: exam.scale?.version ?? 1, questions } }];
      if (command.data.confirmed !== true) throw validation('scores exist: preview and confirm');
      return [{ type: 'GradingScaleDefined', data: { version: (exam.scale?.version ?? 0) + 1, questions } }];
    }
    case 'RecordFirstScore':
      return exam.scoringStarted ? [] : [{ type: 'ScoringStarted', data: { at: metadata.now } }];
    case 'AssignCorrectors': {
      const correctorIds = command.data.correctorIds.map((id) => id.trim());
      if (correctorIds.some((id) => id === '')) throw validation('a corrector id is empty');
      if (new Set(correctorIds).size !== correctorIds.length) throw validation('a corrector is listed twice');
      const unchanged = correctorIds.length === exam.correctorIds.length && correctorIds.every((id) => exam.correctorIds.includes(id));
      return unchanged ? [] : [{ type: 'CorrectorsAssigned', data: { correctorIds } }];
    }
    case 'DispatchCopies': {
      const { runId, copyIds, keep = [] } = command.data;
      if (exam.dispatchRuns.includes(runId)) return [];
      if (exam.published) throw illegalState('withdraw the results before dispatching copies again');
      if (!exam.scale) throw illegalState('define the grading scale before dispatching copies');
      if (exam.correctorIds.length === 0) throw illegalState('assign at least one corrector before dispatching copies');
      if (copyIds.length === 0) throw validation('there are no copies to dispatch');
      if (new Set(copyIds).size !== copyIds.length) throw validation('a copy is listed twice');
      const unknown = keep.find(({ copyId }) => !copyIds.includes(copyId));
      if (unknown) throw validation('a kept copy is not among the copies to dispatch', { copyId: unknown.copyId });
      return [{ type: 'CopiesDispatched', data: { runId, assignments: dispatchCopies(copyIds, exam.correctorIds, runId, keep) } }];
    }
    case 'DefineHeaderRegion': {
      const region = checkHeaderRegion(command.data.region);
      if (sameHeaderRegion(region, exam.headerRegion)) return [];
      // Correctors already see pages masked with the current region: moving it would unmask a name.
      if (exam.dispatchRuns.length > 0 || exam.scoringStarted || (command.data.copiesWithCorrector ?? 0) > 0)
        throw illegalState('Les copies sont déjà distribuées aux correcteurs : la zone d’en-tête ne peut plus changer.');
      return [{ type: 'HeaderRegionDefined', data: { region } }];
    }
    case 'PublishResults':
      if (!exam.scale) throw illegalState('an exam without a grading scale has no results to publish');
      return exam.published ? [] : [{ type: 'ResultsPublished', data: { by: metadata.actorId, at: metadata.now } }];
    case 'WithdrawResults': {
      if (!exam.published) throw illegalState('the results are not published');
      const reason = command.data.reason?.trim();
      return [{ type: 'ResultsWithdrawn', data: reason ? { by: metadata.actorId, reason } : { by: metadata.actorId } }];
    }
    case 'DefineAnswerKey': {
      const text = typeof command.data.text === 'string' ? command.data.text.trim() : '';
      if ([...text].length > ANSWER_KEY_MAX)
        throw validation(`the answer key is at most ${ANSWER_KEY_MAX} characters`, { max: ANSWER_KEY_MAX });
      return text === exam.answerKey ? [] : [{ type: 'AnswerKeyDefined', data: { text, by: metadata.actorId } }];
    }
    case 'ArchiveExam':
      return [{ type: 'ExamArchived', data: { by: metadata.actorId } }];
  }
};

export const examDecider: Decider<ExamState, ExamCommand, ExamEvent> = { initialState, evolve, decide };

const requireAdmin = (metadata: CommandMetadata, action: string): void => {
  if (metadata.actorRole !== 'admin') throw forbidden(`only an admin may ${action}`);
};

const cleanExam = (input: Extract<ExamCommand, { type: 'CreateExam' }>['data']) => {
  const title = normaliseText(input.title);
  if (title === '' || [...title].length > TITLE_MAX) throw validation(`the title must have 1 to ${TITLE_MAX} characters`);
  const subject = normaliseText(input.subject);
  if (subject === '' || [...subject].length > SUBJECT_MAX) throw validation(`the subject must have 1 to ${SUBJECT_MAX} characters`);
  if (input.date !== undefined && !isCalendarDate(input.date)) throw validation('the exam date is not a real date', { date: input.date });
  const classNames = input.classNames.map(normaliseText);
  if (classNames.length === 0 || classNames.includes('')) throw validation('an exam is for at least one named class');
  if (new Set(classNames).size !== classNames.length) throw validation('a class is listed twice');
  const exam = { examId: input.examId, title, subject, classNames };
  return input.date === undefined ? exam : { ...exam, date: input.date };
};
