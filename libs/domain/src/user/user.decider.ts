import { forbidden, illegalState, notFound, conflict, validation } from '../shared/domain-error.js';
import type { CommandMetadata, Decider } from '../shared/event.js';
import { isValidEmail, normaliseEmail } from './email.js';
import { isPasswordHash } from './password-hash.js';
import type { UserCommand } from './user.commands.js';
import type { UserEvent } from './user.events.js';
import { evolve, initialState, type UserState } from './user.state.js';

/**
 * Staff accounts. What one stream cannot see is the handler's job, before it calls decide:
 * - e-mail uniqueness: the handler appends to the reservation stream `useremail-<sha256(normalised email)>`
 *   with expected revision `no_stream`; a second account with the same address fails that append (CONFLICT)
 *   and its UserRegistered is never written. The hash keeps addresses out of stream names.
 * - "at least one admin": this decider refuses self-demotion and self-deactivation; demoting or
 *   deactivating the LAST other admin needs the users read model, checked by the handler.
 * - "system registers only the first admin": the decider lets `system` register admins only; that no admin
 *   exists yet is again a read-model check.
 */
export const DISPLAY_NAME_MAX = 120;

export const decide = (command: UserCommand, user: UserState): UserEvent[] => {
  const { metadata } = command;
  switch (command.type) {
    case 'RegisterUser': {
      const { userId, role, passwordHash, mustChangePassword = true } = command.data;
      if (metadata.actorRole === 'system') {
        if (role !== 'admin') throw forbidden('the system account registers the first admin only');
      } else requireAdmin(metadata, 'register a user');
      if (user.registered) throw conflict('this user is already registered', { userId });
      const email = normaliseEmail(command.data.email);
      if (!isValidEmail(email)) throw validation('this e-mail address is not valid', { email });
      const displayName = checkDisplayName(command.data.displayName);
      checkHash(passwordHash);
      return [{ type: 'UserRegistered', data: { userId, email, displayName, role, passwordHash, mustChangePassword } }];
    }
    case 'ChangePassword': {
      requireRegistered(user);
      if (metadata.actorId !== user.userId) throw forbidden('only the user may change their own password');
      if (!user.active) throw illegalState('a deactivated user cannot change their password');
      checkHash(command.data.passwordHash);
      return [{ type: 'PasswordChanged', data: { passwordHash: command.data.passwordHash } }];
    }
    case 'ResetPassword': {
      requireAdmin(metadata, 'reset a password');
      requireRegistered(user);
      if (!user.active) throw illegalState('reactivate the user before resetting their password');
      checkHash(command.data.temporaryPasswordHash);
      return [
        {
          type: 'PasswordResetIssued',
          data: { by: metadata.actorId, passwordHash: command.data.temporaryPasswordHash, mustChangePassword: true },
        },
      ];
    }
    case 'ChangeRole': {
      requireAdmin(metadata, 'change a role');
      requireRegistered(user);
      if (user.role === command.data.role) return [];
      if (metadata.actorId === user.userId) throw illegalState('an admin cannot demote themselves: the school must keep an admin');
      return [{ type: 'RoleChanged', data: { role: command.data.role, by: metadata.actorId } }];
    }
    case 'DeactivateUser': {
      requireAdmin(metadata, 'deactivate a user');
      requireRegistered(user);
      if (!user.active) return [];
      if (metadata.actorId === user.userId) throw illegalState('an admin cannot deactivate themselves: the school must keep an admin');
      const reason = command.data.reason?.trim();
      return [{ type: 'UserDeactivated', data: reason ? { by: metadata.actorId, reason } : { by: metadata.actorId } }];
    }
    case 'ReactivateUser': {
      requireAdmin(metadata, 'reactivate a user');
      requireRegistered(user);
      if (user.active) return [];
      return [{ type: 'UserReactivated', data: { by: metadata.actorId } }];
    }
    case 'RecordSignInSuccess': {
      requireRegistered(user);
      if (!user.active) throw illegalState('a deactivated user cannot sign in');
      return [{ type: 'SignInSucceeded', data: { at: metadata.now, address: command.data.address } }];
    }
    case 'RecordSignInFailure': {
      // Failures for unknown addresses have no stream to go to: creating one per guess would let anyone
      // fill the store. The handler logs those; here we record failures against real accounts only.
      requireRegistered(user);
      return [{ type: 'SignInFailed', data: { at: metadata.now, address: command.data.address, reason: command.data.reason } }];
    }
  }
};

export const userDecider: Decider<UserState, UserCommand, UserEvent> = { initialState, evolve, decide };

const requireAdmin = (metadata: CommandMetadata, action: string): void => {
  if (metadata.actorRole !== 'admin') throw forbidden(`only an admin may ${action}`);
};

const requireRegistered = (user: UserState): void => {
  if (!user.registered) throw notFound('no such user');
};

const checkDisplayName = (raw: string): string => {
  const name = raw.trim().replace(/\s+/g, ' ');
  const length = [...name].length;
  if (length < 1 || length > DISPLAY_NAME_MAX)
    throw validation(`the display name must have 1 to ${DISPLAY_NAME_MAX} characters`, { length });
  return name;
};

const checkHash = (hash: string): void => {
  if (!isPasswordHash(hash)) throw validation('expected a password hash (PHC string), never a clear password');
};
