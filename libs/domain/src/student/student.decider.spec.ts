import type { CommandMetadata, Role } from '../shared/event.js';
import { given } from '../testing/given.js';
import type { StudentCommand } from './student.commands.js';
import { studentDecider } from './student.decider.js';
import type { StudentChanges, StudentDetails, StudentEvent } from './student.events.js';

describe('enrolling a student', () => {
  it('records the student with tidy names, an upper-case INE and a lower-case e-mail', () => {
    given(studentDecider, [])
      .when(enrol({ lastName: '  DE LA  FONTAINE ', firstName: 'Marie-Hélène', ine: '123456789ab', email: 'Marie.DLF@Eleve.fr' }))
      .then([enrolled({ lastName: 'DE LA FONTAINE', firstName: 'Marie-Hélène', ine: '123456789AB', email: 'marie.dlf@eleve.fr' })]);
  });

  it('leaves out optional fields given empty', () => {
    const [event] = given(studentDecider, [])
      .when(enrol({ group: ' ', email: '', ine: '' }))
      .events();
    expect(event?.data).toEqual({ studentId: STUDENT, ...JEAN });
    expect(event?.data).not.toHaveProperty('group');
    expect(event?.data).not.toHaveProperty('email');
  });

  it('refuses a teacher enrolling a student', () => {
    given(studentDecider, [])
      .when(enrol({}, by(TEACHER, 'teacher')))
      .thenThrows('FORBIDDEN');
  });

  it('refuses enrolling the same student twice', () => {
    given(studentDecider, [enrolled()]).when(enrol()).thenThrows('CONFLICT');
  });

  it('refuses a missing last name and a first name over 100 characters, but takes exactly 100', () => {
    given(studentDecider, [])
      .when(enrol({ lastName: ' ' }))
      .thenThrows('VALIDATION', /last name is missing/);
    given(studentDecider, [])
      .when(enrol({ firstName: 'a'.repeat(101) }))
      .thenThrows('VALIDATION', /first name/);
    given(studentDecider, [])
      .when(enrol({ firstName: 'À'.repeat(100) }))
      .then([enrolled({ firstName: 'À'.repeat(100) })]);
  });

  it.each([
    ['2009-02-30', /not a real date/],
    ['2009-13-01', /not a real date/],
    ['12/03/2009', /not a real date/],
    ['1899-12-31', /before 1900/],
    ['2025-03-14', /not in the past/],
    ['2031-01-01', /not in the past/],
  ])('refuses the birth date %s', (birthDate, message) => {
    given(studentDecider, []).when(enrol({ birthDate })).thenThrows('VALIDATION', message);
  });

  it('accepts a 29 February of a leap year', () => {
    given(studentDecider, [])
      .when(enrol({ birthDate: '2008-02-29' }))
      .then([enrolled({ birthDate: '2008-02-29' })]);
  });

  it.each(['1234567890A', '123456789AB', '070802310jj'])('accepts the INE %s', (ine) => {
    const [event] = given(studentDecider, []).when(enrol({ ine })).events();
    expect(event?.data).toMatchObject({ ine: ine.toUpperCase() });
  });

  it.each(['12345678901', '123456789A', '12345678AB', 'A23456789BC', '1234567890AB'])('refuses the INE %s', (ine) => {
    given(studentDecider, []).when(enrol({ ine })).thenThrows('VALIDATION', /INE/);
  });

  it('refuses a malformed e-mail', () => {
    given(studentDecider, [])
      .when(enrol({ email: 'jean.dupont@' }))
      .thenThrows('VALIDATION', /e-mail/);
  });
});

