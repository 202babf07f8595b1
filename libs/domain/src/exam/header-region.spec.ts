import type { CommandMetadata } from '../shared/event.js';
import { given } from '../testing/given.js';
import { dispatchCopies } from './dispatch-copies.js';
import type { ExamCommand } from './exam.commands.js';
import { examDecider } from './exam.decider.js';
import type { ExamEvent } from './exam.events.js';
import { COPIES, EXAM, PROF_A, SCALE, TEACHER, by, command, correctors, created, scaleDefined, scoringStarted } from './exam.fixtures.js';
import { DEFAULT_HEADER_REGION, type HeaderRegion, headerRegionOf } from './header-region.js';

const NAME_BOX: HeaderRegion = { x: 0.5, y: 0.02, width: 0.45, height: 0.12 };

describe('defining the header region of an exam', () => {
  it('records the region, in fractions of the page', () => {
    given(examDecider, [created()])
      .when(defineRegion(NAME_BOX))
      .then([{ type: 'HeaderRegionDefined', data: { region: NAME_BOX } }]);
  });

  it('takes a region that reaches the right and bottom edges exactly', () => {
    const corner = { x: 0.7, y: 0.9, width: 0.3, height: 0.1 };
    given(examDecider, [created()])
      .when(defineRegion(corner))
      .then([{ type: 'HeaderRegionDefined', data: { region: corner } }]);
  });

  it('records nothing when the region does not change, the default one included', () => {
    given(examDecider, [created(), regionDefined(NAME_BOX)])
      .when(defineRegion({ ...NAME_BOX }))
      .then([]);
    given(examDecider, [created()])
      .when(defineRegion({ x: 0, y: 0, width: 1, height: 0.25 }))
      .then([]);
  });

  it('refuses a value outside the page, or one that is not a number', () => {
    for (const region of [
      { ...NAME_BOX, x: -0.01 },
      { ...NAME_BOX, y: 1.5 },
      { ...NAME_BOX, width: Number.NaN },
      { ...NAME_BOX, height: Number.POSITIVE_INFINITY },
      { ...NAME_BOX, x: '0.1' as unknown as number },
    ])
      given(examDecider, [created()])
        .when(defineRegion(region))
        .thenThrows('VALIDATION', /entre 0 et 100 %/);
  });

  it('refuses a region too thin to hold a name', () => {
    given(examDecider, [created()])
      .when(defineRegion({ ...NAME_BOX, width: 0.04 }))
      .thenThrows('VALIDATION', /largeur doit être d’au moins 5 %/);
    given(examDecider, [created()])
      .when(defineRegion({ ...NAME_BOX, height: 0.049 }))
      .thenThrows('VALIDATION', /hauteur doit être d’au moins 5 %/);
  });

  it('refuses a region that runs off the right or the bottom of the page', () => {
    given(examDecider, [created()])
      .when(defineRegion({ x: 0.6, y: 0, width: 0.41, height: 0.2 }))
      .thenThrows('VALIDATION', /bord droit/);
    given(examDecider, [created()])
      .when(defineRegion({ x: 0, y: 0.8, width: 1, height: 0.25 }))
      .thenThrows('VALIDATION', /bas de la page/);
  });

  it('refuses a teacher', () => {
    given(examDecider, [created()])
      .when(defineRegion(NAME_BOX, {}, by(TEACHER, 'teacher')))
      .thenThrows('FORBIDDEN');
  });

  it('refuses an unknown exam', () => {
    given(examDecider, []).when(defineRegion(NAME_BOX)).thenThrows('NOT_FOUND');
  });

  describe('once correctors hold copies', () => {
    const dispatched: ExamEvent[] = [
      created(),
      scaleDefined(1, SCALE),
      correctors(PROF_A),
      { type: 'CopiesDispatched', data: { runId: 'run-1', assignments: dispatchCopies(COPIES, [PROF_A], 'run-1') } },
    ];

    it('refuses a change after a dispatch: pages already shown masked would lose their mask', () => {
      given(examDecider, dispatched)
        .when(defineRegion(NAME_BOX))
        .thenThrows('ILLEGAL_STATE', /déjà distribuées/);
    });

    it('refuses a change when a copy was handed to a corrector by hand, or scoring started', () => {
      given(examDecider, [created()])
        .when(defineRegion(NAME_BOX, { copiesWithCorrector: 1 }))
        .thenThrows('ILLEGAL_STATE', /déjà distribuées/);
      given(examDecider, [created(), scoringStarted()]).when(defineRegion(NAME_BOX)).thenThrows('ILLEGAL_STATE');
    });

    it('still answers a retry of the region already recorded without an error', () => {
      given(examDecider, [created(), regionDefined(NAME_BOX), ...dispatched.slice(1)])
        .when(defineRegion(NAME_BOX))
        .then([]);
    });
  });
});

describe('the header region of an exam’s state', () => {
  const fold = (events: ExamEvent[]) => events.reduce(examDecider.evolve, examDecider.initialState());

  it('is the top quarter of the page until one is defined', () => {
    expect(headerRegionOf(fold([created()]))).toEqual({ x: 0, y: 0, width: 1, height: 0.25 });
    expect(DEFAULT_HEADER_REGION).toEqual({ x: 0, y: 0, width: 1, height: 0.25 });
  });

  it('is the last region defined', () => {
    const later = { x: 0, y: 0, width: 0.5, height: 0.2 };
    expect(headerRegionOf(fold([created(), regionDefined(NAME_BOX), regionDefined(later)]))).toEqual(later);
  });
});

function defineRegion(region: HeaderRegion, extra: { copiesWithCorrector?: number } = {}, metadata?: CommandMetadata): ExamCommand {
  return command('DefineHeaderRegion', { examId: EXAM, region, ...extra }, metadata);
}
function regionDefined(region: HeaderRegion): ExamEvent {
  return { type: 'HeaderRegionDefined', data: { region } };
}
