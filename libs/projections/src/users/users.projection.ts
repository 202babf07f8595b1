import type { ClientBase } from 'pg';
import type { RecordedEvent } from '#event-store';
import { type Projection, rowUpdater } from '../runner/projection.js';

/** Staff accounts: sign-in lookups and the admin's user list. */
export const usersProjection: Projection = {
  name: 'users',
  version: 1,
  eventTypes: [
    'UserRegistered',
    'PasswordChanged',
    'PasswordResetIssued',
    'RoleChanged',
    'UserDeactivated',
    'UserReactivated',
    'SignInSucceeded',
  ],
  tables: [{ name: 'users', key: 'user_id' }],
  async setup(db: ClientBase) {
    await db.query(`
      CREATE TABLE IF NOT EXISTS users (
        user_id text PRIMARY KEY,
        email text NOT NULL,
        display_name text NOT NULL,
        role text NOT NULL,
        password_hash text NOT NULL,
        must_change_password boolean NOT NULL,
        active boolean NOT NULL,
        registered_at timestamptz NOT NULL,
        last_sign_in_at timestamptz,
        revision bigint NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS users_email ON users (email);`);
  },
  async apply(db: ClientBase, events: readonly RecordedEvent[]) {
    for (const event of events) {
      const id = event.streamId.slice('user-'.length);
      const data = event.data as Record<string, unknown>;
      const revision = event.revision.toString();
      // Each update only applies an event newer than the row: replaying a batch changes nothing.
      const update = rowUpdater(db, 'users', 'user_id', id, event.revision);
      switch (event.type) {
        case 'UserRegistered':
          await db.query(
            `INSERT INTO users (user_id, email, display_name, role, password_hash, must_change_password, active, registered_at, revision)
             VALUES ($1, $2, $3, $4, $5, $6, true, $7, $8) ON CONFLICT (user_id) DO NOTHING`,
            [id, data.email, data.displayName, data.role, data.passwordHash, data.mustChangePassword, event.recordedAt, revision],
          );
          break;
        case 'PasswordChanged':
          await update('password_hash = $3, must_change_password = false', [data.passwordHash]);
          break;
        case 'PasswordResetIssued':
          await update('password_hash = $3, must_change_password = true', [data.passwordHash]);
          break;
        case 'RoleChanged':
          await update('role = $3', [data.role]);
          break;
        case 'UserDeactivated':
          await update('active = false', []);
          break;
        case 'UserReactivated':
          await update('active = true', []);
          break;
        case 'SignInSucceeded':
          await update('last_sign_in_at = $3', [data.at]);
          break;
      }
    }
  },
};
