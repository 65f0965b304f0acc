import type { EntityManager } from "typeorm";
import type { AuditService } from "../audit";
import { SuspiciousActivityRow } from "./compliance.entities";
import { isInternalAccount } from "./internal-accounts";
import { recomputeRiskLevel } from "./risk-level";

export interface AlertInput {
  userId: string;
  rule: string;
  riskScore: number;
  description: string;
  transactionIds: string[];
  /** One alert per key: the same rule re-evaluated for the same person and period adds nothing. */
  dedupKey: string;
}

/** How alerts become cases, and how long a filed SAR keeps weighing on the risk level. */
export interface CasePolicy {
  groupingDays: number;
  riskLookbackDays: number;
}

export const OPEN_STATUSES = ["OPEN", "UNDER_REVIEW", "ESCALATED"] as const;

/**
 * Records a rule hit in the caller's transaction. It joins the customer's case for the same rule
 * opened within `groupingDays` that is still being worked, or opens a new OPEN case; no SAR
 * number (that is issued when an officer files). The risk level is recomputed and the hit
 * appended to the audit chain. Returns null when the same alert already exists, or when the
 * account is a system account (not a customer).
 */
export async function raiseAlert(manager: EntityManager, audit: AuditService, input: AlertInput, policy: CasePolicy, now = new Date()): Promise<SuspiciousActivityRow | null> {
  if (await isInternalAccount(manager, input.userId)) return null;
  // The customer's row lock serialises their alerts, so two hits cannot open two cases.
  await manager.query(`SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE`, [input.userId]);
  const [seen] = await manager.query(`SELECT 1 FROM case_alerts WHERE dedup_key = $1`, [input.dedupKey]);
  if (seen) return null;
  const since = new Date(now.getTime() - policy.groupingDays * 86_400_000);
  const [open]: Array<{ id: string }> = await manager.query(
    `SELECT id FROM suspicious_activities WHERE user_id = $1 AND rule = $2 AND status = ANY($3) AND created_at > $4
      ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
    [input.userId, input.rule, OPEN_STATUSES, since],
  );
  let caseId: string;
  if (open) {
    caseId = open.id;
    await manager.query(
      `UPDATE suspicious_activities
          SET risk_score = GREATEST(risk_score, $2), description = description || E'\\n' || $3,
              transaction_ids = ARRAY(SELECT DISTINCT unnest(transaction_ids || $4::text[]) ORDER BY 1),
              last_alert_at = $5, updated_at = $5
        WHERE id = $1`,
      [caseId, input.riskScore, input.description, input.transactionIds, now],
    );
  } else {
    [{ id: caseId }] = await manager.query(
      `INSERT INTO suspicious_activities (user_id, rule, risk_score, description, transaction_ids, status, created_at, last_alert_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'OPEN', $6, $6, $6) RETURNING id`,
      [input.userId, input.rule, input.riskScore, input.description, input.transactionIds, now],
    );
  }
  const [{ id: alertId }] = await manager.query(
    `INSERT INTO case_alerts (case_id, rule, risk_score, description, transaction_ids, dedup_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [caseId, input.rule, input.riskScore, input.description, input.transactionIds, input.dedupKey, now],
  );
  await audit.append(manager, {
    eventType: "compliance.suspicious_activity",
    userId: input.userId,
    entityType: "suspicious_activity",
    entityId: caseId,
    payload: { alertId, rule: input.rule, riskScore: input.riskScore, joinedCase: Boolean(open), transactionIds: input.transactionIds },
  });
  await recomputeRiskLevel(manager, audit, input.userId, policy.riskLookbackDays, "alert", now);
  return manager.findOneByOrFail(SuspiciousActivityRow, { id: caseId });
}
