import type { Pool, PoolClient } from 'pg';
import { ApiError, notFound } from '../shared/errors.js';
import type { StaffUser } from './staff-user.model.js';

type UserRow = {
  user_id: string;
  email: string;
  display_name: string;
  role: string;
  active: boolean;
  must_change_password: boolean;
  last_sign_in_at: Date | null;
  registered_at: Date;
};

const COLUMNS = 'user_id, email, display_name, role, active, must_change_password, last_sign_in_at, registered_at';

const toModel = (row: UserRow): StaffUser => ({
  userId: row.user_id,
  email: row.email,
  displayName: row.display_name,
  role: row.role,
  active: row.active,
  mustChangePassword: row.must_change_password,
  lastSignInAt: row.last_sign_in_at?.toISOString() ?? null,
  registeredAt: row.registered_at.toISOString(),
});

export const listUsers = async (pool: Pool): Promise<StaffUser[]> => {
  const { rows } = await pool.query<UserRow>(`SELECT ${COLUMNS} FROM users ORDER BY active DESC, lower(display_name), email`);
  return rows.map(toModel);
};

export const findUser = async (pool: Pool, userId: string): Promise<StaffUser> => {
  const { rows } = await pool.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE user_id = $1`, [userId]);
  if (!rows[0]) throw notFound('Compte introuvable.');
  return toModel(rows[0]);
};

/**
 * "The school keeps an admin" (user decider's handler note): the decider refuses self-demotion and
 * self-deactivation; this read-model check refuses removing the last other active admin. Changes to
 * the set of admins are serialised by an advisory lock held until the users read model shows the
 * change, so two admins removing each other at the same moment cannot both succeed, on any replica.
 */
export const withAdminSetLock = async <T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> => {
  const client = await pool.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(hashtext('korrigo:admin-set'))`);
    try {
      return await work(client);
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext('korrigo:admin-set'))`);
    }
  } finally {
    client.release();
  }
};

export const requireAnotherActiveAdmin = async (client: PoolClient, userId: string): Promise<void> => {
  const { rows } = await client.query<{ target_is_admin: boolean; others: number }>(
    `SELECT bool_or(user_id = $1 AND role = 'admin' AND active) AS target_is_admin,
            count(*) FILTER (WHERE user_id <> $1 AND role = 'admin' AND active)::int AS others
     FROM users`,
    [userId],
  );
  const { target_is_admin, others } = rows[0] ?? { target_is_admin: false, others: 0 };
  if (target_is_admin && others === 0) throw new ApiError('CONFLICT', 'L’établissement doit garder au moins un administrateur actif.');
};
