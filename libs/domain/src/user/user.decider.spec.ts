import type { CommandMetadata, Role } from '../shared/event.js';
import { given } from '../testing/given.js';
import type { UserCommand } from './user.commands.js';
import { userDecider } from './user.decider.js';
import type { UserEvent, UserRegistered } from './user.events.js';

describe('registering a user', () => {
  it('records the account with a lower-cased e-mail and a forced password change', () => {
    given(userDecider, [])
      .when(register({ email: '  Claire.Moreau@Lycee-Exemple.FR ' }))
      .then([registered({ email: 'claire.moreau@lycee-exemple.fr', mustChangePassword: true })]);
  });

  it('lets the system account register the first admin', () => {
    given(userDecider, [])
      .when(register({ role: 'admin' }, by('system', 'system')))
      .then([registered({ role: 'admin' })]);
  });

  it('refuses the system account registering a teacher', () => {
    given(userDecider, [])
      .when(register({ role: 'teacher' }, by('system', 'system')))
      .thenThrows('FORBIDDEN');
  });

  it('refuses a teacher registering anyone', () => {
    given(userDecider, [])
      .when(register({}, by(TEACHER, 'teacher')))
      .thenThrows('FORBIDDEN');
  });

  it.each(['claire', 'claire@', '@lycee.fr', 'claire moreau@lycee.fr', 'claire@lycee', 'claire@@lycee.fr', 'claire@lycee..fr'])(
    'refuses the malformed e-mail %p',
    (email) => {
      given(userDecider, [])
        .when(register({ email }))
        .thenThrows('VALIDATION', /e-mail/);
    },
  );

  it('refuses an empty display name', () => {
    given(userDecider, [])
      .when(register({ displayName: '   ' }))
      .thenThrows('VALIDATION', /display name/);
  });

  it('accepts a display name of exactly 120 characters and refuses 121', () => {
    given(userDecider, [])
      .when(register({ displayName: 'é'.repeat(120) }))
      .then([registered({ displayName: 'é'.repeat(120) })]);
    given(userDecider, [])
      .when(register({ displayName: 'é'.repeat(121) }))
      .thenThrows('VALIDATION');
  });

  it('refuses what looks like a clear password instead of a hash', () => {
    given(userDecider, [])
      .when(register({ passwordHash: 'Azerty123!' }))
      .thenThrows('VALIDATION', /hash/);
  });

  it('refuses registering the same user twice', () => {
    given(userDecider, [registered()]).when(register()).thenThrows('CONFLICT');
  });
});

describe('changing a password', () => {
  it('lets the user change their own password and lifts the forced change', () => {
    given(userDecider, [registered()])
      .when(command('ChangePassword', { userId: USER, passwordHash: HASH_2 }, by(USER, 'teacher')))
      .then([{ type: 'PasswordChanged', data: { passwordHash: HASH_2 } }]);
  });

  it('refuses someone else changing it, even an admin (an admin resets instead)', () => {
    given(userDecider, [registered()])
      .when(command('ChangePassword', { userId: USER, passwordHash: HASH_2 }))
      .thenThrows('FORBIDDEN');
  });

  it('refuses a deactivated user', () => {
    given(userDecider, [registered(), deactivated()])
      .when(command('ChangePassword', { userId: USER, passwordHash: HASH_2 }, by(USER, 'teacher')))
      .thenThrows('ILLEGAL_STATE');
  });

  it('refuses an unknown user', () => {
    given(userDecider, [])
      .when(command('ChangePassword', { userId: USER, passwordHash: HASH_2 }, by(USER, 'teacher')))
      .thenThrows('NOT_FOUND');
  });
});

