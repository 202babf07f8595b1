import { type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import {
  IMPORT_ROSTER,
  type ImportReport,
  NEW_PASSWORD,
  changePassword,
  errorCode,
  importRoster,
  issueAccess,
  ok,
  pronoteFile,
  signedInStaff,
  signedInStudent,
} from '../support/school-fixtures.js';

type StudentRow = {
  studentId: string;
  login: string;
  lastName: string;
  firstName: string;
  birthDate: string;
  className: string;
  group: string | null;
  email: string | null;
  ine: string | null;
  withdrawn: boolean;
};
const STUDENTS = `query($className: String, $search: String, $all: Boolean) { students(className: $className, search: $search, includeWithdrawn: $all) { studentId login lastName firstName birthDate className group email ine withdrawn } }`;

describe('the roster', () => {
  let api: ApiHarness;
  let admin: ApiClient;
  const students = async (filter: { className?: string; search?: string; all?: boolean } = {}): Promise<StudentRow[]> =>
    ok(await admin.graphql<{ students: StudentRow[] }>(STUDENTS, filter)).students;
  const status = (report: ImportReport, line: number) => report.lines.find((l) => l.line === line);

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
  });
  afterAll(async () => api?.close());

  describe('importing a Pronote export', () => {
    let first: ImportReport;
    beforeAll(async () => {
      first = await importRoster(admin, PRONOTE_TG2);
    });

    it('creates every good line and reports each bad one by its line number, importing none of it', async () => {
      expect(first).toMatchObject({ format: 'pronote', dryRun: false, created: 8, updated: 0, unchanged: 0, errors: 4 });
      expect(status(first, 2)).toMatchObject({ status: 'CREATED', message: null, studentId: expect.any(String) });
      expect(status(first, 6)).toMatchObject({ status: 'ERROR', message: expect.stringMatching(/not a real date/), studentId: null });
      expect(status(first, 9)).toMatchObject({ status: 'ERROR', message: expect.stringMatching(/first name/) });
      expect(status(first, 11)).toMatchObject({ status: 'ERROR', message: expect.stringMatching(/e-mail/) });
      expect(status(first, 13)).toMatchObject({ status: 'ERROR', message: expect.stringMatching(/same student as line 2/) });
      const tg2 = await students({ className: 'TG2' });
      expect(tg2).toHaveLength(8);
      expect(tg2.map((s) => s.lastName)).not.toContain('BERNARD');
      expect(tg2.find((s) => s.lastName === "N'DIAYE")).toMatchObject({
        firstName: 'Aïssatou',
        birthDate: '2008-02-29',
        email: 'aissatou.ndiaye@eleve.test',
        group: 'G2',
      });
    });

    it('changes nothing when the same file is imported again', async () => {
      const again = await importRoster(admin, PRONOTE_TG2);
      expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 8, errors: 4 });
      expect(again.lines.filter((l) => l.status === 'UNCHANGED').map((l) => l.studentId)).toEqual(
        first.lines.filter((l) => l.status === 'CREATED').map((l) => l.studentId),
      );
      expect(await students({ className: 'TG2' })).toHaveLength(8);
    });

    it('updates a student whose class or group changed, matched by name and birth date', async () => {
      const moved = PRONOTE_TG2.replace('ROUSSEAU Théo;01/09/2008;;TG2;G1', 'ROUSSEAU Théo;01/09/2008;;TG3;G2');
      const report = await importRoster(admin, moved);
      expect(report).toMatchObject({ created: 0, updated: 1, unchanged: 7 });
      expect((await students({ className: 'TG3' })).map((s) => [s.lastName, s.group])).toEqual([['ROUSSEAU', 'G2']]);
    });

    it('says what an import would do without writing anything (dry run)', async () => {
      const report = await importRoster(admin, pronoteFile(['NOUVEAU Élève;05/05/2008;;TG4;', 'ROUSSEAU Théo;01/09/2008;;TG1;']), true);
      expect(report).toMatchObject({ dryRun: true, created: 1, updated: 1, errors: 0 });
      expect(await students({ className: 'TG4' })).toEqual([]);
      expect((await students({ search: 'rousseau' }))[0]!.className).toBe('TG3');
    });

    it('lists classes with their counts and finds students ignoring case and accents', async () => {
      expect(ok(await admin.graphql<{ classes: { name: string; count: number }[] }>('{ classes { name count } }')).classes).toEqual([
        { name: 'TG2', count: 7 },
        { name: 'TG3', count: 1 },
      ]);
      expect((await students({ search: 'aissatou' })).map((s) => s.lastName)).toEqual(["N'DIAYE"]);
      expect((await students({ search: 'fontaine marie' })).map((s) => s.lastName)).toEqual(['DE LA FONTAINE']);
    });
  });

  describe('the INE', () => {
    let moreauId: string;

    it('upserts on the INE first, then on name and birth date', async () => {
      const [moreau] = await students({ search: 'moreau claire' });
      moreauId = moreau!.studentId;
      const withIne = await importRoster(admin, 'ine;nom;prenom;date_naissance;classe\n123456789AB;MOREAU;Claire;14/07/2008;TG2\n');
      expect(withIne).toMatchObject({ updated: 1, created: 0 });
      expect(withIne.lines[0]!.studentId).toBe(moreauId);
      const renamed = await importRoster(admin, 'ine;nom;prenom;date_naissance;classe\n123456789ab;MOREAU-DUBOIS;Claire;14/07/2008;TG2\n');
      expect(renamed).toMatchObject({ updated: 1, created: 0 });
      expect((await students({ search: 'claire' })).map((s) => [s.studentId, s.lastName, s.ine])).toEqual([
        [moreauId, 'MOREAU-DUBOIS', '123456789AB'],
      ]);
    });

    it('keeps the INE that a Pronote file (which has none) does not repeat', async () => {
      const report = await importRoster(admin, pronoteFile(['MOREAU-DUBOIS Claire;14/07/2008;claire.moreau@eleve.test;TG2;G1']));
      expect(report).toMatchObject({ updated: 1, created: 0 });
      expect((await students({ search: 'claire' }))[0]).toMatchObject({
        studentId: moreauId,
        ine: '123456789AB',
        email: 'claire.moreau@eleve.test',
      });
    });

    it('never merges namesakes born the same day whose INEs differ', async () => {
      const namesake = await importRoster(admin, 'ine;nom;prenom;date_naissance;classe\n987654321CD;MOREAU-DUBOIS;Claire;14/07/2008;TG1\n');
      expect(namesake).toMatchObject({ created: 1, updated: 0 });
      expect((await students({ search: 'claire' })).map((s) => s.ine).sort()).toEqual(['123456789AB', '987654321CD']);
    });

    it('refuses a line without INE that matches two students rather than guessing', async () => {
      const report = await importRoster(admin, pronoteFile(['MOREAU-DUBOIS Claire;14/07/2008;;TG2;']));
      expect(report.lines[0]).toMatchObject({ status: 'ERROR', message: expect.stringMatching(/plusieurs élèves/) });
    });
  });

  describe('limits and concurrency', () => {
    it('refuses a file over 2 MB with BAD_USER_INPUT, and reads a 1 MB one (above the web server’s default body limit)', async () => {
      const big = 'x'.repeat(2 * 1024 * 1024 + 1);
      expect(errorCode(await admin.graphql(IMPORT_ROSTER, { csv: big }))).toBe('BAD_USER_INPUT');
      const large = pronoteFile(Array.from({ length: 40_000 }, (_, i) => `LIGNE ${i};pas une date;;TG9;;`));
      expect(Buffer.byteLength(large)).toBeGreaterThan(1_000_000);
      const report = await importRoster(admin, large);
      expect(report).toMatchObject({ created: 0, errors: 40_000 });
    });

    it('enrols each student once when the same new file is imported twice at the same moment', async () => {
      const file = pronoteFile(
        Array.from({ length: 12 }, (_, i) => `PARALLELE Élève${String.fromCharCode(65 + i)};0${(i % 9) + 1}/01/2008;;TG5;`),
      );
      const [a, b] = await Promise.all([importRoster(admin, file), importRoster(admin, file)]);
      expect(a!.created + b!.created).toBe(12);
      expect(a!.unchanged + b!.unchanged).toBe(12);
      expect(await students({ className: 'TG5' })).toHaveLength(12);
    });
  });

  describe('access codes and withdrawal', () => {
    it('issues a printable list of one-time codes for a class; a code works once', async () => {
      const slips = await issueAccess(admin, { className: 'TG2' });
      expect(slips.map((s) => s.lastName)).toEqual([...slips.map((s) => s.lastName)].sort());
      expect(slips.length).toBeGreaterThanOrEqual(7);
      expect(new Set(slips.map((s) => s.code)).size).toBe(slips.length);
      const slip = slips[0]!;
      const student = api.client();
      ok(await student.signIn('STUDENT', slip.login, slip.code));
      ok(await changePassword(student, slip.code));
      expect(errorCode(await api.client().signIn('STUDENT', slip.login, slip.code))).toBe('UNAUTHENTICATED');
      expect(ok(await api.client().signIn('STUDENT', slip.login, NEW_PASSWORD))).toMatchObject({ signIn: { role: 'student' } });
    });

    it('refuses codes for an unknown class or student', async () => {
      expect(errorCode(await admin.graphql(`mutation { issueStudentAccess(className: "ZZZ") { code } }`))).toBe('BAD_USER_INPUT');
      expect(
        errorCode(await admin.graphql(`mutation { issueStudentAccess(studentIds: ["00000000-0000-4000-8000-000000000000"]) { code } }`)),
      ).toBe('BAD_USER_INPUT');
      expect(errorCode(await admin.graphql(`mutation { issueStudentAccess { code } }`))).toBe('BAD_USER_INPUT');
    });

    it('withdraws a student: sessions end, sign-in and new codes are refused, a re-import reports the line', async () => {
      const [theo] = await students({ search: 'theo rousseau' });
      const student = await signedInStudent(api, admin, theo!.studentId);
      const result = ok(
        await admin.graphql<{ withdrawStudent: StudentRow }>(
          `mutation($id: ID!) { withdrawStudent(studentId: $id, reason: "départ") { withdrawn } }`,
          { id: theo!.studentId },
        ),
      );
      expect(result.withdrawStudent.withdrawn).toBe(true);
      expect(ok(await student.graphql('{ me { id } }'))).toEqual({ me: null });
      expect(errorCode(await api.client().signIn('STUDENT', theo!.login, NEW_PASSWORD))).toBe('UNAUTHENTICATED');
      expect(
        errorCode(
          await admin.graphql(`mutation($ids: [ID!]) { issueStudentAccess(studentIds: $ids) { code } }`, { ids: [theo!.studentId] }),
        ),
      ).toBe('BAD_USER_INPUT');
      expect(await students({ search: 'rousseau' })).toEqual([]);
      expect((await students({ search: 'rousseau', all: true }))[0]).toMatchObject({ withdrawn: true });
      const report = await importRoster(admin, pronoteFile(['ROUSSEAU Théo;01/09/2008;;TG3;G2']));
      expect(report.lines[0]).toMatchObject({ status: 'ERROR', message: expect.stringMatching(/retiré/), studentId: theo!.studentId });
    });
  });

  describe('who may manage the roster', () => {
    let teacher: ApiClient;
    let student: ApiClient;
    beforeAll(async () => {
      teacher = (await signedInStaff(api, admin, 'TEACHER', 'prof.roster@lycee.test')).client;
      student = await signedInStudent(api, admin, (await students({ className: 'TG2' }))[1]!.studentId);
    });

    it.each([
      ['importRoster', `mutation { importRoster(csv: "x") { created } }`],
      ['students', '{ students { studentId } }'],
      ['classes', '{ classes { name } }'],
      ['issueStudentAccess', `mutation { issueStudentAccess(className: "TG2") { code } }`],
      ['withdrawStudent', `mutation { withdrawStudent(studentId: "00000000-0000-4000-8000-000000000000") { withdrawn } }`],
    ])('%s: UNAUTHENTICATED anonymous, FORBIDDEN to a teacher and a student', async (_name, query) => {
      expect(errorCode(await api.client().graphql(query))).toBe('UNAUTHENTICATED');
      expect(errorCode(await teacher.graphql(query))).toBe('FORBIDDEN');
      expect(errorCode(await student.graphql(query))).toBe('FORBIDDEN');
    });
  });
});

/** Line 1 is the header; lines 6, 9, 11 and 13 have a problem; line 8 is blank. */
const PRONOTE_TG2 = pronoteFile([
  'DUPONT-MARTIN Jean-Étienne;17/05/2008;jean.dupont@eleve.test;TG2;G1',
  'DE LA FONTAINE Marie;3/1/2008;;TG2;',
  "N'DIAYE Aïssatou;29/02/2008;Aissatou.NDiaye@Eleve.test;TG2;G2",
  'MOREAU Claire;14/07/2008;;TG2;G1',
  'BERNARD Hugo;31/02/2008;;TG2;G1',
  'ROUSSEAU Théo;01/09/2008;;TG2;G1',
  '',
  'LEFEBVRE;12/12/2008;;TG2;',
  'GARCIA Lucía;08/08/2008;lucia.garcia@eleve.test;TG2;G2',
  'PETIT Lucas;02/02/2008;lucas@;TG2;',
  'LE GOFF Anne Sophie;12/11/2007;;TG2;G1',
  'DUPONT-MARTIN Jean-Étienne;17/05/2008;;TG2;G2',
  'ÇELIK Ömer;21/04/2008;;TG2;G2',
]);
