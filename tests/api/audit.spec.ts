import { randomUUID } from 'node:crypto';
import { type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import { errorCode, ok, signedInStaff } from '../support/school-fixtures.js';
import {
  type ImportedCopy,
  addAnnotation,
  assignCopy,
  awardScore,
  createExam,
  importCopies,
  lockCopy,
  signedInStudent,
  tick,
} from '../support/copy-fixtures.js';

const HISTORY = `query($c: ID!) { copyHistory(copyId: $c) { revision type actorId actorRole actorName at summary } }`;
const AT = `query($c: ID!, $r: BigInt!) { copyAt(copyId: $c, revision: $r) {
  copyId revision latestRevision at examId anonymousCode status correctorId correctorName
  student { lastName firstName } lock { holderId holderName leaseUntil }
  annotations { annotationId kind x y } scores { questionId points scaleVersion } remarks { questionId text } appreciation finalised { total max } } }`;

type Entry = { revision: string; type: string; actorRole: string | null; actorName: string; at: string; summary: string };
type Snapshot = Record<string, unknown> & { annotations: { annotationId: string; x: number }[]; scores: unknown[] };

describe('a copy’s audit trail', () => {
  let api: ApiHarness;
  let admin: ApiClient;
  let teacher: { client: ApiClient; userId: string };
  let copy: ImportedCopy;
  const annotation = { ...tick('', 0.2) };

  /**
   * The story told by the stream, revision by revision:
   * 0 imported · 1 identified · 2 assigned · 3 locked · 4 annotated · 5 scored 1.a · 6 annotation moved ·
   * 7 scored 2 · 8 annotation removed · 9 lock force-released
   */
  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
    teacher = await signedInStaff(api, admin, 'TEACHER', 'martin@lycee.test');
    const examId = await createExam(api, [teacher.userId]);
    const { studentId } = await signedInStudent(api, { lastName: 'Dupont', firstName: 'Marie' });
    [copy] = (await importCopies(admin, examId, 1)) as [ImportedCopy];
    annotation.pageId = copy.pageIds[1]!;
    ok(
      await admin.graphql(`mutation($c: ID!, $s: ID!) { identifyCopy(copyId: $c, studentId: $s) { copyId } }`, {
        c: copy.copyId,
        s: studentId,
      }),
    );
    await assignCopy(api, copy.copyId, teacher.userId);
    ok(await lockCopy(teacher.client, copy.copyId));
    ok(await addAnnotation(teacher.client, copy.copyId, annotation));
    ok(await awardScore(teacher.client, copy.copyId, 'q1a', 3));
    ok(
      await teacher.client.graphql(`mutation($c: ID!, $a: AnnotationInput!) { editAnnotation(copyId: $c, annotation: $a) { copyId } }`, {
        c: copy.copyId,
        a: { ...annotation, x: 0.7 },
      }),
    );
    ok(await awardScore(teacher.client, copy.copyId, 'q2', 7));
    ok(
      await teacher.client.graphql(`mutation($c: ID!, $id: ID!) { removeAnnotation(copyId: $c, annotationId: $id) { copyId } }`, {
        c: copy.copyId,
        id: annotation.annotationId,
      }),
    );
    ok(
      await admin.graphql(`mutation($c: ID!) { forceReleaseCopyLock(copyId: $c, reason: "Fin de la séance") { copyId } }`, {
        c: copy.copyId,
      }),
    );
  });
  afterAll(async () => {
    await api?.close();
  });

  const at = async (revision: number): Promise<Snapshot> =>
    ok(await admin.graphql<{ copyAt: Snapshot }>(AT, { c: copy.copyId, r: String(revision) })).copyAt;

  describe('its history', () => {
    let history: Entry[];
    beforeAll(async () => {
      history = ok(await admin.graphql<{ copyHistory: Entry[] }>(HISTORY, { c: copy.copyId })).copyHistory;
    });

    it('lists every event of the stream in order', () => {
      expect(history.map((entry) => [entry.revision, entry.type])).toEqual(
        [
          'CopyImported',
          'StudentIdentified',
          'CopyAssigned',
          'CopyLocked',
          'AnnotationAdded',
          'ScoreAwarded',
          'AnnotationEdited',
          'ScoreAwarded',
          'AnnotationRemoved',
          'LockForceReleased',
        ].map((type, revision) => [String(revision), type]),
      );
    });

    it('names who acted, in which role, and when', () => {
      expect(history[0]).toMatchObject({ actorRole: 'admin', actorName: 'Administrateur' });
      expect(history[3]).toMatchObject({ actorRole: 'teacher', actorName: 'martin' });
      for (const entry of history) expect(Date.parse(entry.at)).toBeGreaterThan(Date.now() - 120_000);
    });

    it('tells each event in French', () => {
      expect(history[0]!.summary).toBe(`Copie importée sous le code ${copy.anonymousCode} (2 pages)`);
      expect(history[1]!.summary).toBe('Élève identifié : DUPONT Marie (manuelle)');
      expect(history[2]!.summary).toBe('Attribuée à martin');
      expect(history[3]!.summary).toMatch(/^Verrouillée par martin jusqu’au \d\d\/\d\d \d\d:\d\d$/);
      expect(history[4]!.summary).toBe('Annotation ajoutée (coche, page 2)');
      expect(history[5]!.summary).toBe('Exercice 1 › 1.a : 3 pts (barème v1)');
      expect(history[8]!.summary).toBe('Annotation supprimée (coche, page 2)');
      expect(history[9]!.summary).toBe('Verrou de martin retiré par Administrateur : « Fin de la séance »');
    });
  });

  describe('its state at a revision', () => {
    it('is the identified copy before any correction', async () => {
      expect(await at(1)).toMatchObject({
        revision: '1',
        latestRevision: '9',
        status: 'IDENTIFIED',
        student: { lastName: 'Dupont', firstName: 'Marie' },
        correctorId: null,
        lock: null,
        annotations: [],
        scores: [],
      });
    });

    it('has the lock and the first annotation once the correction began', async () => {
      const state = await at(4);
      expect(state).toMatchObject({
        status: 'IN_PROGRESS',
        correctorName: 'martin',
        lock: { holderId: teacher.userId, holderName: 'martin' },
        scores: [],
      });
      expect(state.annotations).toEqual([{ annotationId: annotation.annotationId, kind: 'TICK', x: 0.2, y: 0.5 }]);
    });

    it('shows the annotation where it was moved, and the scores given by then', async () => {
      const state = await at(6);
      expect(state.annotations.map((a) => a.x)).toEqual([0.7]);
      expect(state.scores).toEqual([{ questionId: 'q1a', points: 3, scaleVersion: 1 }]);
    });

    it('ends without the removed annotation and without a lock', async () => {
      const state = await at(9);
      expect(state).toMatchObject({ revision: '9', annotations: [], lock: null });
      expect(state.scores).toHaveLength(2);
    });

    it('refuses a revision past the end of the stream', async () => {
      expect(errorCode(await admin.graphql(AT, { c: copy.copyId, r: '10' }))).toBe('BAD_USER_INPUT');
    });
  });

  it('is the exam office’s only, and NOT_FOUND for an unknown copy', async () => {
    expect(errorCode(await teacher.client.graphql(HISTORY, { c: copy.copyId }))).toBe('FORBIDDEN');
    expect(errorCode(await teacher.client.graphql(AT, { c: copy.copyId, r: '0' }))).toBe('FORBIDDEN');
    expect(errorCode(await admin.graphql(HISTORY, { c: randomUUID() }))).toBe('NOT_FOUND');
  });
});
