import type { Event } from '../shared/event.js';

/**
 * Events of a `user-<uuid>` stream: staff accounts (exam office and teachers). Students are not users:
 * they live on `student-` streams with their own one-time access codes.
 */
export type UserRole = 'admin' | 'teacher';

export const userStreamId = (userId: string): string => `user-${userId}`;
/**
 * Reservation stream for e-mail uniqueness, appended with expected `no_stream` by the register handler.
 * The handler hashes the normalised address (sha256, hex) with node:crypto — outside the pure domain.
 */
export const userEmailReservationStreamId = (normalisedEmailSha256Hex: string): string => `useremail-${normalisedEmailSha256Hex}`;

export type UserRegistered = Event<
  'UserRegistered',
  {
    userId: string;
    /** Trimmed and lower-cased: the same address always means the same account. */
    email: string;
    displayName: string;
    role: UserRole;
    /** An argon2id PHC string made outside the domain; a clear password never reaches an event. */
    passwordHash: string;
    mustChangePassword: boolean;
  }
>;
export type PasswordChanged = Event<'PasswordChanged', { passwordHash: string }>;
/** An admin handed the user a temporary password, which must be changed at the next sign-in. */
export type PasswordResetIssued = Event<'PasswordResetIssued', { by: string; passwordHash: string; mustChangePassword: true }>;
export type RoleChanged = Event<'RoleChanged', { role: UserRole; by: string }>;
export type UserDeactivated = Event<'UserDeactivated', { by: string; reason?: string }>;
export type UserReactivated = Event<'UserReactivated', { by: string }>;

/** Audit trail of sign-ins, kept on the account it concerns. */
export type SignInSucceeded = Event<'SignInSucceeded', { at: string; address: string }>;
export type SignInFailed = Event<'SignInFailed', { at: string; address: string; reason: SignInFailureReason }>;
export type SignInFailureReason = 'wrong-password' | 'account-deactivated' | 'rate-limited';

export type UserEvent =
  UserRegistered | PasswordChanged | PasswordResetIssued | RoleChanged | UserDeactivated | UserReactivated | SignInSucceeded | SignInFailed;
