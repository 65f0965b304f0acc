import type { EntityManager } from "typeorm";
import type { AuditService } from "../audit";
import { AmlRiskLevel } from "../identity";
import { SuspiciousActivityRow } from "./compliance.entities";

export interface AlertInput {
  userId: string;
  rule: string;
  riskScore: number;
  description: string;
  transactionIds: string[];
  /** One alert per key: the same rule re-evaluated for the same person and period adds nothing. */
  dedupKey: string;
  /** AML rule hits are SAR candidates and get a SAR number; screening hits are review items. */
  withSarNumber: boolean;
}

const RANK: Record<AmlRiskLevel, number> = { LOW: 0, MEDIUM: 1, HIGH: 2 };

export function riskLevelOf(score: number): AmlRiskLevel {
  return score >= 75 ? AmlRiskLevel.HIGH : score >= 40 ? AmlRiskLevel.MEDIUM : AmlRiskLevel.LOW;
}

/**
 * Records a suspicious activity in the caller's transaction, with its SAR number, raises the
 * person's AML risk level (never lowers it: only an officer's review does that) and appends to
 * the audit chain. Returns null when the same alert already exists.
 */
export async function raiseAlert(manager: EntityManager, audit: AuditService, input: AlertInput, now = new Date()): Promise<SuspiciousActivityRow | null> {
  let sarNumber: string | null = null;
  if (input.withSarNumber) {
    const [{ n }] = await manager.query(`SELECT nextval('sar_numbers') AS n`);
    sarNumber = `SAR-${now.toISOString().slice(0, 10).replace(/-/g, "")}-${String(n).padStart(6, "0")}`;
  }
  const inserted: Array<{ id: string }> = await manager.query(
    `INSERT INTO suspicious_activities (user_id, sar_number, rule, risk_score, description, transaction_ids, status, dedup_key, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'OPEN', $7, $8) ON CONFLICT (dedup_key) DO NOTHING RETURNING id`,
    [input.userId, sarNumber, input.rule, input.riskScore, input.description, input.transactionIds, input.dedupKey, now],
  );
  if (inserted.length === 0) return null;
  const level = riskLevelOf(input.riskScore);
  const [user] = await manager.query(`SELECT aml_risk_level FROM users WHERE id = $1 FOR NO KEY UPDATE`, [input.userId]);
  if (user && RANK[level] > RANK[user.aml_risk_level as AmlRiskLevel]) {
    await manager.query(`UPDATE users SET aml_risk_level = $1 WHERE id = $2`, [level, input.userId]);
  }
  await audit.append(manager, {
    eventType: "compliance.suspicious_activity",
    userId: input.userId,
    entityType: "suspicious_activity",
    entityId: inserted[0].id,
    payload: { rule: input.rule, riskScore: input.riskScore, sarNumber, transactionIds: input.transactionIds },
  });
  return manager.findOneByOrFail(SuspiciousActivityRow, { id: inserted[0].id });
}
