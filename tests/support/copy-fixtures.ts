import { randomUUID } from 'node:crypto';
import { type GradingQuestionInput, copyDecider, copyStreamId, examDecider, examStreamId, studentDecider, studentStreamId } from '#domain';
import { hashPassword } from '../../apps/api/src/auth/password.js';
import { type Actor, executeCommand } from '../../apps/api/src/shared/execute-command.js';
import { ADMIN, type ApiClient, type ApiHarness } from './api-harness.js';
import { changePassword, ok } from './school-fixtures.js';

/** Builders for the copies, locks and audit specs: exams set up through the exam decider, copies through the API. */

/** 20 points: 1.a on half points, 1.b on quarter points, exercise 2 on whole points. */
export const SCALE: GradingQuestionInput[] = [
  {
    questionId: 'q1',
    label: 'Exercice 1',
    children: [
      { questionId: 'q1a', label: '1.a', maxPoints: 4, step: 0.5 },
      { questionId: 'q1b', label: '1.b', maxPoints: 6, step: 0.25 },
    ],
  },
  { questionId: 'q2', label: 'Exercice 2', maxPoints: 10, step: 1 },
];

export const COPY_FIELDS = `copyId examId anonymousCode status correctorId pageCount total max revision
  lock { holderId holderName since until secondsLeft }
  pages { pageId number position }
  annotations { annotationId pageId kind points strokeWidth color x y w h text }
  scores { questionId points scaleVersion } remarks { questionId text } appreciation`;

export const adminActor = async (api: ApiHarness): Promise<Actor> => {
  const { rows } = await api.runtime.pool.query<{ user_id: string }>(`SELECT user_id FROM users WHERE email = $1`, [ADMIN.email]);
  return { actorId: rows[0]!.user_id, actorRole: 'admin' };
};

const metadata = (actor: Actor) => ({ actorId: actor.actorId, actorRole: actor.actorRole, now: new Date().toISOString() });

/** An exam with its grading scale and correctors, made through the exam decider (the exams API is another area's). */
export const createExam = async (api: ApiHarness, correctorIds: string[], scale = SCALE): Promise<string> => {
  const admin = await adminActor(api);
  const examId = randomUUID();
  const stream = examStreamId(examId);
  const data = { examId, title: 'Bac blanc de mathématiques', subject: 'Mathématiques', classNames: ['TG1'] };
  await executeCommand(api.runtime.store, stream, examDecider, { type: 'CreateExam', data, metadata: metadata(admin) }, admin);
  await executeCommand(
    api.runtime.store,
    stream,
    examDecider,
    { type: 'DefineGradingScale', data: { examId, questions: scale }, metadata: metadata(admin) },
    admin,
  );
  const done = await executeCommand(
    api.runtime.store,
    stream,
    examDecider,
    { type: 'AssignCorrectors', data: { examId, correctorIds }, metadata: metadata(admin) },
    admin,
  );
  if (done.position) await api.runner.waitFor(done.position, ['copy-exams'], 5000);
  return examId;
};

export const publishResults = async (api: ApiHarness, examId: string): Promise<void> => {
  const admin = await adminActor(api);
  const done = await executeCommand(
    api.runtime.store,
    examStreamId(examId),
    examDecider,
    { type: 'PublishResults', data: { examId }, metadata: metadata(admin) },
    admin,
  );
  if (done.position) await api.runner.waitFor(done.position, ['copy-exams'], 5000);
};

export type ImportedCopy = { copyId: string; anonymousCode: string; pageIds: string[] };

export const IMPORT_COPIES = `mutation($examId: ID!, $scanId: ID!, $copies: [ImportCopyInput!]!) {
  importCopies(examId: $examId, scanId: $scanId, copies: $copies) { copyId anonymousCode status pageCount } }`;

/** `count` copies of two pages each, imported by the admin through the API. */
export const importCopies = async (admin: ApiClient, examId: string, count: number): Promise<ImportedCopy[]> => {
  const copies = Array.from({ length: count }, (_, index) => ({
    pages: [1, 2].map((page) => ({ pageId: randomUUID(), number: index * 2 + page })),
  }));
  const { importCopies: imported } = ok(
    await admin.graphql<{ importCopies: { copyId: string; anonymousCode: string }[] }>(IMPORT_COPIES, {
      examId,
      scanId: randomUUID(),
      copies,
    }),
  );
  return imported.map((copy, index) => ({ ...copy, pageIds: copies[index]!.pages.map((page) => page.pageId) }));
};

