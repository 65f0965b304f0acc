import type { EntityManager } from "typeorm";
import type { AuditService } from "../audit";
import { AmlRiskLevel } from "../identity";

export function riskLevelOf(score: number): AmlRiskLevel {
  return score >= 75 ? AmlRiskLevel.HIGH : score >= 40 ? AmlRiskLevel.MEDIUM : AmlRiskLevel.LOW;
}

/**
 * A customer's AML risk follows their cases, up and down: every case still being worked counts,
 * and a filed SAR counts for `lookbackDays` after its filing. A case an officer closed with no
 * action counts no more: the review found the alert explained. Never shown to the customer.
 */
export async function recomputeRiskLevel(manager: EntityManager, audit: AuditService, userId: string, lookbackDays: number, cause: string, now = new Date()): Promise<AmlRiskLevel> {
  const [user] = await manager.query(`SELECT aml_risk_level FROM users WHERE id = $1 FOR NO KEY UPDATE`, [userId]);
  if (!user) return AmlRiskLevel.LOW;
  const [{ score }] = await manager.query(
    `SELECT COALESCE(MAX(risk_score), 0)::int AS score FROM suspicious_activities
      WHERE user_id = $1 AND (status IN ('OPEN', 'UNDER_REVIEW', 'ESCALATED') OR (status = 'SAR_FILED' AND sar_filed_at > $2))`,
    [userId, new Date(now.getTime() - lookbackDays * 86_400_000)],
  );
  const level = riskLevelOf(score);
  if (level !== user.aml_risk_level) {
    await manager.query(`UPDATE users SET aml_risk_level = $1 WHERE id = $2`, [level, userId]);
    await audit.append(manager, { eventType: "compliance.risk_level_changed", userId, entityType: "user", entityId: userId, payload: { from: user.aml_risk_level, to: level, cause } });
  }
  return level;
}
