import type { EntityManager } from "typeorm";
import type { Role } from "../infra/auth";

/** The ADMIN kill switch for one user, as a column of this feature's users table. Returns false when there is no such user. */
export async function setTradingDisabled(manager: EntityManager, userId: string, disabled: boolean): Promise<boolean> {
  const [, affected] = await manager.query(`UPDATE users SET trading_disabled = $1 WHERE id = $2`, [disabled, userId]);
  return affected > 0;
}

/** Every user whose trading an ADMIN has switched off. */
export async function usersWithTradingDisabled(manager: EntityManager): Promise<string[]> {
  const rows: Array<{ id: string }> = await manager.query(`SELECT id FROM users WHERE trading_disabled`);
  return rows.map((row) => row.id);
}

/** The roles of an active user, or null when there is no such active user. */
export async function activeUserRoles(manager: EntityManager, userId: string): Promise<Role[] | null> {
  const [row] = await manager.query(`SELECT roles FROM users WHERE id = $1 AND is_active`, [userId]);
  return row ? (row.roles as Role[]) : null;
}

/**
 * A system account (the market maker): no usable password, KYC done by the operator, never a
 * customer. Created once; returns its id.
 */
export async function ensureSystemUser(manager: EntityManager, user: { email: string; firstName: string; lastName: string }): Promise<string> {
  await manager.query(
    `INSERT INTO users (email, password_hash, first_name, last_name, roles, kyc_status)
     VALUES ($1, '!no-login', $2, $3, '{TRADER}', 'VERIFIED') ON CONFLICT (email) DO NOTHING`,
    [user.email, user.firstName, user.lastName],
  );
  const [{ id }] = await manager.query(`SELECT id FROM users WHERE email = $1`, [user.email]);
  return id;
}
