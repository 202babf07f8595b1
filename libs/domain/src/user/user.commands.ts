import type { Command } from '../shared/event.js';
import type { SignInFailureReason, UserRole } from './user.events.js';

/** Every command names its user: the handler loads `user-<userId>` from it. */
export type RegisterUser = Command<
  'RegisterUser',
  { userId: string; email: string; displayName: string; role: UserRole; passwordHash: string; mustChangePassword?: boolean }
>;
/** The user replaces their own password (the handler has checked the current one). */
export type ChangePassword = Command<'ChangePassword', { userId: string; passwordHash: string }>;
export type ResetPassword = Command<'ResetPassword', { userId: string; temporaryPasswordHash: string }>;
export type ChangeRole = Command<'ChangeRole', { userId: string; role: UserRole }>;
export type DeactivateUser = Command<'DeactivateUser', { userId: string; reason?: string }>;
export type ReactivateUser = Command<'ReactivateUser', { userId: string }>;
/** Record-only: the handler verified the password; the decider only checks the account may sign in. */
export type RecordSignInSuccess = Command<'RecordSignInSuccess', { userId: string; address: string }>;
export type RecordSignInFailure = Command<'RecordSignInFailure', { userId: string; address: string; reason: SignInFailureReason }>;

export type UserCommand =
  RegisterUser | ChangePassword | ResetPassword | ChangeRole | DeactivateUser | ReactivateUser | RecordSignInSuccess | RecordSignInFailure;
