import type { Command } from '../shared/event.js';
import type { StudentChanges, StudentDetails } from './student.events.js';

export type EnrollStudent = Command<'EnrollStudent', { studentId: string } & StudentDetails>;
/**
 * Fields left undefined are kept; `null` clears an optional field. A roster re-import sends the whole
 * row and gets no event when nothing differs.
 */
export type UpdateStudent = Command<'UpdateStudent', { studentId: string } & StudentChanges>;
export type WithdrawStudent = Command<'WithdrawStudent', { studentId: string; reason?: string }>;
export type IssueStudentAccess = Command<'IssueStudentAccess', { studentId: string; codeHash: string; expiresAt?: string }>;
/** Sent once the handler has verified the clear code against `codeHash` (argon2 lives outside the domain). */
export type RecordStudentAccessUse = Command<'RecordStudentAccessUse', { studentId: string; codeHash: string }>;
export type SetStudentPassword = Command<'SetStudentPassword', { studentId: string; passwordHash: string }>;

export type StudentCommand =
  EnrollStudent | UpdateStudent | WithdrawStudent | IssueStudentAccess | RecordStudentAccessUse | SetStudentPassword;