describe('updating a student', () => {
  it('records only the fields that changed', () => {
    given(studentDecider, [enrolled()])
      .when(update({ ...JEAN, className: 'TG3', group: 'G1' }))
      .then([{ type: 'StudentUpdated', data: { className: 'TG3', group: 'G1' } }]);
  });

  it('records nothing when the row is the same, so a roster re-import is idempotent', () => {
    given(studentDecider, [enrolled({ ine: '123456789AB', email: 'jean@eleve.fr' })])
      .when(update({ ...JEAN, lastName: '  DUPONT-MARTIN ', ine: '123456789ab', email: 'JEAN@eleve.fr' }))
      .then([]);
  });

  it('clears an optional field with null, and records nothing when it was already empty', () => {
    given(studentDecider, [enrolled({ group: 'G2' })])
      .when(update({ group: null }))
      .then([{ type: 'StudentUpdated', data: { group: null } }]);
    given(studentDecider, [enrolled()])
      .when(update({ group: null, email: '' }))
      .then([]);
  });

  it('folds updates into the state, so repeating one changes nothing', () => {
    given(studentDecider, [enrolled({ group: 'G2' }), updated({ className: 'TG3', group: null })])
      .when(update({ className: 'TG3', group: null }))
      .then([]);
  });

  it('checks updated fields like an enrolment does', () => {
    given(studentDecider, [enrolled()])
      .when(update({ birthDate: '2008-02-30' }))
      .thenThrows('VALIDATION');
    given(studentDecider, [enrolled()])
      .when(update({ className: '' }))
      .thenThrows('VALIDATION', /class/);
  });

  it('refuses a withdrawn student', () => {
    given(studentDecider, [enrolled(), withdrawn()])
      .when(update({ className: 'TG3' }))
      .thenThrows('ILLEGAL_STATE');
  });

  it('refuses an unknown student', () => {
    given(studentDecider, [])
      .when(update({ className: 'TG3' }))
      .thenThrows('NOT_FOUND');
  });
});

describe('withdrawing a student', () => {
  it('records who withdrew the student and why', () => {
    given(studentDecider, [enrolled()])
      .when(command('WithdrawStudent', { studentId: STUDENT, reason: 'départ en cours d’année' }))
      .then([{ type: 'StudentWithdrawn', data: { by: ADMIN, reason: 'départ en cours d’année' } }]);
  });

  it('records nothing the second time', () => {
    given(studentDecider, [enrolled(), withdrawn()])
      .when(command('WithdrawStudent', { studentId: STUDENT }))
      .then([]);
  });
});

describe('one-time access codes', () => {
  it('issues a code as a hash, with who issued it and when it expires', () => {
    given(studentDecider, [enrolled()])
      .when(command('IssueStudentAccess', { studentId: STUDENT, codeHash: CODE_1, expiresAt: LATER }))
      .then([{ type: 'StudentAccessIssued', data: { codeHash: CODE_1, issuedBy: ADMIN, expiresAt: LATER } }]);
  });

  it('refuses a clear code', () => {
    given(studentDecider, [enrolled()])
      .when(command('IssueStudentAccess', { studentId: STUDENT, codeHash: 'K7P-2QX-9MZ' }))
      .thenThrows('VALIDATION');
  });

  it('refuses an expiry that is already past', () => {
    given(studentDecider, [enrolled()])
      .when(command('IssueStudentAccess', { studentId: STUDENT, codeHash: CODE_1, expiresAt: '2025-03-14T08:00:00.000Z' }))
      .thenThrows('VALIDATION', /future/);
  });

  it('refuses a withdrawn student', () => {
    given(studentDecider, [enrolled(), withdrawn()])
      .when(command('IssueStudentAccess', { studentId: STUDENT, codeHash: CODE_1 }))
      .thenThrows('ILLEGAL_STATE');
  });

  it('records the first use of the current code', () => {
    given(studentDecider, [enrolled(), issued(CODE_1)])
      .when(use(CODE_1))
      .then([{ type: 'StudentAccessUsed', data: { at: NOW } }]);
  });

  it('refuses a code used a second time', () => {
    given(studentDecider, [enrolled(), issued(CODE_1), used()])
      .when(use(CODE_1))
      .thenThrows('ILLEGAL_STATE', /already used/);
  });

  it('replaces the previous code: the old one no longer works, the new one does', () => {
    given(studentDecider, [enrolled(), issued(CODE_1), issued(CODE_2)])
      .when(use(CODE_1))
      .thenThrows('ILLEGAL_STATE', /replaced/);
    given(studentDecider, [enrolled(), issued(CODE_1), used(), issued(CODE_2)])
      .when(use(CODE_2))
      .then([{ type: 'StudentAccessUsed', data: { at: NOW } }]);
  });

  it('refuses an expired code', () => {
    given(studentDecider, [enrolled(), issued(CODE_1, '2025-03-14T08:30:00.000Z')])
      .when(use(CODE_1))
      .thenThrows('ILLEGAL_STATE', /expired/);
  });

  it('refuses a use when no code was ever issued', () => {
    given(studentDecider, [enrolled()])
      .when(use(CODE_1))
      .thenThrows('ILLEGAL_STATE', /no access code/);
  });
});

