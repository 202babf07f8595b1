import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PostgresEventStore } from '#event-store';
import { allProjections } from '#projections';
import { LocalBlobStore } from '../../apps/api/src/runtime/blob-store.js';
import type { OpsRuntime } from '../../ops/src/ops-runtime.js';
import { type ReadModelChecksums, readModelChecksums } from '../../ops/src/read-models.js';
import { restore } from '../../ops/src/restore.js';
import { snapshot } from '../../ops/src/snapshot.js';
import { type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import { type TestDatabase, createTestDatabase } from '../support/pg.js';
import {
  NEW_PASSWORD,
  changePassword,
  createStaff,
  errorCode,
  importRoster,
  issueAccess,
  ok,
  pronoteFile,
} from '../support/school-fixtures.js';

/**
 * A mock exam from start to finish on the running app, through GraphQL only (issue: "roster import →
 * exam with scale → copies imported → identified → dispatched → locked → annotated → scored →
 * force-released → re-locked → finalised → published → the student reads it; and the same read models
 * after `ops snapshot` + `ops restore` into a fresh data folder").
 */

const ROSTER = pronoteFile([
  'BERTHELOT Camille;14/02/2008;camille.berthelot@eleve.test;TG3;',
  'DUBOIS-LEMAIRE Énora;30/07/2008;;TG3;',
  'GUÉGUEN Maïwenn;09/10/2008;;TG3;',
  'LE BIHAN Erwan;22/01/2008;;TG3;',
]);

const SCALE = [
  {
    questionId: 'ex1',
    label: 'Exercice 1 — Mécanique',
    children: [
      { questionId: 'ex1-q1', label: '1. Bilan des forces', maxPoints: 3, step: 0.5 },
      { questionId: 'ex1-q2', label: '2. Deuxième loi de Newton', maxPoints: 5, step: 0.5 },
    ],
  },
  { questionId: 'ex2', label: 'Exercice 2 — Chimie organique', maxPoints: 7, step: 0.25 },
  { questionId: 'ex3', label: 'Exercice 3 — Ondes', maxPoints: 5, step: 1 },
];
const LEAVES = ['ex1-q1', 'ex1-q2', 'ex2', 'ex3'] as const;

/** Points per question, by student's last name, in the order of LEAVES. */
const MARKS: Record<string, readonly number[]> = {
  BERTHELOT: [2.5, 4, 5.75, 4],
  'DUBOIS-LEMAIRE': [3, 3.5, 6.25, 3],
  GUÉGUEN: [1.5, 2, 4.5, 2],
  'LE BIHAN': [2, 4.5, 7, 5],
};
const total = (lastName: string): number => MARKS[lastName]!.reduce((sum, points) => sum + points, 0);

const EXAM_FIELDS = `examId title subject date published publishedAt scaleVersion maxPoints
  progress { copies identified assigned inProgress finalised expectedStudents }
  correctors { userId displayName assignedCopies finalisedCopies }`;
const COPIES = `query($e: ID!) { copies(examId: $e) { copyId anonymousCode status correctorId total max student { studentId lastName firstName } } }`;
const RESULTS = `{ myResults { examId copyId title subject date publishedAt total max totalOn20 appreciation
  questions { questionId label maxPoints points remark } pages { pageId number position } annotations { annotationId kind text x y } } }`;

type Teacher = { client: ApiClient; userId: string; name: string };
type Result = { copyId: string; total: number; max: number; totalOn20: number; appreciation: string; questions: Record<string, unknown>[] };

describe('a mock exam from the roster to the students’ results, then through snapshot and restore', () => {
  let api: ApiHarness;
  let admin: ApiClient;
  let examId: string;
  const students = new Map<string, { studentId: string; firstName: string }>();
  const teachers: Teacher[] = [];
  const copies: { copyId: string; anonymousCode: string; pageIds: string[]; blobKeys: string[] }[] = [];
  const studentOf = new Map<string, string>(); // copyId → last name
  let camille: ApiClient;
  let camilleLogin: string;
  let published: Result[];
  let dir: string;

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
    dir = await mkdtemp(path.join(os.tmpdir(), 'korrigo-scenario-'));
  });
  afterAll(async () => {
    await api?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const exam = async () =>
    ok(
      await admin.graphql<{
        exam: {
          published: boolean;
          progress: Record<string, number>;
          correctors: { userId: string; assignedCopies: number; finalisedCopies: number }[];
        };
      }>(`query($e: ID!) { exam(examId: $e) { ${EXAM_FIELDS} } }`, { e: examId }),
    ).exam;

  it('imports the class roster from a Pronote export', async () => {
    const report = await importRoster(admin, ROSTER);
    expect(report).toMatchObject({ format: 'pronote', created: 4, errors: 0 });
    const { students: roster } = ok(
      await admin.graphql<{ students: { studentId: string; lastName: string; firstName: string }[] }>(
        `{ students(className: "TG3") { studentId lastName firstName } }`,
      ),
    );
    for (const student of roster) students.set(student.lastName, student);
    expect([...students.keys()].sort()).toEqual(Object.keys(MARKS).sort());
    expect(students.get('GUÉGUEN')!.firstName).toBe('Maïwenn');
  });

  it('creates the exam with its grading scale and its two correctors', async () => {
    const { createExam } = ok(
      await admin.graphql<{ createExam: { examId: string } }>(
        `mutation { createExam(title: "Bac blanc de physique-chimie", subject: "Physique-chimie", date: "2025-01-23", classNames: ["TG3"]) { examId } }`,
      ),
    );
    examId = createExam.examId;
    const { defineGradingScale } = ok(
      await admin.graphql<{ defineGradingScale: { scaleVersion: number; maxPoints: number } }>(
        `mutation($e: ID!, $q: [GradingQuestionInput!]!) { defineGradingScale(examId: $e, questions: $q) { scaleVersion maxPoints } }`,
        { e: examId, q: SCALE },
      ),
    );
    expect(defineGradingScale).toEqual({ scaleVersion: 1, maxPoints: 20 });
    for (const [email, name] of [
      ['helene.quemener@lycee.test', 'Hélène Quéméner'],
      ['yves.lefloch@lycee.test', 'Yves Le Floch'],
    ] as const) {
      const { userId, temporaryPassword } = await createStaff(admin, 'TEACHER', email, name);
      const client = api.client();
      ok(await client.signIn('TEACHER', email, temporaryPassword));
      ok(await changePassword(client, temporaryPassword));
      teachers.push({ client, userId, name });
    }
    ok(
      await admin.graphql(`mutation($e: ID!, $ids: [ID!]!) { assignCorrectors(examId: $e, correctorIds: $ids) { examId } }`, {
        e: examId,
        ids: teachers.map((teacher) => teacher.userId),
      }),
    );
    expect((await exam()).progress).toMatchObject({ copies: 0, expectedStudents: 4 });
  });

  it('imports the scanned copies, their page images in the blob store', async () => {
    const input = await Promise.all(
      Object.keys(MARKS).map(async (_, index) => ({
        copyId: randomUUID(),
        pages: await Promise.all(
          [1, 2].map(async (page) => ({
            pageId: randomUUID(),
            number: index * 2 + page,
            imageBlobKey: (await api.runtime.blobs.put(Buffer.concat([Buffer.from('\x89PNG page '), randomBytes(1500)]))).key,
          })),
        ),
      })),
    );
    const { importCopies } = ok(
      await admin.graphql<{ importCopies: { copyId: string; anonymousCode: string; status: string; pageCount: number }[] }>(
        `mutation($e: ID!, $s: ID!, $c: [ImportCopyInput!]!) { importCopies(examId: $e, scanId: $s, copies: $c) { copyId anonymousCode status pageCount } }`,
        { e: examId, s: randomUUID(), c: input },
      ),
    );
    expect(importCopies.map((copy) => [copy.status, copy.pageCount])).toEqual(input.map(() => ['IMPORTED', 2]));
    for (const [index, copy] of importCopies.entries()) {
      copies.push({
        ...copy,
        pageIds: input[index]!.pages.map((page) => page.pageId),
        blobKeys: input[index]!.pages.map((page) => page.imageBlobKey),
      });
    }
    expect(new Set(copies.map((copy) => copy.anonymousCode)).size).toBe(4);
  });

  it('identifies every copy’s student at the desk', async () => {
    for (const [index, lastName] of Object.keys(MARKS).entries()) {
      const copy = copies[index]!;
      const { identifyCopy } = ok(
        await admin.graphql<{ identifyCopy: { status: string; student: { lastName: string } } }>(
          `mutation($c: ID!, $s: ID!) { identifyCopy(copyId: $c, studentId: $s) { status student { lastName } } }`,
          { c: copy.copyId, s: students.get(lastName)!.studentId },
        ),
      );
      expect(identifyCopy).toEqual({ status: 'IDENTIFIED', student: { lastName } });
      studentOf.set(copy.copyId, lastName);
    }
    expect((await exam()).progress).toMatchObject({ copies: 4, identified: 4 });
  });

  it('dispatches the copies fairly between the two correctors, who see them by anonymous code only', async () => {
    const { dispatchCopies } = ok(
      await admin.graphql<{ dispatchCopies: { moved: number; run: { loads: { copies: number }[] } } }>(
        `mutation($e: ID!) { dispatchCopies(examId: $e) { moved run { loads { copies } } } }`,
        { e: examId },
      ),
    );
    expect(dispatchCopies.moved).toBe(4);
    expect(dispatchCopies.run.loads.map((load) => load.copies)).toEqual([2, 2]);
    for (const teacher of teachers) {
      const result = await teacher.client.graphql<{ myCopies: { copyId: string; anonymousCode: string; status: string }[] }>(
        `query($e: ID) { myCopies(examId: $e) { copyId anonymousCode status pageCount } }`,
        { e: examId },
      );
      expect(ok(result).myCopies.map((copy) => copy.status)).toEqual(['ASSIGNED', 'ASSIGNED']);
      for (const [lastName, { firstName }] of students)
        expect(JSON.stringify(result)).not.toMatch(new RegExp(`${lastName}|${firstName}`, 'i'));
    }
  });

  it('is corrected: locked, annotated and scored; one copy force-released, re-locked and finished; all finalised', async () => {
    const lock = `mutation($c: ID!) { lockCopy(copyId: $c) { lock { holderId } } }`;
    const annotate = `mutation($c: ID!, $a: AnnotationInput!) { addAnnotation(copyId: $c, annotation: $a) { annotations { annotationId } } }`;
    const score = `mutation($c: ID!, $q: ID!, $p: Float!) { awardScore(copyId: $c, questionId: $q, points: $p) { total } }`;
    const remark = `mutation($c: ID!, $q: ID!, $t: String!) { writeRemark(copyId: $c, questionId: $q, text: $t) { remarks { questionId } } }`;
    const appreciation = `mutation($c: ID!, $t: String!) { writeAppreciation(copyId: $c, text: $t) { appreciation } }`;
    const finalize = `mutation($c: ID!) { finalizeCopy(copyId: $c) { status total max lock { holderId } } }`;
    let forced: string | null = null;
    for (const teacher of teachers) {
      const { myCopies } = ok(await teacher.client.graphql<{ myCopies: { copyId: string }[] }>(`{ myCopies { copyId } }`));
      for (const { copyId } of myCopies) {
        const lastName = studentOf.get(copyId)!;
        const copy = copies.find((c) => c.copyId === copyId)!;
        expect(
          ok(await teacher.client.graphql<{ lockCopy: { lock: { holderId: string } } }>(lock, { c: copyId })).lockCopy.lock.holderId,
        ).toBe(teacher.userId);
        ok(
          await teacher.client.graphql(annotate, {
            c: copyId,
            a: { annotationId: randomUUID(), pageId: copy.pageIds[0], kind: 'TICK', x: 0.2, y: 0.3 },
          }),
        );
        ok(
          await teacher.client.graphql(annotate, {
            c: copyId,
            a: { annotationId: randomUUID(), pageId: copy.pageIds[1], kind: 'COMMENT', x: 0.6, y: 0.4, text: 'Unité manquante' },
          }),
        );
        for (const [index, questionId] of LEAVES.entries()) {
          if (!forced && index === 2) {
            // The exam office takes the copy back mid-correction: the corrector's next write is refused.
            const { lockBoard } = ok(
              await admin.graphql<{ lockBoard: { copyId: string; holderName: string }[] }>(`{ lockBoard { copyId holderName } }`),
            );
            expect(lockBoard).toContainEqual({ copyId, holderName: teacher.name });
            ok(
              await admin.graphql(`mutation($c: ID!, $r: String!) { forceReleaseCopyLock(copyId: $c, reason: $r) { lock { holderId } } }`, {
                c: copyId,
                r: 'Vérification du barème par le secrétariat d’examen',
              }),
            );
            expect(errorCode(await teacher.client.graphql(score, { c: copyId, q: questionId, p: MARKS[lastName]![index] }))).toBe(
              'FORBIDDEN',
            );
            ok(await teacher.client.graphql(lock, { c: copyId }));
            forced = copyId;
          }
          ok(await teacher.client.graphql(score, { c: copyId, q: questionId, p: MARKS[lastName]![index] }));
        }
        ok(await teacher.client.graphql(remark, { c: copyId, q: 'ex2', t: 'Nomenclature à revoir.' }));
        ok(await teacher.client.graphql(appreciation, { c: copyId, t: 'Copie sérieuse, des efforts de rédaction à poursuivre.' }));
        const { finalizeCopy } = ok(await teacher.client.graphql<{ finalizeCopy: Record<string, unknown> }>(finalize, { c: copyId }));
        expect(finalizeCopy).toEqual({ status: 'FINALISED', total: total(lastName), max: 20, lock: null });
      }
    }
    expect(forced).not.toBeNull();
    const { copyHistory } = ok(
      await admin.graphql<{ copyHistory: { type: string }[] }>(`query($c: ID!) { copyHistory(copyId: $c) { type } }`, { c: forced }),
    );
    const types = copyHistory.map((entry) => entry.type);
    expect(types.filter((type) => type === 'CopyLocked')).toHaveLength(2);
    expect(types.indexOf('LockForceReleased')).toBeGreaterThan(types.indexOf('CopyLocked'));
    expect(types.indexOf('CopyFinalized')).toBeGreaterThan(types.lastIndexOf('CopyLocked'));
    expect((await exam()).progress).toMatchObject({ copies: 4, identified: 4, assigned: 4, finalised: 4 });
  });

  it('publishes the results, and a student reads her own corrected copy', async () => {
    const { publishResults } = ok(
      await admin.graphql<{ publishResults: { published: boolean } }>(`mutation($e: ID!) { publishResults(examId: $e) { published } }`, {
        e: examId,
      }),
    );
    expect(publishResults.published).toBe(true);
    const [slip] = await issueAccess(admin, { ids: [students.get('BERTHELOT')!.studentId] });
    camilleLogin = slip!.login;
    camille = api.client();
    ok(await camille.signIn('STUDENT', slip!.login, slip!.code));
    ok(await changePassword(camille, slip!.code));
    published = ok(await camille.graphql<{ myResults: Result[] }>(RESULTS)).myResults;
    const mine = copies.find((copy) => studentOf.get(copy.copyId) === 'BERTHELOT')!;
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      copyId: mine.copyId,
      total: 16.25,
      max: 20,
      totalOn20: 16.25,
      appreciation: 'Copie sérieuse, des efforts de rédaction à poursuivre.',
    });
    expect(published[0]!.questions).toEqual([
      { questionId: 'ex1-q1', label: 'Exercice 1 — Mécanique › 1. Bilan des forces', maxPoints: 3, points: 2.5, remark: null },
      { questionId: 'ex1-q2', label: 'Exercice 1 — Mécanique › 2. Deuxième loi de Newton', maxPoints: 5, points: 4, remark: null },
      { questionId: 'ex2', label: 'Exercice 2 — Chimie organique', maxPoints: 7, points: 5.75, remark: 'Nomenclature à revoir.' },
      { questionId: 'ex3', label: 'Exercice 3 — Ondes', maxPoints: 5, points: 4, remark: null },
    ]);
  });

  describe('after `ops snapshot` and `ops restore` into a fresh database', () => {
    let target: OpsRuntime & { db: TestDatabase; store: PostgresEventStore };
    let restoredApi: ApiHarness | undefined;
    let original: ReadModelChecksums;
    let restored: ReadModelChecksums;

    beforeAll(async () => {
      const head = await api.runtime.store.head();
      expect(await api.runner.waitFor(head!.position, undefined, 10_000)).toBe(true);
      original = await readModelChecksums(api.runtime.pool, allProjections);
      const archive = path.join(dir, 'bac-blanc.tar');
      const taken = await snapshot(api.runtime, { out: archive });
      expect(taken).toMatchObject({ events: Number(await api.runtime.store.countEvents()), missingBlobs: [], corruptBlobs: [] });

      const db = await createTestDatabase();
      target = {
        db,
        pool: db.pool,
        store: await PostgresEventStore.create(db.pool, { pollIntervalMs: 100 }),
        blobs: new LocalBlobStore(path.join(dir, 'blobs')),
      };
      const result = await restore(target, archive);
      expect(result.problems).toEqual([]);
      expect(result.events).toBe(taken.events);
      restored = result.checksums;
      await target.store.close(); // the API started on this database below opens its own
    });
    afterAll(async () => {
      if (restoredApi)
        await restoredApi.close(); // drops the target database too
      else if (target) await target.db.drop();
    });

    it('holds the same read models, table by table', async () => {
      expect(Object.keys(restored).sort()).toEqual(allProjections.map((projection) => projection.name).sort());
      expect(original.copies).toMatchObject({ copies: expect.stringMatching(/^4:/), copy_scores: expect.stringMatching(/^16:/) });
      expect(restored).toEqual(original);
    });

    it('holds every page image', async () => {
      for (const key of copies.flatMap((copy) => copy.blobKeys)) expect(await target.blobs.has(key)).toBe(true);
    });

    it('gives the student the same results, on an API started on the restored database', async () => {
      restoredApi = await startApi({ database: target.db });
      const student = restoredApi.client();
      // Sessions are not part of a snapshot: she signs in again, with the password she chose.
      ok(await student.signIn('STUDENT', camilleLogin, NEW_PASSWORD));
      expect(ok(await student.graphql<{ myResults: Result[] }>(RESULTS)).myResults).toEqual(published);

      const office = await restoredApi.admin();
      const query = `query($e: ID!) { exam(examId: $e) { ${EXAM_FIELDS} } }`;
      expect(ok(await office.graphql(query, { e: examId }))).toEqual(ok(await admin.graphql(query, { e: examId })));
      expect(ok(await office.graphql(COPIES, { e: examId }))).toEqual(ok(await admin.graphql(COPIES, { e: examId })));
    });
  });
});
