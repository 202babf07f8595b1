import { conflict, forbidden, illegalState, notFound, validation } from '../shared/domain-error.js';
import type { CommandMetadata, Decider } from '../shared/event.js';
import { atOrAfter } from '../shared/time.js';
import { isValidEmail, normaliseEmail } from '../user/email.js';
import { isPasswordHash } from '../user/password-hash.js';
import type { StudentCommand } from './student.commands.js';
import type { StudentChanges, StudentDetails, StudentEvent } from './student.events.js';
import { CLASS_MAX, birthDateProblem, isValidIne, nameProblem, normaliseIne, normaliseText } from './student.rules.js';
import { evolve, initialState, type StudentState } from './student.state.js';

/**
 * A student of the school. The roster import (handler) matches each row to an existing student with
 * `rosterMatchKey` and sends EnrollStudent or UpdateStudent; unchanged rows give no event, so importing
 * the same file twice writes nothing the second time.
 */
export const decide = (command: StudentCommand, student: StudentState): StudentEvent[] => {
  const { metadata } = command;
  switch (command.type) {
    case 'EnrollStudent': {
      requireAdmin(metadata, 'enrol a student');
      if (student.enrolled) throw conflict('this student is already enrolled', { studentId: command.data.studentId });
      const { studentId, ...input } = command.data;
      return [{ type: 'StudentEnrolled', data: { studentId, ...cleanDetails(input, metadata.now) } }];
    }
    case 'UpdateStudent': {
      requireAdmin(metadata, 'update a student');
      requireActive(student, 'updated');
      const { studentId: _id, ...input } = command.data;
      const changes = diff(student.details, cleanChanges(input, metadata.now));
      return Object.keys(changes).length === 0 ? [] : [{ type: 'StudentUpdated', data: changes }];
    }
    case 'WithdrawStudent': {
      requireAdmin(metadata, 'withdraw a student');
      requireEnrolled(student);
      if (student.withdrawn) return [];
      const reason = command.data.reason?.trim();
      return [{ type: 'StudentWithdrawn', data: reason ? { by: metadata.actorId, reason } : { by: metadata.actorId } }];
    }
    case 'IssueStudentAccess': {
      requireAdmin(metadata, 'issue a student access code');
      requireActive(student, 'issued an access code');
      const { codeHash, expiresAt } = command.data;
      checkHash(codeHash);
      if (expiresAt !== undefined && (Number.isNaN(Date.parse(expiresAt)) || atOrAfter(metadata.now, expiresAt))) {
        throw validation('an access code must expire in the future', { expiresAt });
      }
      const issued = { codeHash, issuedBy: metadata.actorId };
      return [{ type: 'StudentAccessIssued', data: expiresAt === undefined ? issued : { ...issued, expiresAt } }];
    }
    case 'RecordStudentAccessUse': {
      requireActive(student, 'let in');
      const { access } = student;
      if (!access) throw illegalState('no access code was issued to this student');
      // The handler verified the clear code against a hash it read; if a newer code replaced it since, refuse.
      if (access.codeHash !== command.data.codeHash) throw illegalState('this access code was replaced by a newer one');
      if (access.usedAt !== null) throw illegalState('this access code was already used');
      if (access.expiresAt !== null && atOrAfter(metadata.now, access.expiresAt)) throw illegalState('this access code has expired');
      return [{ type: 'StudentAccessUsed', data: { at: metadata.now } }];
    }
    case 'SetStudentPassword': {
      requireActive(student, 'given a password');
      if (metadata.actorRole !== 'student' || metadata.actorId !== student.studentId) {
        throw forbidden('only the student may set their own password');
      }
      // First password: only after proving possession of a one-time code. Later: a change, which the
      // handler allows after checking the current password.
      if (!student.hasPassword && student.access?.usedAt == null) throw illegalState('the student must first sign in with a one-time code');
      checkHash(command.data.passwordHash);
      return [{ type: 'StudentPasswordSet', data: { passwordHash: command.data.passwordHash } }];
    }
  }
};

export const studentDecider: Decider<StudentState, StudentCommand, StudentEvent> = { initialState, evolve, decide };

const requireAdmin = (metadata: CommandMetadata, action: string): void => {
  if (metadata.actorRole !== 'admin') throw forbidden(`only an admin may ${action}`);
};

const requireEnrolled = (student: StudentState): void => {
  if (!student.enrolled) throw notFound('no such student');
};

const requireActive = (student: StudentState, what: string): void => {
  requireEnrolled(student);
  if (student.withdrawn) throw illegalState(`a withdrawn student cannot be ${what}`);
};

const checkHash = (hash: string): void => {
  if (!isPasswordHash(hash)) throw validation('expected a hash (PHC string), never a clear code or password');
};

const cleanDetails = (input: StudentDetails, now: string): StudentDetails => {
  const changes = cleanChanges(input, now);
  const details = { ...changes } as Record<string, unknown>;
  for (const key of ['lastName', 'firstName', 'birthDate', 'className'] as const) {
    if (changes[key] === undefined) throw validation(`${key} is required`);
  }
  for (const key of ['group', 'email', 'ine'] as const) if (changes[key] === null) delete details[key];
  return details as StudentDetails;
};

/** Validates and normalises every field given; an empty optional field means "none" (null). */
const cleanChanges = (input: StudentChanges, now: string): StudentChanges => {
  const out: StudentChanges = {};
  if (input.lastName !== undefined) out.lastName = name(input.lastName, 'the last name');
  if (input.firstName !== undefined) out.firstName = name(input.firstName, 'the first name');
  if (input.birthDate !== undefined) {
    const birthDate = input.birthDate.trim();
    const problem = birthDateProblem(birthDate, now);
    if (problem) throw validation(problem, { birthDate });
    out.birthDate = birthDate;
  }
  if (input.className !== undefined) {
    const className = optional(input.className, 'the class');
    if (className === null) throw validation('the class is missing');
    out.className = className;
  }
  if (input.group !== undefined) out.group = optional(input.group, 'the group');
  if (input.email !== undefined) {
    const email = input.email === null ? '' : normaliseEmail(input.email);
    if (email !== '' && !isValidEmail(email)) throw validation('this e-mail address is not valid', { email });
    out.email = email || null;
  }
  if (input.ine !== undefined) {
    const ine = input.ine === null ? '' : normaliseIne(input.ine);
    if (ine !== '' && !isValidIne(ine)) throw validation('an INE is 9 digits, a digit or letter, then a letter', { ine });
    out.ine = ine || null;
  }
  return out;
};

const name = (raw: string, what: string): string => {
  const value = normaliseText(raw);
  const problem = nameProblem(value, what);
  if (problem) throw validation(problem);
  return value;
};

const optional = (raw: string | null, what: string): string | null => {
  const value = raw === null ? '' : normaliseText(raw);
  if ([...value].length > CLASS_MAX) throw validation(`${what} is longer than ${CLASS_MAX} characters`);
  return value || null;
};

/** Keeps only the fields whose value differs from what the student already has. */
const diff = (current: StudentDetails, wanted: StudentChanges): StudentChanges => {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wanted)) {
    if (value === undefined) continue;
    const existing = (current as Record<string, unknown>)[key] ?? null;
    if (existing !== value) changes[key] = value;
  }
  return changes as StudentChanges;
};