describe('the student setting a password', () => {
  it('is allowed once the one-time code was used', () => {
    given(studentDecider, [enrolled(), issued(CODE_1), used()])
      .when(setPassword())
      .then([{ type: 'StudentPasswordSet', data: { passwordHash: HASH } }]);
  });

  it('is refused before any code was used', () => {
    given(studentDecider, [enrolled(), issued(CODE_1)])
      .when(setPassword())
      .thenThrows('ILLEGAL_STATE', /one-time code/);
  });

  it('is allowed again later, as a change, without a new code', () => {
    given(studentDecider, [enrolled(), issued(CODE_1), used(), passwordSet(), issued(CODE_2)])
      .when(setPassword())
      .then([{ type: 'StudentPasswordSet', data: { passwordHash: HASH } }]);
  });

  it('is refused to anyone but the student, an admin included', () => {
    given(studentDecider, [enrolled(), issued(CODE_1), used()])
      .when(setPassword(by(ADMIN, 'admin')))
      .thenThrows('FORBIDDEN');
    given(studentDecider, [enrolled(), issued(CODE_1), used()])
      .when(setPassword(by('another-student', 'student')))
      .thenThrows('FORBIDDEN');
  });

  it('is refused to a withdrawn student', () => {
    given(studentDecider, [enrolled(), issued(CODE_1), used(), withdrawn()])
      .when(setPassword())
      .thenThrows('ILLEGAL_STATE');
  });
});

// Fixtures
const ADMIN = 'b0000000-0000-4000-8000-000000000001';
const TEACHER = 'b0000000-0000-4000-8000-000000000002';
const STUDENT = 'b0000000-0000-4000-8000-000000000003';
const NOW = '2025-03-14T08:30:00.000Z';
const LATER = '2025-03-21T08:30:00.000Z';
const CODE_1 = '$argon2id$v=19$m=19456,t=2,p=1$c2VsMXNlbDE$Y29kZTFjb2RlMQ';
const CODE_2 = '$argon2id$v=19$m=19456,t=2,p=1$c2VsMnNlbDI$Y29kZTJjb2RlMg';
const HASH = '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo';
const JEAN: StudentDetails = { lastName: 'DUPONT-MARTIN', firstName: 'Jean-Étienne', birthDate: '2008-05-17', className: 'TG2' };

const by = (actorId: string, actorRole: Role): CommandMetadata => ({ actorId, actorRole, now: NOW });

const command = <T extends StudentCommand['type']>(
  type: T,
  data: Extract<StudentCommand, { type: T }>['data'],
  metadata: CommandMetadata = by(ADMIN, 'admin'),
): StudentCommand => ({ type, data, metadata }) as StudentCommand;

const enrol = (details: Partial<StudentDetails> = {}, metadata?: CommandMetadata): StudentCommand =>
  command('EnrollStudent', { studentId: STUDENT, ...JEAN, ...details }, metadata);
const update = (changes: Omit<Extract<StudentCommand, { type: 'UpdateStudent' }>['data'], 'studentId'>): StudentCommand =>
  command('UpdateStudent', { studentId: STUDENT, ...changes });
const use = (codeHash: string): StudentCommand =>
  command('RecordStudentAccessUse', { studentId: STUDENT, codeHash }, by('system', 'system'));
const setPassword = (metadata = by(STUDENT, 'student')): StudentCommand =>
  command('SetStudentPassword', { studentId: STUDENT, passwordHash: HASH }, metadata);

const enrolled = (details: Partial<StudentDetails> = {}): StudentEvent => ({
  type: 'StudentEnrolled',
  data: { studentId: STUDENT, ...JEAN, ...details },
});
const updated = (changes: StudentChanges): StudentEvent => ({ type: 'StudentUpdated', data: changes });
const withdrawn = (): StudentEvent => ({ type: 'StudentWithdrawn', data: { by: ADMIN } });
const issued = (codeHash: string, expiresAt?: string): StudentEvent => ({
  type: 'StudentAccessIssued',
  data: expiresAt ? { codeHash, issuedBy: ADMIN, expiresAt } : { codeHash, issuedBy: ADMIN },
});
const used = (): StudentEvent => ({ type: 'StudentAccessUsed', data: { at: '2025-03-10T17:00:00.000Z' } });
const passwordSet = (): StudentEvent => ({ type: 'StudentPasswordSet', data: { passwordHash: HASH } });
