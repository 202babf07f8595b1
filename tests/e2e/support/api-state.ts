import type { ApiClient } from '../../support/api-harness.js';
import { ok } from '../../support/school-fixtures.js';

/**
 * The API's own view of what the browser did: each step of the scenario checks the screen, then the
 * read models through GraphQL with the admin's session, so a screen that only looks right fails.
 */

export type ExamState = {
  scaleVersion: number | null;
  maxPoints: number | null;
  published: boolean;
  classNames: string[];
  correctors: { userId: string; displayName: string; assignedCopies: number; finalisedCopies: number }[];
  progress: { copies: number; identified: number; assigned: number; finalised: number; expectedStudents: number };
};

export const examState = async (admin: ApiClient, examId: string): Promise<ExamState> =>
  ok(
    await admin.graphql<{ exam: ExamState }>(
      `query($e: ID!) { exam(examId: $e) { scaleVersion maxPoints published classNames
        correctors { userId displayName assignedCopies finalisedCopies }
        progress { copies identified assigned finalised expectedStudents } } }`,
      { e: examId },
    ),
  ).exam;

export type CopyRow = {
  copyId: string;
  anonymousCode: string;
  status: string;
  correctorId: string | null;
  identificationMethod: string | null;
  total: number;
  student: { studentId: string; lastName: string; firstName: string } | null;
};

export const examCopies = async (admin: ApiClient, examId: string): Promise<CopyRow[]> =>
  ok(
    await admin.graphql<{ copies: CopyRow[] }>(
      `query($e: ID!) { copies(examId: $e) { copyId anonymousCode status correctorId identificationMethod total
        student { studentId lastName firstName } } }`,
      { e: examId },
    ),
  ).copies;

export type CopyDetail = {
  status: string;
  pages: { number: number }[];
  total: number;
  lock: { holderId: string } | null;
  scores: { questionId: string; points: number }[];
  annotations: { kind: string; text: string | null; points: number[][] | null }[];
};

export const copyDetail = async (admin: ApiClient, copyId: string): Promise<CopyDetail> =>
  ok(
    await admin.graphql<{ copy: CopyDetail }>(
      `query($c: ID!) { copy(copyId: $c) { status pages { number } total lock { holderId } scores { questionId points } annotations { kind text points } } }`,
      { c: copyId },
    ),
  ).copy;

export const copyHistory = async (admin: ApiClient, copyId: string): Promise<{ revision: string; type: string }[]> =>
  ok(
    await admin.graphql<{ copyHistory: { revision: string; type: string }[] }>(
      `query($c: ID!) { copyHistory(copyId: $c) { revision type } }`,
      {
        c: copyId,
      },
    ),
  ).copyHistory;

export const copyEventTypes = async (admin: ApiClient, copyId: string): Promise<string[]> =>
  (await copyHistory(admin, copyId)).map((entry) => entry.type);

export type RosterStudent = { studentId: string; lastName: string; firstName: string; birthDate: string; login: string };

export const classStudents = async (admin: ApiClient, className: string): Promise<RosterStudent[]> =>
  ok(
    await admin.graphql<{ students: RosterStudent[] }>(
      `query($c: String) { students(className: $c) { studentId lastName firstName birthDate login } }`,
      {
        c: className,
      },
    ),
  ).students;

export const staffUser = async (
  admin: ApiClient,
  email: string,
): Promise<{ userId: string; role: string; mustChangePassword: boolean } | undefined> =>
  ok(
    await admin.graphql<{ users: { userId: string; email: string; role: string; mustChangePassword: boolean }[] }>(
      `{ users { userId email role mustChangePassword } }`,
    ),
  ).users.find((user) => user.email === email);
