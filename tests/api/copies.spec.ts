import { randomUUID } from 'node:crypto';
import { examStreamId } from '#domain';
import { checksumTables, copiesProjection, rebuildProjection } from '#projections';
import { type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import { errorCode, ok, signedInStaff } from '../support/school-fixtures.js';
import {
  COPY_FIELDS,
  IMPORT_COPIES,
  type ImportedCopy,
  addAnnotation,
  assignCopy,
  awardScore,
  correctedPdfsSettled,
  createExam,
  finalizeCopy,
  importCopies,
  lockCopy,
  publishResults,
  signedInStudent,
  tick,
} from '../support/copy-fixtures.js';

describe('copies through the API', () => {
  let api: ApiHarness;
  let admin: ApiClient;
  let teacher: { client: ApiClient; userId: string };
  let other: { client: ApiClient; userId: string };
  let examId: string;

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
    teacher = await signedInStaff(api, admin, 'TEACHER', 'martin@lycee.test');
    other = await signedInStaff(api, admin, 'TEACHER', 'durand@lycee.test');
    examId = await createExam(api, [teacher.userId, other.userId]);
  });
  afterAll(async () => {
    await api?.close();
  });

  /** A copy of the exam assigned to `teacher`, locked by them. */
  const lockedCopy = async (): Promise<ImportedCopy> => {
    const [copy] = await importCopies(admin, examId, 1);
    await assignCopy(api, copy!.copyId, teacher.userId);
    ok(await lockCopy(teacher.client, copy!.copyId));
    return copy!;
  };
  const identify = (copyId: string, studentId: string) =>
    admin.graphql<{ identifyCopy: { student: { lastName: string } | null; status: string } }>(
      `mutation($c: ID!, $s: ID!) { identifyCopy(copyId: $c, studentId: $s) { status student { lastName firstName } } }`,
      { c: copyId, s: studentId },
    );

  describe('importing copies', () => {
    it('gives each copy an anonymous code unique in the exam', async () => {
      const copies = await importCopies(admin, examId, 12);
      const codes = copies.map((copy) => copy.anonymousCode);
      expect(new Set(codes).size).toBe(12);
      for (const code of codes) expect(code).toMatch(/^K-[2-9A-HJKMNP-Z]{4}$/);
      const { copies: listed } = ok(
        await admin.graphql<{ copies: { copyId: string; status: string; pageCount: number }[] }>(
          `query($e: ID!) { copies(examId: $e) { copyId status pageCount } }`,
          { e: examId },
        ),
      );
      expect(listed.filter((copy) => copies.some((c) => c.copyId === copy.copyId))).toHaveLength(12);
      expect(listed.every((copy) => copy.status === 'IMPORTED' && copy.pageCount === 2)).toBe(true);
    });

    it('answers a retried import with the same copies and codes, writing nothing twice', async () => {
      const copies = [{ copyId: randomUUID(), pages: [{ pageId: randomUUID(), number: 1 }] }];
      const first = ok(
        await admin.graphql<{ importCopies: { anonymousCode: string }[] }>(IMPORT_COPIES, { examId, scanId: randomUUID(), copies }),
      );
      const again = ok(
        await admin.graphql<{ importCopies: { anonymousCode: string }[] }>(IMPORT_COPIES, { examId, scanId: randomUUID(), copies }),
      );
      expect(again.importCopies).toEqual(first.importCopies);
      expect(await api.runtime.store.readStream(`copy-${copies[0]!.copyId}`)).toHaveLength(1);
    });

    it('refuses an import into an unknown exam and an import by a teacher', async () => {
      const copies = [{ pages: [{ pageId: randomUUID(), number: 1 }] }];
      expect(errorCode(await admin.graphql(IMPORT_COPIES, { examId: randomUUID(), scanId: randomUUID(), copies }))).toBe('NOT_FOUND');
      expect(errorCode(await teacher.client.graphql(IMPORT_COPIES, { examId, scanId: randomUUID(), copies }))).toBe('FORBIDDEN');
    });
  });

  describe('identifying copies', () => {
    it('names the student for the exam office, and refuses a second copy for the same student', async () => {
      const { studentId } = await signedInStudent(api, { lastName: 'Lefèvre', firstName: 'Inès' });
      const [a, b] = await importCopies(admin, examId, 2);
      expect(ok(await identify(a!.copyId, studentId)).identifyCopy).toEqual({
        status: 'IDENTIFIED',
        student: { lastName: 'Lefèvre', firstName: 'Inès' },
      });
      expect(ok(await identify(a!.copyId, studentId)).identifyCopy.status).toBe('IDENTIFIED'); // the same again is harmless
      expect(errorCode(await identify(b!.copyId, studentId))).toBe('CONFLICT');
    });

    it('frees the student when the identification is cleared', async () => {
      const { studentId } = await signedInStudent(api, { lastName: 'Moreau', firstName: 'Hugo' });
      const [a, b] = await importCopies(admin, examId, 2);
      ok(await identify(a!.copyId, studentId));
      const cleared = ok(
        await admin.graphql<{ clearIdentification: { student: unknown; status: string } }>(
          `mutation($c: ID!) { clearIdentification(copyId: $c, reason: "mauvais élève") { status student { lastName } } }`,
          { c: a!.copyId },
        ),
      );
      expect(cleared.clearIdentification).toEqual({ status: 'IMPORTED', student: null });
      expect(ok(await identify(b!.copyId, studentId)).identifyCopy.status).toBe('IDENTIFIED');
    });

    it('lets exactly one of two racing identifications of a student win', async () => {
      const { studentId } = await signedInStudent(api, { lastName: 'Petit', firstName: 'Léa' });
      const copies = await importCopies(admin, examId, 4);
      const results = await Promise.all(copies.map((copy) => identify(copy.copyId, studentId)));
      expect(results.filter((result) => !result.errors)).toHaveLength(1);
      expect(results.filter((result) => errorCode(result) === 'CONFLICT')).toHaveLength(3);
    });

    it('refuses an unknown student, and identification by a teacher', async () => {
      const [copy] = await importCopies(admin, examId, 1);
      expect(errorCode(await identify(copy!.copyId, randomUUID()))).toBe('NOT_FOUND');
      const byTeacher = await teacher.client.graphql(`mutation($c: ID!, $s: ID!) { identifyCopy(copyId: $c, studentId: $s) { status } }`, {
        c: copy!.copyId,
        s: randomUUID(),
      });
      expect(errorCode(byTeacher)).toBe('FORBIDDEN');
    });

    it('flags a copy with a reason and a note', async () => {
      const [copy] = await importCopies(admin, examId, 1);
      const { flagCopy } = ok(
        await admin.graphql<{ flagCopy: { flags: unknown[] } }>(
          `mutation($c: ID!) { flagCopy(copyId: $c, reason: MISSING_PAGES, note: "page 3 absente") { flags { reason note } } }`,
          { c: copy!.copyId },
        ),
      );
      expect(flagCopy.flags).toEqual([{ reason: 'MISSING_PAGES', note: 'page 3 absente' }]);
    });
  });

  describe('a corrector', () => {
    it('never receives a student name, not even in raw responses', async () => {
      const { studentId } = await signedInStudent(api, { lastName: 'Zéphyrin', firstName: 'Apolline' });
      const copy = await lockedCopy();
      ok(await identify(copy.copyId, studentId));
      const responses = [
        await teacher.client.graphql(`query($c: ID!) { copy(copyId: $c) { ${COPY_FIELDS} } }`, { c: copy.copyId }),
        await teacher.client.graphql(`{ myCopies { copyId anonymousCode status correctorId lock { holderName } } }`),
        await addAnnotation(teacher.client, copy.copyId, tick(copy.pageIds[0]!)),
        await teacher.client.graphql(`query($e: ID!) { lotStatistics(examId: $e) { lot { copies } exam { copies } } }`, { e: examId }),
      ];
      for (const response of responses) {
        expect(response.errors).toBeUndefined();
        const raw = JSON.stringify(response);
        expect(raw).not.toMatch(/Zéphyrin|Apolline/);
        expect(raw).not.toContain(studentId);
      }
      const asked = await teacher.client.graphql(`query($c: ID!) { copy(copyId: $c) { student { lastName } } }`, { c: copy.copyId });
      expect(errorCode(asked)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(
        errorCode(await teacher.client.graphql(`query($c: ID!) { adminCopy(copyId: $c) { student { lastName } } }`, { c: copy.copyId })),
      ).toBe('FORBIDDEN');
      expect(errorCode(await teacher.client.graphql(`query($e: ID!) { copies(examId: $e) { copyId } }`, { e: examId }))).toBe('FORBIDDEN');
    });

    it('sees only the copies of their lot', async () => {
      const copy = await lockedCopy();
      expect(errorCode(await other.client.graphql(`query($c: ID!) { copy(copyId: $c) { copyId } }`, { c: copy.copyId }))).toBe('FORBIDDEN');
      const { myCopies } = ok(await other.client.graphql<{ myCopies: { copyId: string }[] }>(`{ myCopies { copyId } }`));
      expect(myCopies.map((c) => c.copyId)).not.toContain(copy.copyId);
      const mine = ok(
        await teacher.client.graphql<{ myCopies: { copyId: string; status: string }[] }>(
          `query($e: ID) { myCopies(examId: $e) { copyId status } }`,
          { e: examId },
        ),
      );
      expect(mine.myCopies).toContainEqual({ copyId: copy.copyId, status: 'IN_PROGRESS' });
    });
  });

  describe('scoring', () => {
    it('clamps points to [0, max] and rounds them to the question’s step', async () => {
      const copy = await lockedCopy();
      const score = async (questionId: string, points: number) =>
        ok(await awardScore(teacher.client, copy.copyId, questionId, points)).awardScore.scores.find((s) => s.questionId === questionId)
          ?.points;
      expect(await score('q1a', 4.3)).toBe(4);
      expect(await score('q1a', 1.24)).toBe(1);
      expect(await score('q1a', 1.25)).toBe(1.5);
      expect(await score('q1a', -3)).toBe(0);
      expect(await score('q1b', 1.3)).toBe(1.25);
      expect(await score('q2', 99)).toBe(10);
      expect(errorCode(await awardScore(teacher.client, copy.copyId, 'q1', 1))).toBe('BAD_USER_INPUT'); // a parent is not scored
      expect(ok(await awardScore(teacher.client, copy.copyId, 'q2', 7)).awardScore.total).toBe(8.25);
    });

    it('records on the exam that scoring started, at the first score', async () => {
      const freshExam = await createExam(api, [teacher.userId]);
      const [copy] = await importCopies(admin, freshExam, 1);
      await assignCopy(api, copy!.copyId, teacher.userId);
      ok(await lockCopy(teacher.client, copy!.copyId));
      const types = async () => (await api.runtime.store.readStream(examStreamId(freshExam))).map((event) => event.type);
      expect(await types()).not.toContain('ScoringStarted');
      ok(await awardScore(teacher.client, copy!.copyId, 'q2', 3));
      ok(await awardScore(teacher.client, copy!.copyId, 'q2', 4));
      expect((await types()).filter((type) => type === 'ScoringStarted')).toHaveLength(1);
    });

    it('refuses a score from a corrector without the lock', async () => {
      const [copy] = await importCopies(admin, examId, 1);
      await assignCopy(api, copy!.copyId, teacher.userId);
      expect(errorCode(await awardScore(teacher.client, copy!.copyId, 'q2', 3))).toBe('FORBIDDEN');
    });
  });

  describe('finalising and reopening', () => {
    const scoreAll = async (copyId: string) => {
      for (const [question, points] of [
        ['q1a', 3],
        ['q1b', 4.5],
        ['q2', 8],
      ] as const)
        ok(await awardScore(teacher.client, copyId, question, points));
    };

    it('needs every question scored, totals the copy and releases the lock', async () => {
      const copy = await lockedCopy();
      ok(await awardScore(teacher.client, copy.copyId, 'q1a', 3));
      const early = await finalizeCopy(teacher.client, copy.copyId);
      expect(errorCode(early)).toBe('BAD_USER_INPUT');
      expect(early.errors?.[0]?.message).toMatch(/q1b, q2/);
      await scoreAll(copy.copyId);
      expect(ok(await finalizeCopy(teacher.client, copy.copyId)).finalizeCopy).toEqual({
        status: 'FINALISED',
        total: 15.5,
        max: 20,
        lock: null,
      });
      expect(errorCode(await addAnnotation(teacher.client, copy.copyId, tick(copy.pageIds[0]!)))).toBe('CONFLICT');
      expect(errorCode(await lockCopy(teacher.client, copy.copyId))).toBe('CONFLICT');
    });

    it('is reopened by an admin with a reason, and corrected again after a new lock', async () => {
      const copy = await lockedCopy();
      await scoreAll(copy.copyId);
      ok(await finalizeCopy(teacher.client, copy.copyId));
      const reopen = `mutation($c: ID!, $r: String!) { reopenCopy(copyId: $c, reason: $r) { status lock { holderId } } }`;
      expect(errorCode(await teacher.client.graphql(reopen, { c: copy.copyId, r: 'erreur' }))).toBe('FORBIDDEN');
      expect(errorCode(await admin.graphql(reopen, { c: copy.copyId, r: ' ' }))).toBe('BAD_USER_INPUT');
      expect(ok(await admin.graphql<{ reopenCopy: unknown }>(reopen, { c: copy.copyId, r: 'Réclamation de l’élève' })).reopenCopy).toEqual({
        status: 'IN_PROGRESS',
        lock: null,
      });
      expect(errorCode(await awardScore(teacher.client, copy.copyId, 'q2', 10))).toBe('FORBIDDEN');
      ok(await lockCopy(teacher.client, copy.copyId));
      ok(await awardScore(teacher.client, copy.copyId, 'q2', 10));
      expect(ok(await finalizeCopy(teacher.client, copy.copyId)).finalizeCopy).toMatchObject({ status: 'FINALISED', total: 17.5 });
    });

    it('keeps remarks and the appreciation with the copy', async () => {
      const copy = await lockedCopy();
      const { writeRemark } = ok(
        await teacher.client.graphql<{ writeRemark: { remarks: unknown[] } }>(
          `mutation($c: ID!) { writeRemark(copyId: $c, questionId: "q2", text: "Bonne démarche") { remarks { questionId text } } }`,
          { c: copy.copyId },
        ),
      );
      expect(writeRemark.remarks).toEqual([{ questionId: 'q2', text: 'Bonne démarche' }]);
      const { writeAppreciation } = ok(
        await teacher.client.graphql<{ writeAppreciation: { appreciation: string } }>(
          `mutation($c: ID!) { writeAppreciation(copyId: $c, text: "Sérieux") { appreciation } }`,
          { c: copy.copyId },
        ),
      );
      expect(writeAppreciation.appreciation).toBe('Sérieux');
    });
  });

  describe('the copies read model', () => {
    it('is rebuilt from the events to the very same rows', async () => {
      const copy = await lockedCopy();
      ok(await addAnnotation(teacher.client, copy.copyId, tick(copy.pageIds[1]!)));
      ok(await awardScore(teacher.client, copy.copyId, 'q2', 6));
      // A page moved between two copies fills the page-transfer table too.
      const [from, to] = await importCopies(admin, examId, 2);
      ok(
        await admin.graphql(`mutation($p: ID!, $t: ID!) { movePage(pageId: $p, toCopyId: $t) { copyId } }`, {
          p: from!.pageIds[1],
          t: to!.copyId,
        }),
      );
      const checksums = async () => {
        const db = await api.runtime.pool.connect();
        try {
          return await checksumTables(db, copiesProjection);
        } finally {
          db.release();
        }
      };
      await correctedPdfsSettled(api); // the PDF processor writes after a finalisation: start from a settled store
      const before = await checksums();
      await rebuildProjection(api.runtime.pool, copiesProjection);
      // The runner hears of the reset by notification, then replays: wait for the rows to come back.
      const deadline = Date.now() + 15_000;
      let after = await checksums();
      while (JSON.stringify(after) !== JSON.stringify(before) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        after = await checksums();
      }
      expect(after).toEqual(before);
      expect(Object.values(before).every((sum) => !sum.startsWith('0:'))).toBe(true);
    });
  });

  describe('statistics and results', () => {
    it('compares a lot with the whole exam on /20', async () => {
      const statsExam = await createExam(api, [teacher.userId, other.userId]);
      const copies = await importCopies(admin, statsExam, 3);
      const marks: [typeof teacher, number][] = [
        [teacher, 8],
        [teacher, 4],
        [other, 10],
      ];
      for (const [index, [who, q2]] of marks.entries()) {
        const copyId = copies[index]!.copyId;
        await assignCopy(api, copyId, who.userId);
        ok(await lockCopy(who.client, copyId));
        for (const [question, points] of [
          ['q1a', 2],
          ['q1b', 2],
          ['q2', q2],
        ] as const)
          ok(await awardScore(who.client, copyId, question, points));
        ok(await finalizeCopy(who.client, copyId));
      }
      const { lotStatistics } = ok(
        await teacher.client.graphql<{ lotStatistics: { lot: Record<string, unknown>; exam: Record<string, unknown> } }>(
          `query($e: ID!) { lotStatistics(examId: $e) { lot { copies finalised mean median standardDeviation histogram } exam { copies finalised mean median } } }`,
          { e: statsExam },
        ),
      );
      expect(lotStatistics.lot).toMatchObject({ copies: 2, finalised: 2, mean: 10, median: 10, standardDeviation: 2 });
      expect((lotStatistics.lot.histogram as number[])[12]).toBe(1);
      expect(lotStatistics.exam).toMatchObject({ copies: 3, finalised: 3, mean: 11.33, median: 12 });
      const outsider = await signedInStaff(api, admin, 'TEACHER', 'nobody@lycee.test');
      expect(
        errorCode(await outsider.client.graphql(`query($e: ID!) { lotStatistics(examId: $e) { lot { copies } } }`, { e: statsExam })),
      ).toBe('FORBIDDEN');
    });

    it('shows a student their own copy once results are published, and nobody else’s', async () => {
      const resultsExam = await createExam(api, [teacher.userId]);
      const alice = await signedInStudent(api, { lastName: 'Bernard', firstName: 'Alice' });
      const bob = await signedInStudent(api, { lastName: 'Robert', firstName: 'Bob' });
      const [copy] = await importCopies(admin, resultsExam, 1);
      ok(await identify(copy!.copyId, alice.studentId));
      await assignCopy(api, copy!.copyId, teacher.userId);
      ok(await lockCopy(teacher.client, copy!.copyId));
      for (const [question, points] of [
        ['q1a', 4],
        ['q1b', 5],
        ['q2', 6],
      ] as const)
        ok(await awardScore(teacher.client, copy!.copyId, question, points));
      ok(
        await teacher.client.graphql(`mutation($c: ID!) { writeRemark(copyId: $c, questionId: "q1b", text: "Presque") { copyId } }`, {
          c: copy!.copyId,
        }),
      );
      ok(
        await teacher.client.graphql(`mutation($c: ID!) { writeAppreciation(copyId: $c, text: "Bon travail") { copyId } }`, {
          c: copy!.copyId,
        }),
      );
      ok(await finalizeCopy(teacher.client, copy!.copyId));
      const results = `{ myResults { examId copyId total max totalOn20 appreciation questions { questionId label maxPoints points remark } } }`;
      expect(ok(await alice.client.graphql<{ myResults: unknown[] }>(results)).myResults).toEqual([]);
      await publishResults(api, resultsExam);
      const { myResults } = ok(await alice.client.graphql<{ myResults: Record<string, unknown>[] }>(results));
      expect(myResults).toEqual([
        {
          examId: resultsExam,
          copyId: copy!.copyId,
          total: 15,
          max: 20,
          totalOn20: 15,
          appreciation: 'Bon travail',
          questions: [
            { questionId: 'q1a', label: 'Exercice 1 › 1.a', maxPoints: 4, points: 4, remark: null },
            { questionId: 'q1b', label: 'Exercice 1 › 1.b', maxPoints: 6, points: 5, remark: 'Presque' },
            { questionId: 'q2', label: 'Exercice 2', maxPoints: 10, points: 6, remark: null },
          ],
        },
      ]);
      expect(ok(await bob.client.graphql<{ myResults: unknown[] }>(results)).myResults).toEqual([]);
      expect(errorCode(await teacher.client.graphql(results))).toBe('FORBIDDEN');
      expect(errorCode(await alice.client.graphql(`query($c: ID!) { copy(copyId: $c) { copyId } }`, { c: copy!.copyId }))).toBe(
        'FORBIDDEN',
      );
    });
  });
});
