import { ADMIN, type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import {
  NEW_PASSWORD,
  changePassword,
  createStaff,
  errorCode,
  importRoster,
  issueAccess,
  ok,
  pronoteFile,
  signedInStaff,
  signedInStudent,
} from '../support/school-fixtures.js';

const ME = '{ me { id role mustChangePassword } }';
const USERS = '{ users { userId email displayName role active mustChangePassword lastSignInAt } }';
type StaffRow = { userId: string; email: string; role: string; active: boolean; mustChangePassword: boolean; lastSignInAt: string | null };

/** A request with the session cookie of `client` and the given headers only (no automatic CSRF echo). */
const rawCall = async (api: ApiHarness, client: ApiClient, query: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${api.base}/api/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `korrigo_session=${client.cookie('korrigo_session')}`, ...headers },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
};

describe('staff accounts and student sign-in', () => {
  let api: ApiHarness;
  let admin: ApiClient;
  let teacher: { client: ApiClient; userId: string };
  let studentId: string;

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
    teacher = await signedInStaff(api, admin, 'TEACHER', 'prof.martin@lycee.test');
    const report = await importRoster(admin, pronoteFile(['DURAND Léa;12/03/2008;lea.durand@eleve.test;TG2;G1']));
    studentId = report.lines[0]!.studentId!;
  });
  afterAll(async () => api?.close());

  describe('the three portals', () => {
    it('let each role in through its own entry only', async () => {
      expect(ok(await api.client().signIn('ADMIN', ADMIN.email, ADMIN.password))).toMatchObject({ signIn: { role: 'admin' } });
      expect(ok(await api.client().signIn('TEACHER', 'prof.martin@lycee.test', NEW_PASSWORD))).toMatchObject({
        signIn: { role: 'teacher' },
      });
      expect(errorCode(await api.client().signIn('ADMIN', 'prof.martin@lycee.test', NEW_PASSWORD))).toBe('FORBIDDEN');
      expect(errorCode(await api.client().signIn('TEACHER', ADMIN.email, ADMIN.password))).toBe('FORBIDDEN');
      expect(errorCode(await api.client().signIn('STUDENT', ADMIN.email, ADMIN.password))).toBe('UNAUTHENTICATED');
    });

    it('refuses a wrong password with UNAUTHENTICATED and no session', async () => {
      const client = api.client();
      expect(errorCode(await client.signIn('TEACHER', 'prof.martin@lycee.test', 'pas-le-bon-mot-de-passe'))).toBe('UNAUTHENTICATED');
      expect(client.cookie('korrigo_session')).toBeUndefined();
    });
  });

  describe('a temporary password', () => {
    it('blocks every other operation until it is changed, then ends the other sessions', async () => {
      const { temporaryPassword } = await createStaff(admin, 'TEACHER', 'prof.nouveau@lycee.test');
      const first = api.client();
      const second = api.client();
      expect(ok(await first.signIn('TEACHER', 'prof.nouveau@lycee.test', temporaryPassword))).toMatchObject({
        signIn: { mustChangePassword: true },
      });
      ok(await second.signIn('TEACHER', 'prof.nouveau@lycee.test', temporaryPassword));
      expect(errorCode(await first.graphql('{ exams { examId } }'))).toBe('FORBIDDEN');
      expect(errorCode(await changePassword(first, 'pas-le-bon', NEW_PASSWORD))).toBe('BAD_USER_INPUT');
      expect(errorCode(await changePassword(first, temporaryPassword, 'court'))).toBe('BAD_USER_INPUT');
      expect(ok(await changePassword(first, temporaryPassword))).toEqual({ changePassword: { mustChangePassword: false } });
      expect(ok(await first.graphql('{ exams { examId } }'))).toEqual({ exams: [] });
      expect(ok(await second.graphql(ME))).toEqual({ me: null });
    });

    it('is forced again by an admin reset, which ends the user’s sessions', async () => {
      const { client, userId } = await signedInStaff(api, admin, 'TEACHER', 'prof.oubli@lycee.test');
      const reset = ok(
        await admin.graphql<{ resetUserPassword: { temporaryPassword: string } }>(
          `mutation($id: ID!) { resetUserPassword(userId: $id) { temporaryPassword } }`,
          { id: userId },
        ),
      );
      expect(ok(await client.graphql(ME))).toEqual({ me: null });
      expect(errorCode(await api.client().signIn('TEACHER', 'prof.oubli@lycee.test', NEW_PASSWORD))).toBe('UNAUTHENTICATED');
      const again = api.client();
      expect(ok(await again.signIn('TEACHER', 'prof.oubli@lycee.test', reset.resetUserPassword.temporaryPassword))).toMatchObject({
        signIn: { mustChangePassword: true },
      });
      expect(errorCode(await again.graphql('{ exams { examId } }'))).toBe('FORBIDDEN');
    });
  });

  describe('a session', () => {
    it('is refused without the CSRF token or with a wrong one', async () => {
      expect(errorCode(await rawCall(api, teacher.client, '{ exams { examId } }'))).toBe('FORBIDDEN');
      expect(errorCode(await rawCall(api, teacher.client, '{ exams { examId } }', { 'x-csrf-token': 'forged' }))).toBe('FORBIDDEN');
      expect(
        (
          await rawCall(api, teacher.client, '{ exams { examId } }', {
            'x-csrf-token': decodeURIComponent(teacher.client.cookie('korrigo_csrf')!),
          })
        ).data,
      ).toEqual({ exams: [] });
    });

    it('ends at sign-out, on the server too', async () => {
      const client = api.client();
      ok(await client.signIn('TEACHER', 'prof.martin@lycee.test', NEW_PASSWORD));
      const stolen = { cookie: client.cookie('korrigo_session')!, csrf: decodeURIComponent(client.cookie('korrigo_csrf')!) };
      expect(ok(await client.graphql('mutation { signOut }'))).toEqual({ signOut: true });
      expect(ok(await client.graphql(ME))).toEqual({ me: null });
      const replay = await fetch(`${api.base}/api/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: `korrigo_session=${stolen.cookie}`, 'x-csrf-token': stolen.csrf },
        body: JSON.stringify({ query: '{ exams { examId } }' }),
      });
      expect(((await replay.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('the admin’s user list', () => {
    it('shows every staff account with role, state and last sign-in', async () => {
      const { users } = ok(await admin.graphql<{ users: StaffRow[] }>(USERS));
      expect(users.find((u) => u.email === ADMIN.email)).toMatchObject({ role: 'admin', active: true });
      const martin = users.find((u) => u.email === 'prof.martin@lycee.test');
      expect(martin).toMatchObject({ userId: teacher.userId, role: 'teacher', active: true, mustChangePassword: false });
      expect(Date.parse(martin!.lastSignInAt!)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('deactivates an account: its sessions end and it cannot sign in; reactivating lets it in again', async () => {
      const { client, userId } = await signedInStaff(api, admin, 'TEACHER', 'prof.parti@lycee.test');
      const deactivated = ok(
        await admin.graphql<{ deactivateUser: StaffRow }>(
          `mutation($id: ID!) { deactivateUser(userId: $id, reason: "mutation") { active } }`,
          { id: userId },
        ),
      );
      expect(deactivated.deactivateUser.active).toBe(false);
      expect(ok(await client.graphql(ME))).toEqual({ me: null });
      expect(errorCode(await api.client().signIn('TEACHER', 'prof.parti@lycee.test', NEW_PASSWORD))).toBe('UNAUTHENTICATED');
      ok(await admin.graphql(`mutation($id: ID!) { reactivateUser(userId: $id) { active } }`, { id: userId }));
      expect(ok(await api.client().signIn('TEACHER', 'prof.parti@lycee.test', NEW_PASSWORD))).toMatchObject({
        signIn: { role: 'teacher' },
      });
    });

    it('changes a role: the user’s sessions end and the other portal opens', async () => {
      const { client, userId } = await signedInStaff(api, admin, 'TEACHER', 'prof.promu@lycee.test');
      const changed = ok(
        await admin.graphql<{ changeUserRole: StaffRow }>(`mutation($id: ID!) { changeUserRole(userId: $id, role: ADMIN) { role } }`, {
          id: userId,
        }),
      );
      expect(changed.changeUserRole.role).toBe('admin');
      expect(ok(await client.graphql(ME))).toEqual({ me: null });
      expect(ok(await api.client().signIn('ADMIN', 'prof.promu@lycee.test', NEW_PASSWORD))).toMatchObject({ signIn: { role: 'admin' } });
    });

    it('refuses an admin deactivating or demoting themselves', async () => {
      const me = ok(await admin.graphql<{ me: { id: string } }>(ME)).me.id;
      expect(errorCode(await admin.graphql(`mutation($id: ID!) { deactivateUser(userId: $id) { active } }`, { id: me }))).toBe('CONFLICT');
      expect(errorCode(await admin.graphql(`mutation($id: ID!) { changeUserRole(userId: $id, role: TEACHER) { role } }`, { id: me }))).toBe(
        'CONFLICT',
      );
    });

    it('keeps an active admin when two admins remove each other at the same moment', async () => {
      const first = await signedInStaff(api, admin, 'ADMIN', 'chef.un@lycee.test');
      const second = await signedInStaff(api, admin, 'ADMIN', 'chef.deux@lycee.test');
      // The other admins step aside first, so these two are the last ones.
      for (const email of [ADMIN.email, 'prof.promu@lycee.test']) {
        const { users } = ok(await first.client.graphql<{ users: StaffRow[] }>(USERS));
        ok(
          await first.client.graphql(`mutation($id: ID!) { changeUserRole(userId: $id, role: TEACHER) { role } }`, {
            id: users.find((u) => u.email === email)!.userId,
          }),
        );
      }
      const results = await Promise.all([
        first.client.graphql(`mutation($id: ID!) { deactivateUser(userId: $id) { active } }`, { id: second.userId }),
        second.client.graphql(`mutation($id: ID!) { deactivateUser(userId: $id) { active } }`, { id: first.userId }),
      ]);
      expect(results.filter((result) => !result.errors)).toHaveLength(1);
      expect(results.map(errorCode).filter(Boolean)[0]).toMatch(/CONFLICT|UNAUTHENTICATED/);
      const survivor = results[0]!.errors ? second : first;
      const { users } = ok(await survivor.client.graphql<{ users: StaffRow[] }>(USERS));
      expect(users.filter((u) => u.role === 'admin' && u.active).map((u) => u.userId)).toEqual([survivor.userId]);
      admin = survivor.client;
    });
  });

  describe('a student’s first sign-in', () => {
    it('takes the printed login and the one-time code, forces a new password, and the code then stops working', async () => {
      const [slip] = await issueAccess(admin, { ids: [studentId] });
      expect(slip).toMatchObject({ studentId, lastName: 'DURAND', firstName: 'Léa', className: 'TG2' });
      expect(slip!.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      const student = api.client();
      const other = api.client();
      // Typed in lower case with stray spaces: the code is compared upper-cased and trimmed.
      expect(ok(await student.signIn('STUDENT', slip!.login.toLowerCase(), ` ${slip!.code.toLowerCase()} `))).toMatchObject({
        signIn: { role: 'student', mustChangePassword: true },
      });
      ok(await other.signIn('STUDENT', 'lea.durand@eleve.test', slip!.code));
      expect(errorCode(await student.graphql('{ users { userId } }'))).toBe('FORBIDDEN');
      expect(ok(await changePassword(student, slip!.code))).toEqual({ changePassword: { mustChangePassword: false } });
      expect(ok(await other.graphql(ME))).toEqual({ me: null });
      expect(errorCode(await api.client().signIn('STUDENT', slip!.login, slip!.code))).toBe('UNAUTHENTICATED');
      expect(ok(await api.client().signIn('STUDENT', 'LEA.DURAND@eleve.test', NEW_PASSWORD))).toMatchObject({
        signIn: { mustChangePassword: false },
      });
    });

    it('refuses a replaced code, and a student on the staff portals', async () => {
      const [old] = await issueAccess(admin, { ids: [studentId] });
      const [fresh] = await issueAccess(admin, { ids: [studentId] });
      expect(errorCode(await api.client().signIn('STUDENT', old!.login, old!.code))).toBe('UNAUTHENTICATED');
      expect(errorCode(await api.client().signIn('TEACHER', 'lea.durand@eleve.test', fresh!.code))).toBe('UNAUTHENTICATED');
      expect(ok(await api.client().signIn('STUDENT', fresh!.login, fresh!.code))).toMatchObject({ signIn: { mustChangePassword: true } });
    });

    it('lets a student change their password later with the current one', async () => {
      const student = await signedInStudent(api, admin, studentId);
      expect(errorCode(await changePassword(student, 'pas-le-bon', 'Encore-Un-Autre-9'))).toBe('BAD_USER_INPUT');
      ok(await changePassword(student, NEW_PASSWORD, 'Encore-Un-Autre-9'));
      expect(ok(await api.client().signIn('STUDENT', 'lea.durand@eleve.test', 'Encore-Un-Autre-9'))).toMatchObject({
        signIn: { role: 'student' },
      });
    });
  });

  describe('who may manage accounts', () => {
    it.each([
      ['users', '{ users { userId } }'],
      ['deactivateUser', `mutation { deactivateUser(userId: "00000000-0000-4000-8000-000000000000") { active } }`],
      ['reactivateUser', `mutation { reactivateUser(userId: "00000000-0000-4000-8000-000000000000") { active } }`],
      ['changeUserRole', `mutation { changeUserRole(userId: "00000000-0000-4000-8000-000000000000", role: ADMIN) { role } }`],
    ])('%s: UNAUTHENTICATED anonymous, FORBIDDEN to a teacher and a student', async (_name, query) => {
      expect(errorCode(await api.client().graphql(query))).toBe('UNAUTHENTICATED');
      expect(errorCode(await teacher.client.graphql(query))).toBe('FORBIDDEN');
      expect(errorCode(await (await signedInStudent(api, admin, studentId)).graphql(query))).toBe('FORBIDDEN');
    });
  });

  describe('sign-in rate limits', () => {
    it('refuses an account after 5 failures, even with the right password, saying when to retry', async () => {
      await createStaff(admin, 'TEACHER', 'prof.cible@lycee.test');
      for (let i = 0; i < 5; i++)
        expect(errorCode(await api.client().signIn('TEACHER', 'prof.cible@lycee.test', `mauvais-${i}`))).toBe('UNAUTHENTICATED');
      const blocked = await api.client().signIn('TEACHER', 'prof.cible@lycee.test', 'mauvais-5');
      expect(errorCode(blocked)).toBe('FORBIDDEN');
      const details = (blocked.errors?.[0]?.extensions as { details?: { retryAfterSeconds?: number } }).details;
      expect(details?.retryAfterSeconds).toBeGreaterThan(0);
    });

    // Last: it blocks the test's address for every account.
    it('refuses an address after 30 failures, whatever the account', async () => {
      let code: string | undefined;
      for (let i = 0; i < 31 && code !== 'FORBIDDEN'; i++)
        code = errorCode(await api.client().signIn('TEACHER', `inconnu-${i}@lycee.test`, 'mauvais'));
      expect(code).toBe('FORBIDDEN');
      expect(errorCode(await api.client().signIn('TEACHER', 'prof.martin@lycee.test', NEW_PASSWORD))).toBe('FORBIDDEN');
    });
  });
});
