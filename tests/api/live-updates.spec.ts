import { type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import { createExam, importCopies, signedInStudent } from '../support/copy-fixtures.js';
import { errorCode, ok, signedInStaff } from '../support/school-fixtures.js';
import { subscribe } from '../support/ws-client.js';

describe('live updates over graphql-ws', () => {
  let api: ApiHarness;
  let admin: ApiClient;
  let teacher: { client: ApiClient; userId: string };
  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
    teacher = await signedInStaff(api, admin, 'TEACHER', 'prof.live@lycee.test');
  });
  afterAll(async () => api?.close());

  describe('the identification queue of an exam', () => {
    it('sends its counters at once, then when a copy is identified', async () => {
      const examId = await createExam(api, [teacher.userId]);
      const copies = await importCopies(admin, examId, 3);
      const { studentId } = await signedInStudent(api, { lastName: 'Lefèvre', firstName: 'Inès' });
      const live = subscribe<{ identificationQueue: { total: number; manual: number; left: number } }>(
        api,
        admin,
        'subscription($e: ID!) { identificationQueue(examId: $e) { total auto manual left } }',
        { e: examId },
      );
      try {
        expect((await live.next()).data?.identificationQueue).toMatchObject({ total: 3, manual: 0, left: 3 });
        ok(
          await admin.graphql('mutation($c: ID!, $s: ID!) { identifyCopy(copyId: $c, studentId: $s) { status } }', {
            c: copies[0]!.copyId,
            s: studentId,
          }),
        );
        expect((await live.next()).data?.identificationQueue).toMatchObject({ total: 3, manual: 1, left: 2 });
      } finally {
        await live.close();
      }
    });

    it('is refused to a teacher', async () => {
      const examId = await createExam(api, [teacher.userId]);
      const live = subscribe(api, teacher.client, 'subscription($e: ID!) { identificationQueue(examId: $e) { total } }', { e: examId });
      try {
        expect(errorCode(await live.next())).toBe('FORBIDDEN');
      } finally {
        await live.close();
      }
    });
  });

  describe('projection lag', () => {
    it('sends every projection’s checkpoint and lag to an admin', async () => {
      const live = subscribe<{ projectionLag: { name: string; caughtUp: boolean; lagSeconds: number }[] }>(
        api,
        admin,
        'subscription { projectionLag { name caughtUp lagSeconds checkpoint } }',
        {},
      );
      try {
        const first = (await live.next()).data?.projectionLag ?? [];
        expect(first.map((p) => p.name)).toEqual(expect.arrayContaining(['audit-log', 'copies', 'users']));
        expect(first.every((p) => p.lagSeconds >= 0)).toBe(true);
      } finally {
        await live.close();
      }
    });
  });
});