/** What the dispatch (another area) does for one copy: the copy decider's AssignCorrector. */
export const assignCopy = async (api: ApiHarness, copyId: string, correctorId: string): Promise<void> => {
  const admin = await adminActor(api);
  const command = { type: 'AssignCorrector', data: { correctorId, runId: randomUUID() }, metadata: metadata(admin) } as const;
  const done = await executeCommand(api.runtime.store, copyStreamId(copyId), copyDecider, command, admin);
  if (done.position) await api.runner.waitFor(done.position, ['copies'], 5000);
};

/** A student enrolled through the student decider, signed in on the student portal with a password of their own. */
export const signedInStudent = async (
  api: ApiHarness,
  name: { lastName: string; firstName: string },
): Promise<{ studentId: string; client: ApiClient }> => {
  const admin = await adminActor(api);
  const studentId = randomUUID();
  const email = `${name.firstName}.${name.lastName}@eleve.test`.toLowerCase();
  const stream = studentStreamId(studentId);
  const details = { studentId, ...name, birthDate: '2008-05-04', className: 'TG1', email };
  await executeCommand(
    api.runtime.store,
    stream,
    studentDecider,
    { type: 'EnrollStudent', data: details, metadata: metadata(admin) },
    admin,
  );
  const code = 'ABCD-EFGH-JKLM';
  const issued = await executeCommand(
    api.runtime.store,
    stream,
    studentDecider,
    { type: 'IssueStudentAccess', data: { studentId, codeHash: await hashPassword(code) }, metadata: metadata(admin) },
    admin,
  );
  await api.runner.waitFor(issued.position!, ['students'], 5000);
  const client = api.client();
  ok(await client.signIn('STUDENT', email, code));
  ok(await changePassword(client, code));
  return { studentId, client };
};

export const tick = (pageId: string, x = 0.5) => ({ annotationId: randomUUID(), pageId, kind: 'TICK', x, y: 0.5 });

export const lockCopy = (client: ApiClient, copyId: string, leaseMinutes?: number) =>
  client.graphql<{ lockCopy: { lock: { holderId: string; until: string } | null } }>(
    `mutation($copyId: ID!, $lease: Int) { lockCopy(copyId: $copyId, leaseMinutes: $lease) { lock { holderId until } } }`,
    { copyId, lease: leaseMinutes },
  );

export const addAnnotation = (client: ApiClient, copyId: string, annotation: Record<string, unknown>) =>
  client.graphql<{ addAnnotation: { annotations: { annotationId: string }[] } }>(
    `mutation($copyId: ID!, $a: AnnotationInput!) { addAnnotation(copyId: $copyId, annotation: $a) { annotations { annotationId } } }`,
    { copyId, a: annotation },
  );

export const awardScore = (client: ApiClient, copyId: string, questionId: string, points: number) =>
  client.graphql<{ awardScore: { total: number; scores: { questionId: string; points: number }[] } }>(
    `mutation($copyId: ID!, $q: ID!, $p: Float!) { awardScore(copyId: $copyId, questionId: $q, points: $p) { total scores { questionId points } } }`,
    { copyId, q: questionId, p: points },
  );

export const finalizeCopy = (client: ApiClient, copyId: string) =>
  client.graphql<{ finalizeCopy: { status: string; total: number; max: number; lock: unknown } }>(
    `mutation($copyId: ID!) { finalizeCopy(copyId: $copyId) { status total max lock { holderId } } }`,
    { copyId },
  );

/**
 * Waits until every finalised copy has its corrected PDF recorded: the PDF processor appends in the
 * background after a finalisation, so a test comparing the store before and after must start from
 * a settled store. Throws after `timeoutMs`.
 */
export const correctedPdfsSettled = async (api: ApiHarness, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const head = await api.runtime.store.head();
    if (head) await api.runner.waitFor(head.position, ['copies'], 5_000);
    const { rows } = await api.runtime.pool.query<{ left: number }>(
      `SELECT count(*)::int AS left FROM copies WHERE finalised AND corrected_pdf IS NULL`,
    );
    if (rows[0]!.left === 0) return;
    if (Date.now() > deadline) throw new Error(`${rows[0]!.left} finalised copies still have no corrected PDF`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
