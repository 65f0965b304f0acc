import type { EntityManager } from "typeorm";
import { SYSTEM_EMAIL_DOMAIN } from "../identity";

/*
 * System accounts (the market maker, fee and treasury accounts) live at identity's reserved
 * SYSTEM_EMAIL_DOMAIN, which registration refuses to customers. They are not customers: no CTR,
 * no AML rule, no screening; their activity is still audited by the features that move it.
 */

/** A SQL condition on a `users` alias that is true for customers, false for system accounts. */
export const isCustomerSql = (alias: string) => `${alias}.email NOT LIKE '%@${SYSTEM_EMAIL_DOMAIN}'`;

export const isSystemEmail = (email: string) => email.toLowerCase().endsWith(`@${SYSTEM_EMAIL_DOMAIN}`);

/** The ids of every system account. */
export async function internalAccountIds(manager: EntityManager): Promise<string[]> {
  const rows: Array<{ id: string }> = await manager.query(`SELECT id FROM users u WHERE NOT (${isCustomerSql("u")})`);
  return rows.map((r) => r.id);
}

export async function isInternalAccount(manager: EntityManager, userId: string): Promise<boolean> {
  const [user] = await manager.query(`SELECT email FROM users WHERE id = $1`, [userId]);
  return user !== undefined && isSystemEmail(user.email);
}
