import { randomUUID } from 'node:crypto';
import { type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import {
  IMPORT_COPIES,
  assignCopy,
  awardScore,
  createExam,
  finalizeCopy,
  lockCopy,
  publishResults,
  signedInStudent,
} from '../support/copy-fixtures.js';
import { getFile, gradeExportUrl, pageImage, readyCorrectedPdf, sha256 } from '../support/file-fixtures.js';
import { errorCode, ok, signedInStaff } from '../support/school-fixtures.js';

/**
 * The exam's file journal (DESIGN §1 exports, audit): every file that left Korrigo through the real
 * routes — a grade export, a corrected copy downloaded by the exam office then by its student, the
 * class ZIP — listed newest first with who, in which role, what in French and the file's hash; the
 * copy named by its anonymous code only. An unknown exam is NOT_FOUND (like the ZIP's own query);
 * a known exam nothing left from has an empty journal.
 */
describe('the file journal of an exam', () => {
  let api: ApiHarness;
  let admin: ApiClient;
  let adminName: string;
  let corrector: { client: ApiClient; userId: string };
  let student: { client: ApiClient; studentId: string };
  let examId: string;
  let quietExamId: string;
  const copy = { id: '', code: '' };
  const hashes = { export: '', adminPdf: '', studentPdf: '', zip: '' };

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
    corrector = await signedInStaff(api, admin, 'TEACHER', 'morvan@lycee.test');
    student = await signedInStudent(api, { lastName: 'Kerguelen', firstName: 'Maëlys' });
    examId = await createExam(api, [corrector.userId]);
    quietExamId = await createExam(api, [corrector.userId]);
    adminName = (await api.runtime.pool.query<{ name: string }>(`SELECT display_name AS name FROM users WHERE role = 'admin'`)).rows[0]!
      .name;

    const page = async (number: number) => ({
      pageId: randomUUID(),
      number,
      imageBlobKey: (await api.runtime.blobs.put(await pageImage(number, true))).key,
      maskedImageBlobKey: (await api.runtime.blobs.put(await pageImage(number, false))).key,
    });
    const { importCopies } = ok(
      await admin.graphql<{ importCopies: { copyId: string; anonymousCode: string }[] }>(IMPORT_COPIES, {
        examId,
        scanId: randomUUID(),
        copies: [{ pages: [await page(1)] }, { pages: [await page(2)] }], // the second is never corrected: missing from the ZIP
      }),
    );
    [copy.id, copy.code] = [importCopies[0]!.copyId, importCopies[0]!.anonymousCode];
    ok(
      await admin.graphql(`mutation($c: ID!, $s: ID!) { identifyCopy(copyId: $c, studentId: $s) { status } }`, {
        c: copy.id,
        s: student.studentId,
      }),
    );
    await assignCopy(api, copy.id, corrector.userId);
    ok(await lockCopy(corrector.client, copy.id));
    for (const [questionId, points] of Object.entries({ q1a: 3, q1b: 4.5, q2: 7 }))
      ok(await awardScore(corrector.client, copy.id, questionId, points));
    ok(await finalizeCopy(corrector.client, copy.id));
    await readyCorrectedPdf(admin, copy.id);

    hashes.export = await fetched(admin, gradeExportUrl(examId, 'format=pronote&coefficient=2'), { csrf: true });
    hashes.adminPdf = await fetched(admin, pdfUrl(copy.id));
    await publishResults(api, examId);
    hashes.studentPdf = await fetched(student.client, pdfUrl(copy.id));
    hashes.zip = await fetched(admin, `/api/files/exams/${examId}/corrected.zip`);
    const head = await api.runtime.store.head();
    await api.runner.waitFor(head!.position, ['audit-log'], 5000);
  });
  afterAll(async () => {
    await api?.close();
  });

  /** The SHA-256 of a file fetched through its route, which must answer 200. */
  const fetched = async (client: ApiClient, target: string, options: { csrf?: boolean } = {}): Promise<string> => {
    const response = await getFile(api.base, client, target, options);
    expect(response.status).toBe(200);
    return sha256(new Uint8Array(await response.arrayBuffer()));
  };
  const pdfUrl = (copyId: string) => `/api/files/copies/${copyId}/corrected.pdf`;

  type Entry = {
    kind: string;
    actorName: string;
    actorRole: string | null;
    summary: string;
    anonymousCode: string | null;
    copyId: string | null;
    fileName: string | null;
    sha256: string | null;
    sha256Short: string | null;
    at: string;
  };
  type Page = { examId: string; items: Entry[]; nextCursor: string | null };
  const JOURNAL = `query($e: ID!, $k: [FileActivityKind!], $first: Int, $after: String) {
    examFileActivity(examId: $e, kinds: $k, first: $first, after: $after) {
      examId nextCursor items { kind actorName actorRole summary anonymousCode copyId fileName sha256 sha256Short at } } }`;
  const journal = (client: ApiClient, variables: { e: string; k?: string[]; first?: number; after?: string | null }) =>
    client.graphql<{ examFileActivity: Page }>(JOURNAL, variables);
  const journalOf = async (variables: Parameters<typeof journal>[1]): Promise<Page> => ok(await journal(admin, variables)).examFileActivity;

  describe('for the exam office', () => {
    it('lists every file that left, newest first, with who, in which role, what in French and its hash', async () => {
      const page = await journalOf({ e: examId });
      expect(page.nextCursor).toBeNull();
      expect(page.items.map(({ at: _at, fileName: _name, ...entry }) => entry)).toEqual([
        {
          kind: 'ARCHIVE',
          actorName: adminName,
          actorRole: 'admin',
          summary: 'Archive ZIP des copies corrigées (1 copie, 1 manquante)',
          anonymousCode: null,
          copyId: null,
          sha256: hashes.zip,
          sha256Short: hashes.zip.slice(0, 12),
        },
        {
          kind: 'CORRECTED_COPY',
          actorName: 'KERGUELEN Maëlys',
          actorRole: 'student',
          summary: `Copie corrigée ${copy.code} téléchargée (version nominative)`,
          anonymousCode: copy.code,
          copyId: copy.id,
          sha256: hashes.studentPdf,
          sha256Short: hashes.studentPdf.slice(0, 12),
        },
        {
          kind: 'CORRECTED_COPY',
          actorName: adminName,
          actorRole: 'admin',
          summary: `Copie corrigée ${copy.code} téléchargée (version nominative)`,
          anonymousCode: copy.code,
          copyId: copy.id,
          sha256: hashes.adminPdf,
          sha256Short: hashes.adminPdf.slice(0, 12),
        },
        {
          kind: 'GRADE_EXPORT',
          actorName: adminName,
          actorRole: 'admin',
          summary: 'Export Pronote (1 ligne, coefficient 2)',
          anonymousCode: null,
          copyId: null,
          sha256: hashes.export,
          sha256Short: hashes.export.slice(0, 12),
        },
      ]);
      expect(page.items[3]!.fileName).toMatch(/^notes_mathematiques_\d{4}-\d{2}-\d{2}_pronote\.csv$/);
      const times = page.items.map((entry) => Date.parse(entry.at));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
    });

    it('names a copy by its anonymous code only, whoever downloads it', async () => {
      const { items } = await journalOf({ e: examId, k: ['CORRECTED_COPY'] });
      expect(items).toHaveLength(2);
      for (const entry of items) expect(entry.summary).not.toMatch(/Kerguelen|Maëlys/i);
    });

    it('filters by kind', async () => {
      const kinds = async (k: string[]) => (await journalOf({ e: examId, k })).items.map((entry) => entry.kind);
      expect(await kinds(['GRADE_EXPORT'])).toEqual(['GRADE_EXPORT']);
      expect(await kinds(['ARCHIVE', 'GRADE_EXPORT'])).toEqual(['ARCHIVE', 'GRADE_EXPORT']);
      expect(await kinds([])).toEqual(['ARCHIVE', 'CORRECTED_COPY', 'CORRECTED_COPY', 'GRADE_EXPORT']);
    });

    it('pages through the journal without losing or repeating an entry', async () => {
      const all = (await journalOf({ e: examId })).items;
      const first = await journalOf({ e: examId, first: 3 });
      expect(first.items).toEqual(all.slice(0, 3));
      expect(first.nextCursor).not.toBeNull();
      const second = await journalOf({ e: examId, first: 3, after: first.nextCursor });
      expect(second).toEqual({ examId, items: all.slice(3), nextCursor: null });
    });

    it('keeps each exam’s files to itself, and shows an empty journal for an exam nothing left from', async () => {
      expect(await journalOf({ e: quietExamId })).toEqual({ examId: quietExamId, items: [], nextCursor: null });
    });

    it('answers NOT_FOUND for an unknown exam and BAD_USER_INPUT for a bad page', async () => {
      expect(errorCode(await journal(admin, { e: randomUUID() }))).toBe('NOT_FOUND');
      expect(errorCode(await journal(admin, { e: 'not-an-exam' }))).toBe('NOT_FOUND');
      expect(errorCode(await journal(admin, { e: examId, first: 0 }))).toBe('BAD_USER_INPUT');
      expect(errorCode(await journal(admin, { e: examId, first: 201 }))).toBe('BAD_USER_INPUT');
      expect(errorCode(await journal(admin, { e: examId, after: 'pas-un-curseur' }))).toBe('BAD_USER_INPUT');
      const forged = Buffer.from(JSON.stringify(['1; DROP TABLE audit_log', 'x', '0'])).toString('base64url');
      expect(errorCode(await journal(admin, { e: examId, after: forged }))).toBe('BAD_USER_INPUT');
    });
  });

  describe('a line the audit log indexed but the store cannot give back (a partial restore)', () => {
    it('stays on the record, told as unreadable, with its kind, actor and time', async () => {
      const examWithGap = await createExam(api, [corrector.userId]);
      const { rows } = await api.runtime.pool.query<{ user_id: string }>(`SELECT user_id FROM users WHERE role = 'admin'`);
      await api.runtime.pool.query(
        `INSERT INTO audit_log (event_id, stream_id, category, revision, type, actor_id, actor_role, recorded_at)
         VALUES ($1, $2, 'gradeexport', 0, 'GradesExported', $3, 'admin', now())`,
        [randomUUID(), `gradeexport-${examWithGap}`, rows[0]!.user_id],
      );
      const { items } = await journalOf({ e: examWithGap });
      expect(items.map(({ at: _at, ...entry }) => entry)).toEqual([
        {
          kind: 'GRADE_EXPORT',
          actorName: adminName,
          actorRole: 'admin',
          summary: `Événement illisible (gradeexport-${examWithGap}, révision 0)`,
          anonymousCode: null,
          copyId: null,
          fileName: null,
          sha256: null,
          sha256Short: null,
        },
      ]);
    });
  });

  describe('for anyone else', () => {
    it('is FORBIDDEN to a corrector of the exam and to the student whose copy it is', async () => {
      for (const client of [corrector.client, student.client]) {
        const result = await journal(client, { e: examId });
        expect(errorCode(result)).toBe('FORBIDDEN');
        expect(result.data).toBeUndefined();
      }
    });
  });
});
