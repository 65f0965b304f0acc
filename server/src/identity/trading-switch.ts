import type { EntityManager } from "typeorm";

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
