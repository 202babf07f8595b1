import type { ApiClient, ApiHarness, GraphQLResult } from './api-harness.js';

/** Builders for the accounts, roster and exams specs: staff, students and their signed-in clients. */
export const NEW_PASSWORD = 'Nouveau-Mot-2-Passe';

export const errorCode = (result: { errors?: { extensions?: { code?: string } }[] }): string | undefined =>
  result.errors?.[0]?.extensions?.code;

/** The data of a call that must succeed; throws with the errors otherwise, so a failing step is named. */
export const ok = <T = Record<string, unknown>>(result: GraphQLResult<T>): T => {
  if (result.errors || !result.data) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result.data;
};

export const createStaff = async (
  admin: ApiClient,
  role: 'TEACHER' | 'ADMIN',
  email: string,
  displayName = email.split('@')[0]!,
): Promise<{ userId: string; temporaryPassword: string }> => {
  const data = ok(
    await admin.graphql<{ createUser: { userId: string; temporaryPassword: string } }>(
      `mutation($email: String!, $name: String!, $role: Portal!) { createUser(email: $email, displayName: $name, role: $role) { userId temporaryPassword } }`,
      { email, name: displayName, role },
    ),
  );
  return data.createUser;
};

export const changePassword = (
  client: ApiClient,
  currentPassword: string,
  newPassword = NEW_PASSWORD,
): Promise<GraphQLResult<{ changePassword: { mustChangePassword: boolean } }>> =>
  client.graphql(`mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { mustChangePassword } }`, {
    c: currentPassword,
    n: newPassword,
  });

/** A staff account, signed in on its portal, its temporary password already replaced by NEW_PASSWORD. */
export const signedInStaff = async (
  api: ApiHarness,
  admin: ApiClient,
  role: 'TEACHER' | 'ADMIN',
  email: string,
): Promise<{ client: ApiClient; userId: string }> => {
  const { userId, temporaryPassword } = await createStaff(admin, role, email);
  const client = api.client();
  ok(await client.signIn(role, email, temporaryPassword));
  ok(await changePassword(client, temporaryPassword));
  return { client, userId };
};

export type ImportLine = { line: number; status: string; message: string | null; studentId: string | null };
export type ImportReport = {
  format: string;
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  errors: number;
  lines: ImportLine[];
};

export const IMPORT_ROSTER = `mutation($csv: String!, $dryRun: Boolean) { importRoster(csv: $csv, dryRun: $dryRun) { format dryRun created updated unchanged errors lines { line status message studentId } } }`;

export const importRoster = async (admin: ApiClient, csv: string, dryRun = false): Promise<ImportReport> =>
  ok(await admin.graphql<{ importRoster: ImportReport }>(IMPORT_ROSTER, { csv, dryRun })).importRoster;

export type AccessSlip = {
  studentId: string;
  login: string;
  code: string;
  lastName: string;
  firstName: string;
  className: string;
  expiresAt: string;
};

export const ISSUE_ACCESS = `mutation($ids: [ID!], $className: String) { issueStudentAccess(studentIds: $ids, className: $className) { studentId login code lastName firstName className expiresAt } }`;

export const issueAccess = async (admin: ApiClient, target: { ids?: string[]; className?: string }): Promise<AccessSlip[]> =>
  ok(await admin.graphql<{ issueStudentAccess: AccessSlip[] }>(ISSUE_ACCESS, target)).issueStudentAccess;

/** A student signed in with a fresh one-time code, who then chose NEW_PASSWORD. */
export const signedInStudent = async (api: ApiHarness, admin: ApiClient, studentId: string): Promise<ApiClient> => {
  const [slip] = await issueAccess(admin, { ids: [studentId] });
  const client = api.client();
  ok(await client.signIn('STUDENT', slip!.login, slip!.code));
  ok(await changePassword(client, slip!.code));
  return client;
};

/** A Pronote export as schools send it: BOM, `;`, CRLF, "NOM Prénom" in one column, dates JJ/MM/AAAA. */
export const pronoteFile = (lines: readonly string[]): string =>
  `\uFEFF${['NOM Prénom;Date de naissance;Adresse e-mail;Classe;Groupe', ...lines].join('\r\n')}\r\n`;
