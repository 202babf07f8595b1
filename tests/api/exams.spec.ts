import { randomUUID } from 'node:crypto';
import { type CopyCommand, type Role, copyDecider, copyStreamId, examDecider, examStreamId, gradingScaleSnapshot } from '#domain';
import { type Position, comparePositions } from '#event-store';
import { executeCommand, loadStream } from '../../apps/api/src/shared/execute-command.js';
import { type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import { NEW_PASSWORD, errorCode, importRoster, ok, pronoteFile, signedInStaff, signedInStudent } from '../support/school-fixtures.js';

type Exam = {
  examId: string;
  scaleVersion: number | null;
  maxPoints: number | null;
  published: boolean;
  withdrawnReason: string | null;
  scale: { questionId: string; maxPoints: number; children: { questionId: string; maxPoints: number; step: number }[] | null }[];
  progress: { copies: number; identified: number; assigned: number; inProgress: number; finalised: number; expectedStudents: number };
  correctors: { userId: string; assignedCopies: number }[];
  dispatchRuns: { runId: string; copyCount: number }[];
};
type Outcome = {
  run: {
    runId: string;
    loads: { correctorId: string; copies: number }[];
    assignments: { copyId: string; correctorId: string; anonymousCode: string }[];
  };
  moved: number;
  kept: number;
  failedCopyIds: string[];
};

const EXAM_FIELDS = `examId title scaleVersion maxPoints published publishedAt withdrawnReason scoringStarted
  scale { questionId label maxPoints step children { questionId label maxPoints step } }
  progress { copies identified assigned inProgress finalised flagged expectedStudents }
  correctors { userId displayName assignedCopies finalisedCopies current }
  dispatchRuns { runId copyCount dispatchedAt }`;
const DISPATCH = `mutation($id: ID!) { dispatchCopies(examId: $id) { moved kept failedCopyIds run { runId loads { correctorId copies } assignments { copyId correctorId anonymousCode } } } }`;
const DEFINE = `mutation($id: ID!, $q: [GradingQuestionInput!]!, $c: Boolean) { defineGradingScale(examId: $id, questions: $q, confirmed: $c) { scaleVersion maxPoints scale { questionId maxPoints children { questionId maxPoints step } } } }`;
const PREVIEW = `query($id: ID!, $q: [GradingQuestionInput!]!) { previewGradingScale(examId: $id, questions: $q) {
  currentVersion nextVersion changed needsConfirmation scoresKnown maxPoints copiesTouched questionsAdded questionsRemoved
  scoresDropped { copyId questionId points } scoresClamped { copyId questionId points newMaxPoints } scoresOffStep { copyId questionId newStep } } }`;

describe('exams', () => {
  let api: ApiHarness;
  let admin: ApiClient;
  const teachers: { client: ApiClient; userId: string }[] = [];
  let outsider: { client: ApiClient; userId: string };
  let examId: string;
  let studentIds: string[];
  const copyIds: string[] = [];

  const exam = async (client: ApiClient = admin): Promise<Exam> =>
    ok(await client.graphql<{ exam: Exam }>(`query($id: ID!) { exam(examId: $id) { ${EXAM_FIELDS} } }`, { id: examId })).exam;
  const onCopy = async (copyId: string, actorId: string, actorRole: Role, type: CopyCommand['type'], data: object) => {
    const command = { type, data, metadata: { actorId, actorRole, now: new Date().toISOString() } } as CopyCommand;
    remember(await executeCommand(api.runtime.store, copyStreamId(copyId), copyDecider, command, { actorId, actorRole }));
  };
  // Waits for this test's own writes, as read-your-writes does (the store's head may lag behind them).
  let lastWrite: Position | null = null;
  const remember = ({ position }: { position: Position | null }) => {
    if (position && (!lastWrite || comparePositions(position, lastWrite) > 0)) lastWrite = position;
  };
  const settle = async () => expect(lastWrite === null || (await api.runner.waitFor(lastWrite, undefined, 10_000))).toBe(true);
  const scale = async () => gradingScaleSnapshot((await loadStream(api.runtime.store, examStreamId(examId), examDecider)).state.scale!);
  const correctorOf = async (copyId: string) => (await loadStream(api.runtime.store, copyStreamId(copyId), copyDecider)).state.correctorId!;

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
    const names = [
      'ARNAUD Alice',
      'BLANC Basile',
      'CARON Chloé',
      'DIALLO Dylan',
      'ÉVRARD Emma',
      'FABRE Félix',
      'GIRAUD Gaëlle',
      'HAMON Hugo',
    ];
    const report = await importRoster(admin, pronoteFile(names.map((name, i) => `${name};0${i + 1}/02/2008;;${i < 4 ? 'TG1' : 'TG2'};`)));
    expect(report.created).toBe(8);
    studentIds = report.lines.map((line) => line.studentId!);
    for (const name of ['un', 'deux', 'trois']) teachers.push(await signedInStaff(api, admin, 'TEACHER', `prof.${name}@lycee.test`));
    outsider = await signedInStaff(api, admin, 'TEACHER', 'prof.ailleurs@lycee.test');
  });
  afterAll(async () => api?.close());

  describe('creating an exam and its grading scale', () => {
    it('creates an exam for classes of the roster', async () => {
      const created = ok(
        await admin.graphql<{ createExam: Exam }>(
          `mutation { createExam(title: "Bac blanc de philosophie", subject: "Philosophie", date: "2025-02-10", classNames: ["TG1", "TG2"]) { ${EXAM_FIELDS} } }`,
        ),
      ).createExam;
      examId = created.examId;
      expect(created).toMatchObject({
        scaleVersion: null,
        scale: [],
        published: false,
        progress: { copies: 0, expectedStudents: 8 },
        correctors: [],
        dispatchRuns: [],
      });
    });

    it('refuses a class missing from the roster and a date that does not exist', async () => {
      expect(errorCode(await admin.graphql(`mutation { createExam(title: "T", subject: "S", classNames: ["TG9"]) { examId } }`))).toBe(
        'BAD_USER_INPUT',
      );
      expect(
        errorCode(
          await admin.graphql(`mutation { createExam(title: "T", subject: "S", date: "2025-02-30", classNames: ["TG1"]) { examId } }`),
        ),
      ).toBe('BAD_USER_INPUT');
    });

    it('defines a scale tree whose parents total their questions, replaced in place until scoring starts', async () => {
      const defined = ok(await admin.graphql<{ defineGradingScale: Exam }>(DEFINE, { id: examId, q: SCALE_V1 })).defineGradingScale;
      expect(defined).toMatchObject({ scaleVersion: 1, maxPoints: 20 });
      expect(defined.scale[0]).toEqual({
        questionId: 'ex1',
        maxPoints: 10,
        children: [
          { questionId: 'q1', maxPoints: 4, step: 0.5 },
          { questionId: 'q2', maxPoints: 6, step: 1 },
        ],
      });
      const relabelled = SCALE_V1.map((q) => (q.questionId === 'ex2' ? { ...q, label: 'Exercice 2 : dissertation' } : q));
      expect(
        ok(await admin.graphql<{ defineGradingScale: Exam }>(DEFINE, { id: examId, q: relabelled })).defineGradingScale.scaleVersion,
      ).toBe(1);
      expect(errorCode(await admin.graphql(DEFINE, { id: examId, q: [{ questionId: 'x', label: 'X', maxPoints: 3, step: 2 }] }))).toBe(
        'BAD_USER_INPUT',
      );
    });
  });

  describe('correctors and dispatch', () => {
    it('takes active teachers only as correctors', async () => {
      const { users } = ok(await admin.graphql<{ users: { userId: string; role: string }[] }>('{ users { userId role } }'));
      const adminId = users.find((u) => u.role === 'admin')!.userId;
      const assign = (ids: string[]) =>
        admin.graphql<{ assignCorrectors: Exam }>(
          `mutation($id: ID!, $ids: [ID!]!) { assignCorrectors(examId: $id, correctorIds: $ids) { correctors { userId } } }`,
          { id: examId, ids },
        );
      expect(errorCode(await assign([teachers[0]!.userId, adminId]))).toBe('BAD_USER_INPUT');
      ok(await admin.graphql(`mutation($id: ID!) { deactivateUser(userId: $id) { active } }`, { id: outsider.userId }));
      expect(errorCode(await assign([outsider.userId]))).toBe('BAD_USER_INPUT');
      ok(await admin.graphql(`mutation($id: ID!) { reactivateUser(userId: $id) { active } }`, { id: outsider.userId }));
      // The deactivation ended the outsider's sessions: a new one for the visibility test below.
      outsider.client = api.client();
      ok(await outsider.client.signIn('TEACHER', 'prof.ailleurs@lycee.test', NEW_PASSWORD));
      const assigned = ok(await assign(teachers.map((t) => t.userId))).assignCorrectors;
      expect(assigned.correctors.map((c) => c.userId).sort()).toEqual(teachers.map((t) => t.userId).sort());
    });

    it('counts imported and identified copies in the exam’s progress', async () => {
      for (let i = 0; i < 8; i++) {
        const copyId = randomUUID();
        copyIds.push(copyId);
        await onCopy(copyId, 'scan-pipeline', 'system', 'ImportCopy', {
          copyId,
          examId,
          scanId: 'scan-1',
          pages: [{ pageId: `p${i}`, number: i + 1 }],
          anonymousCode: `K-${100 + i}`,
        });
        if (i < 7) await onCopy(copyId, 'admin', 'admin', 'IdentifyStudent', { studentId: studentIds[i] });
      }
      await settle();
      expect((await exam()).progress).toMatchObject({ copies: 8, identified: 7, assigned: 0, expectedStudents: 8 });
    });

    it('deals every copy fairly under a new run id, on the exam and on each copy', async () => {
      const outcome = ok(await admin.graphql<{ dispatchCopies: Outcome }>(DISPATCH, { id: examId })).dispatchCopies;
      expect(outcome).toMatchObject({ moved: 8, kept: 0, failedCopyIds: [] });
      expect(outcome.run.runId).toMatch(/^[0-9a-f-]{36}$/);
      expect(outcome.run.loads.map((l) => l.copies).sort()).toEqual([2, 3, 3]);
      expect(outcome.run.assignments.map((a) => a.anonymousCode).sort()).toEqual(copyIds.map((_, i) => `K-${100 + i}`));
      for (const { copyId, correctorId } of outcome.run.assignments) {
        const copy = (await loadStream(api.runtime.store, copyStreamId(copyId), copyDecider)).state;
        expect([copy.correctorId, copy.runId]).toEqual([correctorId, outcome.run.runId]);
      }
      const view = await exam();
      expect(view.dispatchRuns).toEqual([{ runId: outcome.run.runId, copyCount: 8, dispatchedAt: expect.any(String) }]);
      expect(view.progress.assigned).toBe(8);
      expect(view.correctors.map((c) => c.assignedCopies).sort()).toEqual([2, 3, 3]);
    });

    it('shows a teacher the exams they correct, without the other correctors or the runs', async () => {
      const teacher = teachers[0]!;
      const { exams } = ok(await teacher.client.graphql<{ exams: { examId: string }[] }>('{ exams { examId } }'));
      expect(exams.map((e) => e.examId)).toEqual([examId]);
      const view = await exam(teacher.client);
      expect(view.correctors.map((c) => c.userId)).toEqual([teacher.userId]);
      expect(view.dispatchRuns).toEqual([]);
      expect(ok(await outsider.client.graphql('{ exams { examId } }'))).toEqual({ exams: [] });
      expect(errorCode(await outsider.client.graphql(`query($id: ID!) { exam(examId: $id) { examId } }`, { id: examId }))).toBe(
        'NOT_FOUND',
      );
    });

    it('rebalances: copies in progress stay, a removed corrector’s open copy blocks until released', async () => {
      const [first, , third] = teachers;
      const byCorrector = async (userId: string) =>
        (await Promise.all(copyIds.map(async (id) => [id, await correctorOf(id)] as const)))
          .filter(([, c]) => c === userId)
          .map(([id]) => id);
      const [started] = await byCorrector(first!.userId);
      await onCopy(started!, first!.userId, 'teacher', 'LockCopy', {});
      const [held] = await byCorrector(third!.userId);
      await onCopy(held!, third!.userId, 'teacher', 'LockCopy', {});
      ok(
        await admin.graphql(`mutation($id: ID!, $ids: [ID!]!) { assignCorrectors(examId: $id, correctorIds: $ids) { examId } }`, {
          id: examId,
          ids: [teachers[0]!.userId, teachers[1]!.userId],
        }),
      );
      await settle();
      expect(errorCode(await admin.graphql(DISPATCH, { id: examId }))).toBe('CONFLICT');
      await onCopy(held!, 'admin', 'admin', 'ForceReleaseLock', { reason: 'correcteur remplacé' });
      await settle();
      const outcome = ok(await admin.graphql<{ dispatchCopies: Outcome }>(DISPATCH, { id: examId })).dispatchCopies;
      expect(outcome.kept).toBe(1);
      expect(outcome.run.assignments.find((a) => a.copyId === started)!.correctorId).toBe(first!.userId);
      expect(outcome.run.loads.map((l) => l.copies).sort()).toEqual([4, 4]);
      expect(outcome.run.loads.map((l) => l.correctorId)).not.toContain(third!.userId);
      expect((await exam()).dispatchRuns.map((r) => r.runId)).toHaveLength(2);
      expect(await correctorOf(held!)).not.toBe(third!.userId);
    });

    it('reassigns one copy to another current corrector, not to a removed one nor over a lock', async () => {
      const [first, second, third] = teachers;
      const free = await firstCopyOf(second!.userId);
      const moved = ok(
        await admin.graphql<{ reassignCopy: { correctorId: string; status: string } }>(
          `mutation($c: ID!, $t: ID!) { reassignCopy(copyId: $c, correctorId: $t) { correctorId status anonymousCode } }`,
          { c: free, t: first!.userId },
        ),
      );
      expect(moved.reassignCopy).toMatchObject({ correctorId: first!.userId, status: 'assigned' });
      expect(
        errorCode(
          await admin.graphql(`mutation($c: ID!, $t: ID!) { reassignCopy(copyId: $c, correctorId: $t) { status } }`, {
            c: free,
            t: third!.userId,
          }),
        ),
      ).toBe('BAD_USER_INPUT');
      const locked = copyIds.find((id) => id !== free)!;
      const holder = await correctorOf(locked);
      await onCopy(locked, holder, 'teacher', 'LockCopy', {});
      const other = holder === first!.userId ? second! : first!;
      expect(
        errorCode(
          await admin.graphql(`mutation($c: ID!, $t: ID!) { reassignCopy(copyId: $c, correctorId: $t) { status } }`, {
            c: locked,
            t: other.userId,
          }),
        ),
      ).toBe('CONFLICT');
    });

    const firstCopyOf = async (userId: string): Promise<string> => {
      for (const id of copyIds)
        if ((await correctorOf(id)) === userId && !(await loadStream(api.runtime.store, copyStreamId(id), copyDecider)).state.started)
          return id;
      throw new Error('no free copy');
    };
  });

  describe('changing the scale once scores exist', () => {
    let scored: string;

    it('previews the effect on the recorded scores, then needs a confirmation and makes version 2', async () => {
      scored = copyIds[0]!;
      const corrector = await correctorOf(scored);
      await onCopy(scored, corrector, 'teacher', 'LockCopy', {});
      await onCopy(scored, corrector, 'teacher', 'AwardScore', { questionId: 'q1', points: 3.5, scale: await scale() });
      await onCopy(scored, corrector, 'teacher', 'AwardScore', { questionId: 'q2', points: 5, scale: await scale() });
      // What the score handler does on a copy's first score (copies area).
      remember(
        await executeCommand(
          api.runtime.store,
          examStreamId(examId),
          examDecider,
          {
            type: 'RecordFirstScore',
            data: { examId },
            metadata: { actorId: corrector, actorRole: 'teacher', now: new Date().toISOString() },
          },
          { actorId: corrector, actorRole: 'teacher' },
        ),
      );
      await settle();
      await standInForCopyScores(api, examId, scored, { q1: 3.5, q2: 5 });

      const preview = ok(
        await admin.graphql<{ previewGradingScale: Record<string, unknown> }>(PREVIEW, { id: examId, q: SCALE_V2 }),
      ).previewGradingScale;
      expect(preview).toEqual({
        currentVersion: 1,
        nextVersion: 2,
        changed: true,
        needsConfirmation: true,
        scoresKnown: true,
        maxPoints: 20,
        copiesTouched: [scored],
        questionsAdded: ['q3'],
        questionsRemoved: ['q2'],
        scoresDropped: [{ copyId: scored, questionId: 'q2', points: 5 }],
        scoresClamped: [{ copyId: scored, questionId: 'q1', points: 3.5, newMaxPoints: 3 }],
        scoresOffStep: [],
      });
      expect(errorCode(await admin.graphql(DEFINE, { id: examId, q: SCALE_V2 }))).toBe('BAD_USER_INPUT');
      expect((await exam()).scaleVersion).toBe(1);
      const confirmed = ok(
        await admin.graphql<{ defineGradingScale: Exam }>(DEFINE, { id: examId, q: SCALE_V2, c: true }),
      ).defineGradingScale;
      expect(confirmed).toMatchObject({ scaleVersion: 2, maxPoints: 20 });
      const same = ok(
        await admin.graphql<{ previewGradingScale: { changed: boolean; nextVersion: number } }>(PREVIEW, { id: examId, q: SCALE_V2 }),
      ).previewGradingScale;
      expect(same).toMatchObject({ changed: false, nextVersion: 2 });
    });
  });

  describe('publishing results', () => {
    const publish = () =>
      admin.graphql<{ publishResults: Exam }>(`mutation($id: ID!) { publishResults(examId: $id) { published } }`, { id: examId });
    const withdraw = (reason: string) =>
      admin.graphql<{ withdrawResults: Exam }>(
        `mutation($id: ID!, $r: String!) { withdrawResults(examId: $id, reason: $r) { published withdrawnReason } }`,
        { id: examId, r: reason },
      );

    it('is refused while a copy is unfinished or unidentified', async () => {
      const refused = await publish();
      expect(errorCode(refused)).toBe('CONFLICT');
      expect(refused.errors![0]!.message).toMatch(/non finalisée.*non identifiée/);
    });

    it('publishes once every copy is identified and finalised, and withdraws with a reason', async () => {
      await onCopy(copyIds[7]!, 'admin', 'admin', 'IdentifyStudent', { studentId: studentIds[7] });
      const v2 = await scale();
      for (const copyId of copyIds) {
        const corrector = await correctorOf(copyId);
        await onCopy(copyId, corrector, 'teacher', 'LockCopy', {});
        for (const question of v2.questions)
          await onCopy(copyId, corrector, 'teacher', 'AwardScore', {
            questionId: question.questionId,
            points: question.maxPoints / 2,
            scale: v2,
          });
        await onCopy(copyId, corrector, 'teacher', 'FinalizeCopy', { scale: v2 });
      }
      await settle();
      expect((await exam()).progress).toMatchObject({ copies: 8, identified: 8, finalised: 8, inProgress: 0 });
      expect(ok(await publish()).publishResults.published).toBe(true);
      expect(ok(await publish()).publishResults.published).toBe(true);
      expect(errorCode(await withdraw('  '))).toBe('BAD_USER_INPUT');
      expect(ok(await withdraw('erreur de barème')).withdrawResults).toEqual({ published: false, withdrawnReason: 'erreur de barème' });
      expect(errorCode(await withdraw('encore'))).toBe('CONFLICT');
      expect(ok(await publish()).publishResults.published).toBe(true);
    });
  });

  describe('who may do what', () => {
    let student: ApiClient;
    beforeAll(async () => {
      student = await signedInStudent(api, admin, studentIds[0]!);
    });

    const ID = '00000000-0000-4000-8000-000000000000';
    it.each([
      ['createExam', `mutation { createExam(title: "T", subject: "S", classNames: ["TG1"]) { examId } }`],
      [
        'defineGradingScale',
        `mutation { defineGradingScale(examId: "${ID}", questions: [{ questionId: "q", label: "Q", maxPoints: 1, step: 1 }]) { examId } }`,
      ],
      [
        'previewGradingScale',
        `{ previewGradingScale(examId: "${ID}", questions: [{ questionId: "q", label: "Q", maxPoints: 1, step: 1 }]) { nextVersion } }`,
      ],
      ['assignCorrectors', `mutation { assignCorrectors(examId: "${ID}", correctorIds: []) { examId } }`],
      ['dispatchCopies', `mutation { dispatchCopies(examId: "${ID}") { moved } }`],
      ['reassignCopy', `mutation { reassignCopy(copyId: "${ID}", correctorId: "${ID}") { status } }`],
      ['publishResults', `mutation { publishResults(examId: "${ID}") { published } }`],
      ['withdrawResults', `mutation { withdrawResults(examId: "${ID}", reason: "r") { published } }`],
    ])('%s: UNAUTHENTICATED anonymous, FORBIDDEN to a student and a teacher', async (_name, query) => {
      expect(errorCode(await api.client().graphql(query))).toBe('UNAUTHENTICATED');
      expect(errorCode(await student.graphql(query))).toBe('FORBIDDEN');
      expect(errorCode(await teachers[0]!.client.graphql(query))).toBe('FORBIDDEN');
    });

    it.each([
      ['exams', '{ exams { examId } }'],
      ['exam', `{ exam(examId: "${ID}") { examId } }`],
    ])('%s: UNAUTHENTICATED anonymous, FORBIDDEN to a student, open to teachers', async (_name, query) => {
      expect(errorCode(await api.client().graphql(query))).toBe('UNAUTHENTICATED');
      expect(errorCode(await student.graphql(query))).toBe('FORBIDDEN');
      expect(errorCode(await teachers[0]!.client.graphql(query)) ?? 'allowed').not.toMatch(/UNAUTHENTICATED|FORBIDDEN/);
    });
  });
});