describe('an admin resetting a password', () => {
  it('issues a temporary password that must be changed', () => {
    given(userDecider, [registered({ mustChangePassword: false })])
      .when(command('ResetPassword', { userId: USER, temporaryPasswordHash: HASH_2 }))
      .then([{ type: 'PasswordResetIssued', data: { by: ADMIN, passwordHash: HASH_2, mustChangePassword: true } }]);
  });

  it('refuses a teacher resetting a colleague', () => {
    given(userDecider, [registered()])
      .when(command('ResetPassword', { userId: USER, temporaryPasswordHash: HASH_2 }, by(TEACHER, 'teacher')))
      .thenThrows('FORBIDDEN');
  });

  it('refuses a deactivated account', () => {
    given(userDecider, [registered(), deactivated()])
      .when(command('ResetPassword', { userId: USER, temporaryPasswordHash: HASH_2 }))
      .thenThrows('ILLEGAL_STATE');
  });

  it('forces the change again after a reset, then the user changes it', () => {
    const state = [registered({ mustChangePassword: false }), reset()].reduce(userDecider.evolve, userDecider.initialState());
    expect(state.mustChangePassword).toBe(true);
    expect(userDecider.evolve(state, { type: 'PasswordChanged', data: { passwordHash: HASH_2 } }).mustChangePassword).toBe(false);
  });
});

describe('roles', () => {
  it('lets an admin promote a teacher', () => {
    given(userDecider, [registered()])
      .when(command('ChangeRole', { userId: USER, role: 'admin' }))
      .then([{ type: 'RoleChanged', data: { role: 'admin', by: ADMIN } }]);
  });

  it('records nothing when the role is already the one asked', () => {
    given(userDecider, [registered()])
      .when(command('ChangeRole', { userId: USER, role: 'teacher' }))
      .then([]);
  });

  it('refuses an admin demoting themselves', () => {
    given(userDecider, [registered({ userId: ADMIN, role: 'admin' })])
      .when(command('ChangeRole', { userId: ADMIN, role: 'teacher' }))
      .thenThrows('ILLEGAL_STATE', /demote themselves/);
  });

  it('refuses a teacher promoting themselves', () => {
    given(userDecider, [registered()])
      .when(command('ChangeRole', { userId: USER, role: 'admin' }, by(USER, 'teacher')))
      .thenThrows('FORBIDDEN');
  });
});

describe('deactivating and reactivating', () => {
  it('deactivates with a reason', () => {
    given(userDecider, [registered()])
      .when(command('DeactivateUser', { userId: USER, reason: ' left the school ' }))
      .then([{ type: 'UserDeactivated', data: { by: ADMIN, reason: 'left the school' } }]);
  });

  it('leaves the reason out when none is given', () => {
    const [event] = given(userDecider, [registered()])
      .when(command('DeactivateUser', { userId: USER }))
      .events();
    expect(event).toEqual({ type: 'UserDeactivated', data: { by: ADMIN } });
    expect(Object.keys(event?.data ?? {})).toEqual(['by']);
  });

  it('refuses an admin deactivating themselves', () => {
    given(userDecider, [registered({ userId: ADMIN, role: 'admin' })])
      .when(command('DeactivateUser', { userId: ADMIN }))
      .thenThrows('ILLEGAL_STATE');
  });

  it('records nothing for a user already deactivated', () => {
    given(userDecider, [registered(), deactivated()])
      .when(command('DeactivateUser', { userId: USER }))
      .then([]);
  });

  it('reactivates a deactivated user, and records nothing for an active one', () => {
    given(userDecider, [registered(), deactivated()])
      .when(command('ReactivateUser', { userId: USER }))
      .then([{ type: 'UserReactivated', data: { by: ADMIN } }]);
    given(userDecider, [registered()])
      .when(command('ReactivateUser', { userId: USER }))
      .then([]);
  });

  it('lets a reactivated user change their password again', () => {
    given(userDecider, [registered(), deactivated(), reactivated()])
      .when(command('ChangePassword', { userId: USER, passwordHash: HASH_2 }, by(USER, 'teacher')))
      .then([{ type: 'PasswordChanged', data: { passwordHash: HASH_2 } }]);
  });
});

