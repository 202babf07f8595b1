import type { UserEvent, UserRole } from './user.events.js';

export type UserState = Readonly<{
  registered: boolean;
  userId: string;
  email: string;
  displayName: string;
  role: UserRole;
  active: boolean;
  passwordHash: string;
  mustChangePassword: boolean;
  lastSignInAt: string | null;
  /** Failures since the last success: the login rate limiter may read it from the projection. */
  failedSignIns: number;
}>;

export const initialState = (): UserState => ({
  registered: false,
  userId: '',
  email: '',
  displayName: '',
  role: 'teacher',
  active: false,
  passwordHash: '',
  mustChangePassword: false,
  lastSignInAt: null,
  failedSignIns: 0,
});

export const evolve = (user: UserState, event: UserEvent): UserState => {
  switch (event.type) {
    case 'UserRegistered':
      return { ...user, ...event.data, registered: true, active: true };
    case 'PasswordChanged':
      return { ...user, passwordHash: event.data.passwordHash, mustChangePassword: false };
    case 'PasswordResetIssued':
      return { ...user, passwordHash: event.data.passwordHash, mustChangePassword: true };
    case 'RoleChanged':
      return { ...user, role: event.data.role };
    case 'UserDeactivated':
      return { ...user, active: false };
    case 'UserReactivated':
      return { ...user, active: true };
    case 'SignInSucceeded':
      return { ...user, lastSignInAt: event.data.at, failedSignIns: 0 };
    case 'SignInFailed':
      return { ...user, failedSignIns: user.failedSignIns + 1 };
  }
};
