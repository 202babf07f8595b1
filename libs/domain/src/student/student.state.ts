import type { StudentChanges, StudentDetails, StudentEvent } from './student.events.js';

export type StudentAccess = Readonly<{ codeHash: string; expiresAt: string | null; usedAt: string | null }>;

export type StudentState = Readonly<{
  enrolled: boolean;
  studentId: string;
  details: Readonly<StudentDetails>;
  withdrawn: boolean;
  /** The current one-time code; issuing a new one replaces it, so an older code stops working. */
  access: StudentAccess | null;
  hasPassword: boolean;
}>;

export const initialState = (): StudentState => ({
  enrolled: false,
  studentId: '',
  details: { lastName: '', firstName: '', birthDate: '', className: '' },
  withdrawn: false,
  access: null,
  hasPassword: false,
});

export const evolve = (student: StudentState, event: StudentEvent): StudentState => {
  switch (event.type) {
    case 'StudentEnrolled': {
      const { studentId, ...details } = event.data;
      return { ...student, enrolled: true, studentId, details };
    }
    case 'StudentUpdated':
      return { ...student, details: applyChanges(student.details, event.data) };
    case 'StudentWithdrawn':
      return { ...student, withdrawn: true };
    case 'StudentAccessIssued':
      return { ...student, access: { codeHash: event.data.codeHash, expiresAt: event.data.expiresAt ?? null, usedAt: null } };
    case 'StudentAccessUsed':
      return student.access ? { ...student, access: { ...student.access, usedAt: event.data.at } } : student;
    case 'StudentPasswordSet':
      return { ...student, hasPassword: true };
  }
};

const applyChanges = (details: StudentDetails, changes: StudentChanges): StudentDetails => {
  const next: Record<string, unknown> = { ...details };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  return next as StudentDetails;
};
