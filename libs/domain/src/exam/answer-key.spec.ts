import { given } from '../testing/given.js';
import { examDecider } from './exam.decider.js';
import type { ExamEvent } from './exam.events.js';
import { ADMIN, EXAM, TEACHER, by, command, created } from './exam.fixtures.js';

describe('an exam’s answer key (for AI-suggested scores)', () => {
  it('is written by an admin, trimmed', () =>
    given(examDecider, [created()])
      .when(command('DefineAnswerKey', { examId: EXAM, text: '  Exercice 1 : x = 2.  ' }))
      .then([defined('Exercice 1 : x = 2.')]));

  it('is harmless when the same text comes again, and removed by an empty text', () => {
    given(examDecider, [created(), defined('x = 2')])
      .when(command('DefineAnswerKey', { examId: EXAM, text: 'x = 2' }))
      .then([]);
    given(examDecider, [created(), defined('x = 2')])
      .when(command('DefineAnswerKey', { examId: EXAM, text: '   ' }))
      .then([defined('')]);
  });

  it('is refused to a teacher', () =>
    given(examDecider, [created()])
      .when(command('DefineAnswerKey', { examId: EXAM, text: 'x' }, by(TEACHER, 'teacher')))
      .thenThrows('FORBIDDEN'));

  it('is refused when longer than a few pages', () =>
    given(examDecider, [created()])
      .when(command('DefineAnswerKey', { examId: EXAM, text: 'é'.repeat(20_001) }))
      .thenThrows('VALIDATION', /20000/));
});

function defined(text: string): ExamEvent {
  return { type: 'AnswerKeyDefined', data: { text, by: ADMIN } };
}
