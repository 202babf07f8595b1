import type { Event } from '../shared/event.js';

export const studentStreamId = (studentId: string): string => `student-${studentId}`;

/** Who a student is, as the exam office knows it. Optional fields are left out when unknown. */
export type StudentDetails = {
  lastName: string;
  firstName: string;
  /** YYYY-MM-DD */
  birthDate: string;
  className: string;
  group?: string;
  email?: string;
  ine?: string;
};

/** Only what changed; `null` clears an optional field. */
export type StudentChanges = {
  lastName?: string;
  firstName?: string;
  birthDate?: string;
  className?: string;
  group?: string | null;
  email?: string | null;
  ine?: string | null;
};

export type StudentEnrolled = Event<'StudentEnrolled', { studentId: string } & StudentDetails>;
export type StudentUpdated = Event<'StudentUpdated', StudentChanges>;
export type StudentWithdrawn = Event<'StudentWithdrawn', { by: string; reason?: string }>;
/**
 * A one-time code for the student's first sign-in. The clear code is generated outside the domain, handed
 * to the student once, and only its hash is kept: there is no shared default password (DESIGN §10).
 */
export type StudentAccessIssued = Event<'StudentAccessIssued', { codeHash: string; issuedBy: string; expiresAt?: string }>;
export type StudentAccessUsed = Event<'StudentAccessUsed', { at: string }>;
export type StudentPasswordSet = Event<'StudentPasswordSet', { passwordHash: string }>;

export type StudentEvent =
  StudentEnrolled | StudentUpdated | StudentWithdrawn | StudentAccessIssued | StudentAccessUsed | StudentPasswordSet;
