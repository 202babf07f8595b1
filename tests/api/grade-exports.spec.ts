import { createHash, randomUUID } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import { studentDecider, studentStreamId } from '#domain';
import { executeCommand } from '../../apps/api/src/shared/execute-command.js';
import { type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import {
  adminActor,
  assignCopy,
  awardScore,
  createExam,
  finalizeCopy,
  importCopies,
  lockCopy,
  signedInStudent,
} from '../support/copy-fixtures.js';
import { ok, signedInStaff } from '../support/school-fixtures.js';
import { getFile, gradeExportUrl } from '../support/file-fixtures.js';

/**
 * Grade exports through the real route (DESIGN §10): who may download, what is refused and why, the
 * exact Pronote bytes from copies corrected through the API, and the audit event each export leaves.
 */
describe('exporting an exam’s grades', () => {
  let api: ApiHarness;
  let admin: ApiClient;
  let teacher: { client: ApiClient; userId: string };
  let student: { client: ApiClient; studentId: string };
  let examId: string;
  let lateCopyId: string;

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
    teacher = await signedInStaff(api, admin, 'TEACHER', 'morvan@lycee.test');
    student = await signedInStudent(api, { lastName: 'Quéré', firstName: 'Anne-Lise' });
    examId = await createExam(api, [teacher.userId]);
    const ids = {
      kerguelen: await enroll(api, 'Kerguélen', 'Maëlys', '2008-03-14'),
      lucas2008: await enroll(api, 'Martin', 'Lucas', '2008-01-02'),
      lucas2007: await enroll(api, 'Martin', 'Lucas', '2007-12-30'),
      bihan: await enroll(api, 'Le Bihan', 'Tanguy', '2008-11-11'),
    };
    await enroll(api, "N'Diaye", 'Aïssata', '2008-07-21'); // no copy: absent
    await enroll(api, 'Autre', 'Classe', '2008-01-01', 'TG2'); // not in the exam's classes
    const copies = await importCopies(admin, examId, 5);
    const [kerguelen, lucas2008, lucas2007, bihan, late] = copies.map((copy) => copy.copyId) as [string, string, string, string, string];
    lateCopyId = late;
    for (const [copyId, studentId] of [
      [kerguelen, ids.kerguelen],
      [lucas2008, ids.lucas2008],
      [lucas2007, ids.lucas2007],
      [bihan, ids.bihan],
    ] as const) {
      ok(
        await admin.graphql(`mutation($c: ID!, $s: ID!) { identifyCopy(copyId: $c, studentId: $s) { copyId } }`, {
          c: copyId,
          s: studentId,
        }),
      );
    }
    await correct(kerguelen, { q1a: 3.5, q1b: 2.75, q2: 10 }, '=HYPERLINK("http://evil.test";"Cliquez")');
    await correct(lucas2008, { q1a: 2, q1b: 0.25, q2: 10 }, '+2 points de soin');
    await correct(lucas2007, { q1a: 0.5, q1b: 0, q2: 3 }, '');
    await correct(bihan, { q1a: 1 }, null); // still being corrected
    await correct(late, { q1a: 4, q1b: 2, q2: 8 }, 'Bien'); // corrected before anyone named its student
  });

  afterAll(() => api.close());

  const correct = async (copyId: string, scores: Record<string, number>, appreciation: string | null): Promise<void> => {
    await assignCopy(api, copyId, teacher.userId);
    ok(await lockCopy(teacher.client, copyId));
    for (const [questionId, points] of Object.entries(scores)) ok(await awardScore(teacher.client, copyId, questionId, points));
    if (appreciation === null) return;
    if (appreciation) {
      ok(
        await teacher.client.graphql(`mutation($c: ID!, $t: String!) { writeAppreciation(copyId: $c, text: $t) { copyId } }`, {
          c: copyId,
          t: appreciation,
        }),
      );
    }
    ok(await finalizeCopy(teacher.client, copyId));
  };

  describe('who may download', () => {
    it('refuses a caller without a session', async () => {
      const response = await download(api.client(), examId, 'format=pronote');
      expect([response.status, await response.json()]).toEqual([401, { error: 'UNAUTHENTICATED', message: 'Connectez-vous d’abord.' }]);
    });

    it('refuses a corrector and a student', async () => {
      for (const client of [teacher.client, student.client]) {
        const response = await download(client, examId, 'format=pronote');
        expect(response.status).toBe(403);
        expect(((await response.json()) as { error: string }).error).toBe('FORBIDDEN');
      }
    });

    it('refuses an admin request without the CSRF header', async () => {
      const response = await download(admin, examId, 'format=pronote', { csrf: false });
      expect(response.status).toBe(403);
    });
  });

  describe('while a finalised copy has no student', () => {
    it('refuses with the number of copies to identify, and records nothing', async () => {
      const response = await download(admin, examId, 'format=pronote');
      expect(response.status).toBe(409);
      expect(await response.json()).toEqual({
        error: 'CONFLICT',
        message: '1 copie corrigée n’est pas identifiée : rattachez-la à son élève au bureau d’identification avant d’exporter les notes.',
      });
      expect(await exportEvents()).toEqual([]);
    });
  });

  describe('once every finalised copy is identified', () => {
    beforeAll(async () => {
      ok(
        await admin.graphql(`mutation($c: ID!, $s: ID!) { identifyCopy(copyId: $c, studentId: $s) { copyId } }`, {
          c: lateCopyId,
          s: student.studentId,
        }),
      );
    });

    it('sends exactly the Pronote file and records the export', async () => {
      const response = await download(admin, examId, 'format=pronote');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expect(response.headers.get('content-disposition')).toMatch(
        /^attachment; filename="notes_mathematiques_\d{4}-\d{2}-\d{2}_pronote\.csv"; filename\*=UTF-8''notes_mathematiques_\d{4}-\d{2}-\d{2}_pronote\.csv$/,
      );
      const body = Buffer.from(await response.arrayBuffer());
      const expected =
        '\uFEFFNOM;PRENOM;DATE_NAISSANCE;MATIERE;NOTE;COEFF;COMMENTAIRE\r\n' +
        `Kerguélen;Maëlys;14/03/2008;Mathématiques;16,25;1;"'=HYPERLINK(""http://evil.test"";""Cliquez"")"\r\n` +
        'Le Bihan;Tanguy;11/11/2008;Mathématiques;N;1;\r\n' +
        'Martin;Lucas;30/12/2007;Mathématiques;3,5;1;\r\n' +
        "Martin;Lucas;02/01/2008;Mathématiques;12,25;1;'+2 points de soin\r\n" +
        "N'Diaye;Aïssata;21/07/2008;Mathématiques;A;1;\r\n" +
        'Quéré;Anne-Lise;04/05/2008;Mathématiques;14;1;Bien\r\n';
      expect(body.toString('utf8')).toBe(expected);
      expect(body.equals(Buffer.from(expected, 'utf8'))).toBe(true);

      const [event] = await exportEvents();
      const { rows: admins } = await api.runtime.pool.query<{ user_id: string }>(`SELECT user_id FROM users WHERE role = 'admin'`);
      expect(event).toEqual({
        type: 'GradesExported',
        actorId: admins[0]!.user_id,
        actorRole: 'admin',
        data: {
          examId,
          format: 'pronote',
          fileName: /filename="(.+)"/.exec(response.headers.get('content-disposition')!)![1],
          rows: 6,
          bytes: body.length,
          sha256: createHash('sha256').update(body).digest('hex'),
          options: { coefficient: null, subject: null },
          by: admins[0]!.user_id,
        },
      });
      const { rows: audit } = await api.runtime.pool.query(`SELECT category, type, actor_role FROM audit_log WHERE stream_id = $1`, [
        `gradeexport-${examId}`,
      ]);
      expect(audit).toEqual([{ category: 'gradeexport', type: 'GradesExported', actor_role: 'admin' }]);
    });

    it('writes the chosen coefficient and subject', async () => {
      const response = await download(admin, examId, `format=pronote&coefficient=0,5&subject=${encodeURIComponent('Maths spé')}`);
      const lines = Buffer.from(await response.arrayBuffer())
        .toString('utf8')
        .split('\r\n');
      expect(lines[1]).toBe(`Kerguélen;Maëlys;14/03/2008;Maths spé;16,25;0,5;"'=HYPERLINK(""http://evil.test"";""Cliquez"")"`);
      expect((await exportEvents()).at(-1)?.data.options).toEqual({ coefficient: 0.5, subject: 'Maths spé' });
    });

    it('sends the detailed CSV and the Excel workbook', async () => {
      const csv = await download(admin, examId, 'format=csv');
      expect(csv.headers.get('content-disposition')).toMatch(/_detail\.csv"; filename\*=UTF-8''\S+_detail\.csv$/);
      const lines = Buffer.from(await csv.arrayBuffer())
        .toString('utf8')
        .split('\r\n');
      expect(lines[0]).toBe(
        '\uFEFFClasse;Nom;Prénom;Date de naissance;Code anonyme;Statut;Exercice 1 › 1.a (/4);Exercice 1 › 1.b (/6);Exercice 2 (/10);Total;Barème;Note /20;Appréciation',
      );
      expect(lines[4]).toMatch(/^TG1;Martin;Lucas;02\/01\/2008;[^;]+;Corrigée;2;0,25;10;12,25;20;12,25;'\+2 points de soin$/);

      const xlsx = await download(admin, examId, 'format=xlsx');
      expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const sheet = strFromU8(unzipSync(new Uint8Array(await xlsx.arrayBuffer()))['xl/worksheets/sheet1.xml']!);
      expect(sheet).toContain('<dimension ref="A1:M7"/>');
      expect(sheet).toContain('<t>=HYPERLINK(&quot;http://evil.test&quot;;&quot;Cliquez&quot;)</t>');
      expect((await exportEvents()).map((e) => e.data.format)).toEqual(['pronote', 'pronote', 'csv', 'xlsx']);
    });

    it.each([
      ['format=pdf', 400, 'Format d’export inconnu'],
      ['', 400, 'Format d’export inconnu'],
      ['format=pronote&coefficient=0', 400, 'Coefficient invalide'],
      ['format=pronote&coefficient=0,125', 400, 'Coefficient invalide'],
      ['format=csv&coefficient=2', 400, 'ne s’appliquent qu’à l’export Pronote'],
      ['format=pronote&format=csv', 400, 'plusieurs fois'],
      ['format=pronote&colour=red', 400, 'Paramètre inconnu : colour'],
    ])('answers %s with %s', async (query, status, message) => {
      const response = await download(admin, examId, query);
      expect(response.status).toBe(status);
      expect(((await response.json()) as { message: string }).message).toContain(message);
    });

    it('answers 404 for an exam that does not exist', async () => {
      expect((await download(admin, randomUUID(), 'format=csv')).status).toBe(404);
      expect((await download(admin, 'not-an-id', 'format=csv')).status).toBe(404);
    });
  });

  const exportEvents = async () =>
    (await api.runtime.store.readStream(`gradeexport-${examId}`).catch(() => [])).map((event) => ({
      type: event.type,
      actorId: event.metadata.actorId,
      actorRole: event.metadata.actorRole,
      data: event.data as Record<string, unknown> & { options: unknown; format: string },
    }));
});

/** A GET as the portal sends it: the session cookie, and the CSRF header unless told not to. */
const download = (client: ApiClient, examId: string, query: string, options: { csrf?: boolean } = {}): Promise<Response> =>
  getFile(client.base, client, gradeExportUrl(examId, query), { csrf: options.csrf !== false });

const enroll = async (api: ApiHarness, lastName: string, firstName: string, birthDate: string, className = 'TG1'): Promise<string> => {
  const admin = await adminActor(api);
  const studentId = randomUUID();
  const data = { studentId, lastName, firstName, birthDate, className };
  const done = await executeCommand(
    api.runtime.store,
    studentStreamId(studentId),
    studentDecider,
    { type: 'EnrollStudent', data, metadata: { ...admin, now: new Date().toISOString() } },
    admin,
  );
  await api.runner.waitFor(done.position!, ['students'], 5000);
  return studentId;
};
