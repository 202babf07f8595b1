import { given } from '../testing/given.js';
import { examDecider } from './exam.decider.js';
import {
  ADMIN,
  EXAM,
  NOW,
  PROF_A,
  PROF_B,
  SCALE,
  SCALE_2,
  TEACHER,
  by,
  command,
  correctors,
  create,
  created,
  defineScale,
  published,
  scaleDefined,
  scoringStarted,
} from './exam.fixtures.js';
import { buildGradingScale } from './grading-scale.js';

describe('creating an exam', () => {
  it('records the exam with a tidy title and who created it', () => {
    given(examDecider, [])
      .when(create({ title: '  Bac blanc   de mathématiques ', date: '2025-03-20' }))
      .then([
        {
          type: 'ExamCreated',
          data: {
            examId: EXAM,
            title: 'Bac blanc de mathématiques',
            subject: 'Mathématiques',
            date: '2025-03-20',
            classNames: ['TG1', 'TG2'],
            createdBy: ADMIN,
          },
        },
      ]);
  });

  it('refuses a teacher creating an exam', () => {
    given(examDecider, [])
      .when(create({}, by(TEACHER, 'teacher')))
      .thenThrows('FORBIDDEN');
  });

  it('takes a title of 200 characters and refuses an empty one or one of 201', () => {
    expect(
      given(examDecider, [])
        .when(create({ title: 'é'.repeat(200) }))
        .events(),
    ).toHaveLength(1);
    given(examDecider, [])
      .when(create({ title: ' ' }))
      .thenThrows('VALIDATION', /title/);
    given(examDecider, [])
      .when(create({ title: 'é'.repeat(201) }))
      .thenThrows('VALIDATION', /title/);
  });

  it('refuses an exam for no class, or the same class twice', () => {
    given(examDecider, [])
      .when(create({ classNames: [] }))
      .thenThrows('VALIDATION', /at least one/);
    given(examDecider, [])
      .when(create({ classNames: ['TG1', ' TG1 '] }))
      .thenThrows('VALIDATION', /twice/);
  });

  it('refuses a date that does not exist', () => {
    given(examDecider, [])
      .when(create({ date: '2025-02-29' }))
      .thenThrows('VALIDATION', /date/);
  });

  it('refuses creating the same exam twice', () => {
    given(examDecider, [created()]).when(create()).thenThrows('CONFLICT');
  });
});

describe('defining the grading scale', () => {
  it('records version 1 the first time', () => {
    given(examDecider, [created()])
      .when(defineScale(SCALE))
      .then([{ type: 'GradingScaleDefined', data: { version: 1, questions: buildGradingScale(SCALE) } }]);
  });

  it('replaces the scale in place, still version 1, while no score exists', () => {
    given(examDecider, [created(), scaleDefined(1, SCALE)])
      .when(defineScale(SCALE_2))
      .then([{ type: 'GradingScaleDefined', data: { version: 1, questions: buildGradingScale(SCALE_2) } }]);
  });

  it('records nothing when the scale is the same', () => {
    given(examDecider, [created(), scaleDefined(1, SCALE), scoringStarted()])
      .when(defineScale(SCALE))
      .then([]);
  });

  it('once scores exist, refuses a change that was not previewed and confirmed', () => {
    given(examDecider, [created(), scaleDefined(1, SCALE), scoringStarted()])
      .when(defineScale(SCALE_2))
      .thenThrows('VALIDATION', /scores exist: preview and confirm/);
  });

  it('once scores exist, records a confirmed change as a new version, and the next as the one after', () => {
    given(examDecider, [created(), scaleDefined(1, SCALE), scoringStarted()])
      .when(defineScale(SCALE_2, true))
      .then([{ type: 'GradingScaleDefined', data: { version: 2, questions: buildGradingScale(SCALE_2) } }]);
    given(examDecider, [created(), scaleDefined(1, SCALE), scoringStarted(), scaleDefined(2, SCALE_2)])
      .when(defineScale(SCALE, true))
      .then([{ type: 'GradingScaleDefined', data: { version: 3, questions: buildGradingScale(SCALE) } }]);
  });

  it('refuses an invalid scale', () => {
    given(examDecider, [created()])
      .when(defineScale([{ questionId: 'q1', label: 'Q1', maxPoints: 101, step: 1 }]))
      .thenThrows('VALIDATION');
  });

  it('refuses a change while results are published', () => {
    given(examDecider, [created(), scaleDefined(1, SCALE), published()])
      .when(defineScale(SCALE_2))
      .thenThrows('ILLEGAL_STATE', /withdraw/);
  });

  it('refuses a teacher, and an unknown exam', () => {
    given(examDecider, [created()])
      .when(defineScale(SCALE, false, by(TEACHER, 'teacher')))
      .thenThrows('FORBIDDEN');
    given(examDecider, []).when(defineScale(SCALE)).thenThrows('NOT_FOUND');
  });
});

describe('the first score', () => {
  it('marks scoring as started once, at the time of the command', () => {
    given(examDecider, [created(), scaleDefined(1, SCALE)])
      .when(command('RecordFirstScore', { examId: EXAM }, by('system', 'system')))
      .then([{ type: 'ScoringStarted', data: { at: NOW } }]);
    given(examDecider, [created(), scaleDefined(1, SCALE), scoringStarted()])
      .when(command('RecordFirstScore', { examId: EXAM }, by('system', 'system')))
      .then([]);
  });
});

describe('assigning correctors', () => {
  it('records the set of correctors', () => {
    given(examDecider, [created()])
      .when(command('AssignCorrectors', { examId: EXAM, correctorIds: [PROF_A, PROF_B] }))
      .then([{ type: 'CorrectorsAssigned', data: { correctorIds: [PROF_A, PROF_B] } }]);
  });

  it('records nothing when the set is the same in another order', () => {
    given(examDecider, [created(), correctors(PROF_A, PROF_B)])
      .when(command('AssignCorrectors', { examId: EXAM, correctorIds: [PROF_B, PROF_A] }))
      .then([]);
  });

  it('refuses a corrector listed twice', () => {
    given(examDecider, [created()])
      .when(command('AssignCorrectors', { examId: EXAM, correctorIds: [PROF_A, PROF_A] }))
      .thenThrows('VALIDATION');
  });
});
