import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, userDecider } from '#domain';
import { WrongExpectedRevisionError } from '#event-store';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { type Actor, appendAs, executeCommand } from '../shared/execute-command.js';
import { ApiError, badInput, forbidden, unauthenticated } from '../shared/errors.js';
import { actorOf, metadataOf, readYourWrites } from '../shared/command-context.js';
import { burnVerification, generateOneTimeCode, hashPassword, normaliseAccessCode, passwordWeakness, verifyPassword } from './password.js';
import { CSRF_COOKIE, SESSION_COOKIE, type RequestContext } from './request-context.js';
import { type Session, type SessionRole, SessionStore } from './sessions.js';
import { LIMITS, SignInThrottle } from './throttle.js';
import { metrics } from '../metrics/metrics.js';

export type Portal = 'admin' | 'teacher' | 'student';

export interface Account {
  readonly id: string;
  readonly role: SessionRole;
  readonly displayName: string;
  readonly passwordHash: string | null;
  readonly accessCodeHash: string | null;
  readonly active: boolean;
  readonly mustChangePassword: boolean;
}

const emailStream = (email: string): string => `useremail-${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
const GENERIC_FAILURE = 'Identifiant ou mot de passe incorrect.';

@Injectable()
export class AuthService {
  private readonly throttle: SignInThrottle;

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(SessionStore) private readonly sessions: SessionStore,
  ) {
    this.throttle = new SignInThrottle(runtime.pool);
  }

  /** Sign-in through one portal's entry: each refuses the other roles (after checking the password, so it tells nothing to a guesser). */
  async signIn(ctx: RequestContext, portal: Portal, login: string, password: string): Promise<Session> {
    const loginKey = login.trim().toLowerCase();
    const keys = [
      { key: `account:${loginKey}`, limit: LIMITS.perAccount },
      { key: `address:${ctx.address}`, limit: LIMITS.perAddress },
    ];
    const wait = await this.throttle.retryAfter(keys);
    if (wait > 0) {
      metrics.signIns.inc({ portal, outcome: 'throttled' });
      throw new ApiError('FORBIDDEN', `Trop de tentatives : réessayez dans ${Math.ceil(wait / 60)} min.`, { retryAfterSeconds: wait });
    }
    const account = portal === 'student' ? await this.findStudent(loginKey) : await this.findStaff(loginKey);
    const secret = account?.passwordHash ?? account?.accessCodeHash ?? null;
    const valid = secret
      ? await verifyPassword(secret, portal === 'student' && !account?.passwordHash ? normaliseAccessCode(password) : password)
      : (await burnVerification(password), false);
    if (!account || !valid || !account.active || account.role !== portal) {
      await this.throttle.recordFailure(keys.map((k) => k.key));
      metrics.signIns.inc({ portal, outcome: 'refused' });
      if (account && account.role !== 'student')
        await this.recordStaffSignIn(account.id, ctx.address, valid && !account.active ? 'account-deactivated' : 'wrong-password', false);
      if (account && valid && account.active && account.role !== portal)
        throw forbidden(`Ce compte n'ouvre pas le portail ${portalName(portal)}.`);
      throw unauthenticated(GENERIC_FAILURE);
    }
    await this.throttle.clear([`account:${loginKey}`]);
    metrics.signIns.inc({ portal, outcome: 'success' });
    if (account.role !== 'student') await this.recordStaffSignIn(account.id, ctx.address, null, true);
    const { token, session } = await this.sessions.create(account.id, account.role, account.mustChangePassword);
    this.setCookies(ctx.res, token, session);
    ctx.session = { ...session, token };
    return session;
  }

  async signOut(ctx: RequestContext): Promise<void> {
    if (ctx.session) await this.sessions.destroy(ctx.session.token);
    ctx.res.clearCookie(SESSION_COOKIE, { path: '/' });
    ctx.res.clearCookie(CSRF_COOKIE, { path: '/' });
    ctx.session = null;
  }

  /** Staff change their password; other sessions of the account end. */
  async changeStaffPassword(ctx: RequestContext, current: string, next: string): Promise<void> {
    const session = ctx.session!;
    const account = await this.staffById(session.userId);
    if (!account?.passwordHash || !(await verifyPassword(account.passwordHash, current)))
      throw badInput('Le mot de passe actuel est incorrect.');
    this.requireStrong(next, current);
    const result = await executeCommand(
      this.runtime.store,
      `user-${session.userId}`,
      userDecider,
      {
        type: 'ChangePassword',
        data: { userId: session.userId, passwordHash: await hashPassword(next) },
        metadata: metadataOf(session),
      },
      actorOf(session),
    );
    await readYourWrites(this.runner, result.position, ['users']);
    await this.sessions.destroyAllFor(session.userId, session.token);
    await this.sessions.markPasswordChanged(session.token);
    ctx.session = { ...session, mustChangePassword: false };
  }

  /** An admin hands a temporary password over; the user's sessions end and a change is forced. */
  async resetStaffPassword(admin: Session, userId: string): Promise<string> {
    const temporary = generateOneTimeCode();
    const result = await executeCommand(
      this.runtime.store,
      `user-${userId}`,
      userDecider,
      { type: 'ResetPassword', data: { userId, temporaryPasswordHash: await hashPassword(temporary) }, metadata: metadataOf(admin) },
      actorOf(admin),
    );
    await readYourWrites(this.runner, result.position, ['users']);
    await this.sessions.destroyAllFor(userId);
    return temporary;
  }

  async displayName(session: Session): Promise<string> {
    if (session.role === 'student') {
      const { rows } = await this.runtime.pool.query(`SELECT first_name || ' ' || last_name AS name FROM students WHERE student_id = $1`, [
        session.userId,
      ]);
      return rows[0]?.name ?? '';
    }
    return (await this.staffById(session.userId))?.displayName ?? '';
  }

  /** Creates the first admin when there is none (first start). Returns the password to print once, or null. */
  async bootstrapAdmin(
    email: string | undefined,
    password: string | undefined,
  ): Promise<{ email: string; password: string | null } | null> {
    const { rows } = await this.runtime.pool.query(`SELECT 1 FROM users WHERE role = 'admin' LIMIT 1`);
    if (rows.length > 0) return null;
    const adminEmail = (email ?? 'admin@korrigo.local').trim().toLowerCase();
    const chosen = password ?? generateOneTimeCode();
    if (password) this.requireStrong(password);
    await this.registerUser(
      { actorId: 'system', actorRole: 'system' },
      { email: adminEmail, displayName: 'Administrateur', role: 'admin', password: chosen, mustChangePassword: !password },
    );
    return { email: adminEmail, password: password ? null : chosen };
  }

  /** Registers a staff account; the e-mail is reserved first so two accounts never share it. */
  async registerUser(
    actor: Actor,
    input: { email: string; displayName: string; role: 'admin' | 'teacher'; password: string; mustChangePassword: boolean },
  ): Promise<string> {
    const userId = randomUUID();
    const email = input.email.trim().toLowerCase();
    try {
      await appendAs(this.runtime.store, emailStream(email), [{ type: 'UserEmailReserved', data: { userId } }], actor, 'no_stream');
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) throw new ApiError('CONFLICT', 'Un compte utilise déjà cette adresse.');
      throw error;
    }
    const passwordHash = await hashPassword(input.password);
    const result = await executeCommand(
      this.runtime.store,
      `user-${userId}`,
      userDecider,
      {
        type: 'RegisterUser',
        data: {
          userId,
          email,
          displayName: input.displayName,
          role: input.role,
          passwordHash,
          mustChangePassword: input.mustChangePassword,
        },
        metadata: { actorId: actor.actorId, actorRole: actor.actorRole, now: new Date().toISOString() },
      },
      actor,
    );
    await readYourWrites(this.runner, result.position, ['users']);
    return userId;
  }

  requireStrong(password: string, previous?: string): void {
    const weakness = passwordWeakness(password);
    if (weakness) throw badInput(weakness);
    if (previous !== undefined && previous === password) throw badInput('Choisissez un mot de passe différent de l’actuel.');
  }

  private setCookies(res: Response, token: string, session: Session): void {
    const secure = this.runtime.config.env === 'production';
    const expires = new Date(session.expiresAt);
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', expires });
    // Readable by the portal's script, which echoes it in the X-CSRF-Token header (double submit).
    res.cookie(CSRF_COOKIE, session.csrfToken, { httpOnly: false, sameSite: 'strict', secure, path: '/', expires });
  }

  private async recordStaffSignIn(
    userId: string,
    address: string,
    reason: 'wrong-password' | 'account-deactivated' | null,
    success: boolean,
  ): Promise<void> {
    const metadata = { actorId: userId, actorRole: 'system' as const, now: new Date().toISOString() };
    const command = success
      ? ({ type: 'RecordSignInSuccess', data: { userId, address }, metadata } as const)
      : ({ type: 'RecordSignInFailure', data: { userId, address, reason: reason ?? 'wrong-password' }, metadata } as const);
    try {
      await executeCommand(this.runtime.store, `user-${userId}`, userDecider, command, { actorId: userId, actorRole: 'system' });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }

  private async findStaff(email: string): Promise<Account | null> {
    const { rows } = await this.runtime.pool.query(
      `SELECT user_id, role, display_name, password_hash, active, must_change_password FROM users WHERE email = $1`,
      [email],
    );
    return rows[0] ? toStaff(rows[0]) : null;
  }

  async staffById(userId: string): Promise<Account | null> {
    const { rows } = await this.runtime.pool.query(
      `SELECT user_id, role, display_name, password_hash, active, must_change_password FROM users WHERE user_id = $1`,
      [userId],
    );
    return rows[0] ? toStaff(rows[0]) : null;
  }

  private async findStudent(login: string): Promise<Account | null> {
    const { rows } = await this.runtime.pool.query(
      `SELECT student_id, first_name, last_name, password_hash, access_code_hash, withdrawn, must_change_password, access_expires_at FROM students
       WHERE lower(email) = $1 OR upper(ine) = upper($1) OR login_code = upper($1) ORDER BY student_id LIMIT 2`,
      [login],
    );
    if (rows.length !== 1) return null; // an ambiguous login signs nobody in
    const row = rows[0];
    const accessExpired = row.access_expires_at && Date.parse(row.access_expires_at) < Date.now();
    return {
      id: row.student_id,
      role: 'student',
      displayName: `${row.first_name} ${row.last_name}`,
      passwordHash: row.password_hash,
      accessCodeHash: accessExpired ? null : row.access_code_hash,
      active: !row.withdrawn,
      mustChangePassword: row.must_change_password,
    };
  }
}

const toStaff = (row: {
  user_id: string;
  role: SessionRole;
  display_name: string;
  password_hash: string;
  active: boolean;
  must_change_password: boolean;
}): Account => ({
  id: row.user_id,
  role: row.role,
  displayName: row.display_name,
  passwordHash: row.password_hash,
  accessCodeHash: null,
  active: row.active,
  mustChangePassword: row.must_change_password,
});

const portalName = (portal: Portal): string => ({ admin: 'administration', teacher: 'correcteur', student: 'élève' })[portal];
