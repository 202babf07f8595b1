import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';

/**
 * Server-side sessions in PostgreSQL (DESIGN §6, §9: any API replica can serve any request). Only a
 * hash of the session token is stored: a leaked table does not let anyone sign in.
 */
export type SessionRole = 'admin' | 'teacher' | 'student';

export interface Session {
  readonly userId: string;
  readonly role: SessionRole;
  readonly csrfToken: string;
  readonly mustChangePassword: boolean;
  readonly expiresAt: string;
}

export const SESSIONS_DDL = `
CREATE TABLE IF NOT EXISTS auth_sessions (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL,
  role text NOT NULL,
  csrf_token text NOT NULL,
  must_change_password boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS auth_sessions_user ON auth_sessions (user_id);
CREATE TABLE IF NOT EXISTS auth_throttle (
  key text PRIMARY KEY,
  failures integer NOT NULL,
  window_start timestamptz NOT NULL
);`;

const ABSOLUTE_HOURS = 12;
const IDLE_MINUTES = 120;
/** How stale last_seen_at may get: the idle timeout is exact to within this. */
const TOUCH_EVERY_SECONDS = 60;

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

export class SessionStore {
  constructor(private readonly pool: Pool) {}

  async migrate(): Promise<void> {
    await this.pool.query(SESSIONS_DDL);
  }

  async create(userId: string, role: SessionRole, mustChangePassword: boolean): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const { rows } = await this.pool.query<{ expires_at: Date }>(
      `INSERT INTO auth_sessions (token_hash, user_id, role, csrf_token, must_change_password, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(hours => $6)) RETURNING expires_at`,
      [digest(token), userId, role, csrfToken, mustChangePassword, ABSOLUTE_HOURS],
    );
    return { token, session: { userId, role, csrfToken, mustChangePassword, expiresAt: rows[0]!.expires_at.toISOString() } };
  }

  /**
   * The live session for a token; null when unknown, expired or idle too long. The idle clock is
   * touched at most once a minute: a read-only lookup commits without a WAL flush, where an UPDATE on
   * every request cost each call a synchronous disk write (bench:api).
   */
  async find(token: string): Promise<Session | null> {
    const { rows } = await this.pool.query<{
      user_id: string;
      role: SessionRole;
      csrf_token: string;
      must_change_password: boolean;
      expires_at: Date;
    }>(
      `WITH live AS (
         SELECT token_hash, user_id, role, csrf_token, must_change_password, expires_at, last_seen_at FROM auth_sessions
         WHERE token_hash = $1 AND expires_at > now() AND last_seen_at > now() - make_interval(mins => $2)
       ), touched AS (
         UPDATE auth_sessions s SET last_seen_at = now() FROM live
         WHERE s.token_hash = live.token_hash AND live.last_seen_at < now() - make_interval(secs => $3)
       )
       SELECT user_id, role, csrf_token, must_change_password, expires_at FROM live`,
      [digest(token), IDLE_MINUTES, TOUCH_EVERY_SECONDS],
    );
    const row = rows[0];
    return row
      ? {
          userId: row.user_id,
          role: row.role,
          csrfToken: row.csrf_token,
          mustChangePassword: row.must_change_password,
          expiresAt: row.expires_at.toISOString(),
        }
      : null;
  }

  async destroy(token: string): Promise<void> {
    await this.pool.query(`DELETE FROM auth_sessions WHERE token_hash = $1`, [digest(token)]);
  }

  /** After a password change or reset: every other session of that user ends. */
  async destroyAllFor(userId: string, except?: string): Promise<void> {
    await this.pool.query(`DELETE FROM auth_sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2`, [
      userId,
      except ? digest(except) : null,
    ]);
  }

  async markPasswordChanged(token: string): Promise<void> {
    await this.pool.query(`UPDATE auth_sessions SET must_change_password = false WHERE token_hash = $1`, [digest(token)]);
  }
}