describe('sign-in audit', () => {
  it('records a success with the time of the command and the address', () => {
    given(userDecider, [registered()])
      .when(command('RecordSignInSuccess', { userId: USER, address: '192.0.2.10' }, by('system', 'system')))
      .then([{ type: 'SignInSucceeded', data: { at: NOW, address: '192.0.2.10' } }]);
  });

  it('refuses to record a success for a deactivated user', () => {
    given(userDecider, [registered(), deactivated()])
      .when(command('RecordSignInSuccess', { userId: USER, address: '192.0.2.10' }, by('system', 'system')))
      .thenThrows('ILLEGAL_STATE');
  });

  it('records a failure, even for a deactivated user', () => {
    given(userDecider, [registered(), deactivated()])
      .when(command('RecordSignInFailure', { userId: USER, address: '192.0.2.10', reason: 'account-deactivated' }, by('system', 'system')))
      .then([{ type: 'SignInFailed', data: { at: NOW, address: '192.0.2.10', reason: 'account-deactivated' } }]);
  });

  it('refuses to record anything for an unknown user', () => {
    given(userDecider, [])
      .when(command('RecordSignInFailure', { userId: USER, address: '192.0.2.10', reason: 'wrong-password' }, by('system', 'system')))
      .thenThrows('NOT_FOUND');
  });

  it('counts failures until the next success', () => {
    const failed: UserEvent = { type: 'SignInFailed', data: { at: NOW, address: 'x', reason: 'wrong-password' } };
    const state = [registered(), failed, failed].reduce(userDecider.evolve, userDecider.initialState());
    expect(state.failedSignIns).toBe(2);
    const after = userDecider.evolve(state, { type: 'SignInSucceeded', data: { at: NOW, address: 'x' } });
    expect(after).toMatchObject({ failedSignIns: 0, lastSignInAt: NOW });
  });
});

// Fixtures
const ADMIN = 'a0000000-0000-4000-8000-000000000001';
const TEACHER = 'a0000000-0000-4000-8000-000000000002';
const USER = 'a0000000-0000-4000-8000-000000000003';
const NOW = '2025-03-14T08:30:00.000Z';
const HASH = '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo';
const HASH_2 = '$argon2id$v=19$m=65536,t=3,p=4$b3RoZXJzYWx0$bmV3aGFzaG5ld2hhc2g';

const by = (actorId: string, actorRole: Role): CommandMetadata => ({ actorId, actorRole, now: NOW });

const command = <T extends UserCommand['type']>(
  type: T,
  data: Extract<UserCommand, { type: T }>['data'],
  metadata: CommandMetadata = by(ADMIN, 'admin'),
): UserCommand => ({ type, data, metadata }) as UserCommand;

const register = (data: Partial<Extract<UserCommand, { type: 'RegisterUser' }>['data']> = {}, metadata?: CommandMetadata): UserCommand =>
  command(
    'RegisterUser',
    { userId: USER, email: 'claire.moreau@lycee-exemple.fr', displayName: 'Claire Moreau', role: 'teacher', passwordHash: HASH, ...data },
    metadata,
  );

const registered = (data: Partial<UserRegistered['data']> = {}): UserEvent => ({
  type: 'UserRegistered',
  data: {
    userId: USER,
    email: 'claire.moreau@lycee-exemple.fr',
    displayName: 'Claire Moreau',
    role: 'teacher',
    passwordHash: HASH,
    mustChangePassword: true,
    ...data,
  },
});

const deactivated = (): UserEvent => ({ type: 'UserDeactivated', data: { by: ADMIN } });
const reactivated = (): UserEvent => ({ type: 'UserReactivated', data: { by: ADMIN } });
const reset = (): UserEvent => ({ type: 'PasswordResetIssued', data: { by: ADMIN, passwordHash: HASH_2, mustChangePassword: true } });
