import type { RosterRow } from '#domain';
import { type KnownStudent, planRoster } from './roster-plan.js';

describe('planning a roster import', () => {
  it('updates the student with the same INE, whatever their name now', () => {
    const [step] = planRoster([row({ lastName: 'MARTIN-DUBOIS', ine: '123456789AB' })], [known({ ine: '123456789AB' })]);
    expect(step).toEqual({ line: 2, kind: 'update', studentId: LEA, row: expect.any(Object) });
  });

  it('falls back on name and birth date, folded, when the line has no INE or an INE not seen yet', () => {
    expect(planRoster([row({ lastName: 'Martin', firstName: 'lea' })], [known({ ine: '123456789AB' })])[0]).toMatchObject({
      kind: 'update',
      studentId: LEA,
    });
    expect(planRoster([row({ ine: '123456789AB' })], [known()])[0]).toMatchObject({ kind: 'update', studentId: LEA });
  });

  it('enrols a namesake born the same day whose INE differs', () => {
    expect(planRoster([row({ ine: '987654321CD' })], [known({ ine: '123456789AB' })])[0]).toMatchObject({ kind: 'enrol' });
  });

  it('refuses to guess between two students behind the same name and birth date', () => {
    const twins = [known({ ine: '123456789AB' }), known({ studentId: OTHER, ine: '987654321CD' })];
    expect(planRoster([row()], twins)[0]).toMatchObject({ kind: 'refuse', message: expect.stringMatching(/plusieurs élèves/) });
  });

  it('refuses a second line landing on a student an earlier line took, enrolled by this file or not', () => {
    const existing = planRoster([row({ line: 2 }), row({ line: 3, ine: '123456789AB' })], [known()]);
    expect(existing[1]).toMatchObject({ kind: 'refuse', message: 'même élève que la ligne 2' });
    const enrolled = planRoster([row({ line: 2, ine: '123456789AB' }), row({ line: 3 })], []);
    expect(enrolled.map((step) => step.kind)).toEqual(['enrol', 'refuse']);
  });

  it('refuses a line matching a withdrawn student', () => {
    expect(planRoster([row()], [known({ withdrawn: true })])[0]).toMatchObject({
      kind: 'refuse',
      message: expect.stringMatching(/retiré/),
      studentId: LEA,
    });
  });
});

// Fixtures
const LEA = 'a0000000-0000-4000-8000-000000000001';
const OTHER = 'a0000000-0000-4000-8000-000000000002';

const row = (overrides: Partial<RosterRow> = {}): RosterRow => ({
  line: 2,
  lastName: 'MARTIN',
  firstName: 'Léa',
  birthDate: '2008-03-12',
  className: 'TG2',
  ...overrides,
});
const known = (overrides: Partial<KnownStudent> = {}): KnownStudent => ({
  studentId: LEA,
  lastName: 'MARTIN',
  firstName: 'Léa',
  birthDate: '2008-03-12',
  ine: null,
  withdrawn: false,
  ...overrides,
});