/**
 * Scores are the copies read model's (`copy_scores`). When that projection is registered it has
 * recorded the ScoreAwarded events above; until then, this stands in for it with the agreed columns.
 */
const standInForCopyScores = async (api: ApiHarness, examId: string, copyId: string, points: Record<string, number>): Promise<void> => {
  const { rows } = await api.runtime.pool.query<{ present: boolean }>(`SELECT to_regclass('copy_scores') IS NOT NULL AS present`);
  if (rows[0]!.present) return;
  await api.runtime.pool.query(
    `CREATE TABLE copy_scores (copy_id text NOT NULL, exam_id text NOT NULL, question_id text NOT NULL, points double precision NOT NULL, PRIMARY KEY (copy_id, question_id))`,
  );
  for (const [questionId, value] of Object.entries(points))
    await api.runtime.pool.query(`INSERT INTO copy_scores VALUES ($1, $2, $3, $4)`, [copyId, examId, questionId, value]);
};

const SCALE_V1 = [
  {
    questionId: 'ex1',
    label: 'Exercice 1',
    children: [
      { questionId: 'q1', label: 'Question 1', maxPoints: 4, step: 0.5 },
      { questionId: 'q2', label: 'Question 2', maxPoints: 6, step: 1 },
    ],
  },
  { questionId: 'ex2', label: 'Exercice 2', maxPoints: 10, step: 0.25 },
];

/** q1 lowered to 3 (a 3.5 is clamped), q2 removed (its score dropped), q3 added. */
const SCALE_V2 = [
  {
    questionId: 'ex1',
    label: 'Exercice 1',
    children: [
      { questionId: 'q1', label: 'Question 1', maxPoints: 3, step: 0.5 },
      { questionId: 'q3', label: 'Question 3', maxPoints: 7, step: 1 },
    ],
  },
  { questionId: 'ex2', label: 'Exercice 2', maxPoints: 10, step: 0.25 },
];
