import { given } from '../testing/given.js';
import { dispatchCopies } from './dispatch-copies.js';
import type { ExamCommand } from './exam.commands.js';
import { examDecider } from './exam.decider.js';
import type { ExamEvent } from './exam.events.js';
import {
  ADMIN,
  COPIES,
  EXAM,
  NOW,
  PROF_A,
  PROF_B,
  PROF_C,
  SCALE,
  SCALE_2,
  by,
  command,
  correctors,
  created,
  defineScale,
  dispatch,
  published,
  scaleDefined,
  withdrawn,
} from './exam.fixtures.js';

describe('dispatching copies', () => {
  const ready = [created(), scaleDefined(1, SCALE), correctors(PROF_A, PROF_B)];

  it('records the fair, seeded draw of the run', () => {
    given(examDecider, ready)
      .when(dispatch('run-1', COPIES))
      .then([{ type: 'CopiesDispatched', data: { runId: 'run-1', assignments: dispatchCopies(COPIES, [PROF_A, PROF_B], 'run-1') } }]);
  });

  it('keeps copies in progress with their corrector on a rebalance', () => {
    const keep = [{ copyId: 'copy-1', correctorId: PROF_B }];
    const [event] = given(examDecider, [...ready, correctors(PROF_A, PROF_B, PROF_C)])
      .when(dispatch('run-2', COPIES, keep))
      .events();
    expect(event?.type === 'CopiesDispatched' && event.data.assignments).toContainEqual(keep[0]);
  });

  it('records nothing when the same run is retried', () => {
    const first = examDecider.decide(dispatch('run-1', COPIES), ready.reduce(examDecider.evolve, examDecider.initialState()));
    given(examDecider, [...ready, ...first])
      .when(dispatch('run-1', COPIES))
      .then([]);
  });

  it('refuses without a grading scale', () => {
    given(examDecider, [created(), correctors(PROF_A)])
      .when(dispatch('run-1', COPIES))
      .thenThrows('ILLEGAL_STATE', /grading scale/);
  });

  it('refuses without a corrector', () => {
    given(examDecider, [created(), scaleDefined(1, SCALE)])
      .when(dispatch('run-1', COPIES))
      .thenThrows('ILLEGAL_STATE', /corrector/);
  });

  it('refuses a teacher', () => {
    given(examDecider, ready)
      .when(dispatch('run-1', COPIES, [], by(PROF_A, 'teacher')))
      .thenThrows('FORBIDDEN');
  });

  it('refuses no copies, a copy twice, or a kept copy that is not in the run', () => {
    given(examDecider, ready).when(dispatch('run-1', [])).thenThrows('VALIDATION');
    given(examDecider, ready)
      .when(dispatch('run-1', ['copy-1', 'copy-1']))
      .thenThrows('VALIDATION');
    given(examDecider, ready)
      .when(dispatch('run-1', COPIES, [{ copyId: 'copy-99', correctorId: PROF_A }]))
      .thenThrows('VALIDATION', /kept copy/);
  });

  it('refuses while results are published', () => {
    given(examDecider, [...ready, published()])
      .when(dispatch('run-1', COPIES))
      .thenThrows('ILLEGAL_STATE');
  });
});

describe('publishing and withdrawing results', () => {
  it('publishes with who and when', () => {
    given(examDecider, [created(), scaleDefined(1, SCALE)])
      .when(command('PublishResults', { examId: EXAM }))
      .then([{ type: 'ResultsPublished', data: { by: ADMIN, at: NOW } }]);
  });

  it('refuses to publish an exam without a grading scale', () => {
    given(examDecider, [created()])
      .when(command('PublishResults', { examId: EXAM }))
      .thenThrows('ILLEGAL_STATE');
  });

  it('records nothing when already published', () => {
    given(examDecider, [created(), scaleDefined(1, SCALE), published()])
      .when(command('PublishResults', { examId: EXAM }))
      .then([]);
  });

  it('withdraws published results with a reason', () => {
    given(examDecider, [created(), scaleDefined(1, SCALE), published()])
      .when(command('WithdrawResults', { examId: EXAM, reason: 'erreur de barème en exercice 2' }))
      .then([{ type: 'ResultsWithdrawn', data: { by: ADMIN, reason: 'erreur de barème en exercice 2' } }]);
  });

  it('refuses to withdraw results that are not published', () => {
    given(examDecider, [created(), scaleDefined(1, SCALE)])
      .when(command('WithdrawResults', { examId: EXAM }))
      .thenThrows('ILLEGAL_STATE');
  });

  it('publishes again after a withdrawal', () => {
    given(examDecider, [created(), scaleDefined(1, SCALE), published(), withdrawn()])
      .when(command('PublishResults', { examId: EXAM }))
      .then([{ type: 'ResultsPublished', data: { by: ADMIN, at: NOW } }]);
  });
});

describe('an archived exam', () => {
  const archived: ExamEvent[] = [
    created(),
    scaleDefined(1, SCALE),
    correctors(PROF_A),
    published(),
    { type: 'ExamArchived', data: { by: ADMIN } },
  ];

  it('is archived by an admin', () => {
    given(examDecider, archived.slice(0, -1))
      .when(command('ArchiveExam', { examId: EXAM }))
      .then([{ type: 'ExamArchived', data: { by: ADMIN } }]);
  });

  it.each<ExamCommand>([
    defineScale(SCALE_2, true),
    command('RecordFirstScore', { examId: EXAM }, by('system', 'system')),
    command('AssignCorrectors', { examId: EXAM, correctorIds: [PROF_B] }),
    dispatch('run-9', COPIES),
    command('PublishResults', { examId: EXAM }),
    command('WithdrawResults', { examId: EXAM }),
    command('ArchiveExam', { examId: EXAM }),
  ])('refuses $type', (archivedCommand) => {
    given(examDecider, archived)
      .when(archivedCommand)
      .thenThrows('ILLEGAL_STATE', /archived/);
  });
});
