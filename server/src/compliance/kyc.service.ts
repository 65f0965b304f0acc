import type { DataSource, EntityManager } from "typeorm";
import type { AuditService } from "../audit";
import type { ComplianceConfig } from "../config";
import { KycStatus, Role, type Session } from "../identity";
import type { FieldCipher } from "../infra/crypto/field-cipher";
import { AppError, badUserInput, notFound } from "../infra/errors";
import { type Fixed, formatFixed, parseFixed } from "../infra/fixed";
import { KycVerificationRow } from "./compliance.entities";
import type { KycDecisionInput, KycInput, KycVerification } from "./compliance.types";
import { canonicalDocumentNumber, documentChecks, IMPLAUSIBLE_CHECKS, isIsoDate, outcomeOf } from "./kyc-checks";
import { toAlpha2 } from "./iso3166";
import type { ScreeningService } from "./screening.service";
import { isUuid } from "../infra/graphql/text";
import { recordWebhookNotices, WebhookEvent } from "../webhooks";

/** Verifications listed at once, oldest first (the review queue works from its head). */
export const MAX_LISTED_VERIFICATIONS = 20;

const DOCUMENT_TYPES = new Set(["PASSPORT", "NATIONAL_ID", "DRIVERS_LICENSE"]);
const OFFICERS = [Role.COMPLIANCE_OFFICER];

export const kycRequired = (message: string) => new AppError("KYC_REQUIRED", message);

/** KYC submissions, their automated checks, officers' decisions, and the limits for the unverified. */
export class KycService {
  private readonly highRisk: ReadonlySet<string>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly cipher: FieldCipher,
    private readonly screening: ScreeningService,
    private readonly config: ComplianceConfig,
  ) {
    this.highRisk = new Set(config.highRiskCountries);
  }

  async submit(session: Session, input: KycInput): Promise<KycVerification> {
    const userId = session.requireUser();
    validateShape(input);
    const today = new Date();
    return this.dataSource.transaction(async (manager) => {
      const [user] = await manager.query(`SELECT first_name, last_name, country, date_of_birth, kyc_status FROM users WHERE id = $1 FOR NO KEY UPDATE`, [userId]);
      if (user.kyc_status === KycStatus.VERIFIED) throw new AppError("CONFLICT", "KYC is already verified");
      if (user.kyc_status === KycStatus.MANUAL_REVIEW) throw new AppError("CONFLICT", "A KYC submission is already waiting for review");
      const person = {
        firstName: user.first_name,
        lastName: user.last_name,
        country: user.country,
        dateOfBirth: user.date_of_birth ? this.cipher.decrypt(user.date_of_birth, `users.date_of_birth:${userId}`) : null,
      };
      const checks = documentChecks({ ...input, mrz: input.mrz ?? null }, person, today, this.config.minAge, this.highRisk);
      const matches = await this.screening.screenPerson(manager, userId, `${person.firstName} ${person.lastName}`, "kyc");
      // The customer sees this check: it must not tip them off about which list entry matched.
      checks.push({ name: "sanctions_screening", passed: matches.length === 0, detail: matches.length ? "possible match: referred to a compliance officer" : null });
      const { status, reason } = outcomeOf(checks);
      const row = await this.store(manager, userId, input, { status, reason, checks, today });
      await manager.query(`UPDATE users SET kyc_status = $1 WHERE id = $2`, [status, userId]);
      await this.audit.append(manager, {
        eventType: "kyc.submitted",
        userId,
        entityType: "kyc_verification",
        entityId: row.id,
        payload: { documentType: input.documentType, status, failedChecks: checks.filter((c) => !c.passed).map((c) => c.name) },
      });
      if (status !== "MANUAL_REVIEW") await recordWebhookNotices(manager, [kycNotice(userId, row.id, status, today)]);
      return toKycView(row);
    });
  }

  /** Inserts the verification; the document number and birth date are encrypted bound to its id. */
  private async store(manager: EntityManager, userId: string, input: KycInput, outcome: Pick<KycVerificationRow, "status" | "reason" | "checks"> & { today: Date }): Promise<KycVerificationRow> {
    const row = manager.create(KycVerificationRow, {
      userId,
      status: outcome.status,
      documentType: input.documentType,
      documentNumber: "pending",
      issuingCountry: toAlpha2(input.issuingCountry) ?? "ZZ",
      nationality: toAlpha2(input.nationality) ?? "ZZ",
      dateOfBirth: "pending",
      expiryDate: input.expiryDate,
      checks: outcome.checks,
      reason: outcome.reason,
      decidedBy: null,
      submittedAt: outcome.today,
      decidedAt: outcome.status === "MANUAL_REVIEW" ? null : outcome.today,
    });
    await manager.insert(KycVerificationRow, row);
    // The row's id exists only once inserted; the ciphertexts are bound to it.
    row.documentNumber = this.cipher.encrypt(canonicalDocumentNumber(input.documentNumber), `kyc_verifications.document_number:${row.id}`);
    row.dateOfBirth = this.cipher.encrypt(input.dateOfBirth, `kyc_verifications.date_of_birth:${row.id}`);
    await manager.update(KycVerificationRow, { id: row.id }, { documentNumber: row.documentNumber, dateOfBirth: row.dateOfBirth });
    return row;
  }

  /** A compliance officer settles a review, with a reason; never their own. */
  async decide(session: Session, input: KycDecisionInput): Promise<KycVerification> {
    const officerId = session.requireUser();
    const reason = input.reason.trim();
    if (reason.length < 3 || reason.length > 2000) throw badUserInput("reason must be 3 to 2000 characters", "reason");
    return this.dataSource.transaction(async (manager) => {
      const row = isUuid(input.verificationId)
        ? await manager.getRepository(KycVerificationRow).createQueryBuilder("k").setLock("pessimistic_write").where("k.id = :id", { id: input.verificationId }).getOne()
        : null;
      if (!row) throw notFound("KYC verification");
      if (row.status !== "MANUAL_REVIEW") throw new AppError("CONFLICT", `The verification is ${row.status}, not waiting for review`);
      if (row.userId === officerId) throw new AppError("FORBIDDEN", "An officer may not decide their own KYC");
      // Issue 17: an implausible document never reaches VERIFIED, not even by a person's approval;
      // the review exists to reject it (and the customer to submit a real one).
      const implausible = row.checks.filter((c) => !c.passed && IMPLAUSIBLE_CHECKS.has(c.name)).map((c) => c.name);
      if (input.approve && implausible.length > 0) throw new AppError("CONFLICT", `An implausible document cannot be approved (${implausible.join(", ")}): reject it`);
      const status = input.approve ? "VERIFIED" : "REJECTED";
      const decidedAt = new Date();
      await manager.update(KycVerificationRow, { id: row.id }, { status, reason, decidedBy: officerId, decidedAt });
      await manager.query(`UPDATE users SET kyc_status = $1 WHERE id = $2`, [status, row.userId]);
      await this.audit.append(manager, { eventType: "kyc.decided", userId: officerId, entityType: "kyc_verification", entityId: row.id, payload: { subject: row.userId, status } });
      await recordWebhookNotices(manager, [kycNotice(row.userId, row.id, status, decidedAt)]);
      return toKycView({ ...row, status, reason, decidedAt });
    });
  }

  /**
   * Officers see everyone's; anyone else only their own. The review queue (`status:
   * MANUAL_REVIEW`) comes oldest first, to be worked from its head; any other list is a history,
   * the latest decided or submitted first.
   */
  async list(session: Session, status: KycStatus | null): Promise<KycVerification[]> {
    const userId = session.requireUser();
    const query = this.dataSource.getRepository(KycVerificationRow).createQueryBuilder("k").limit(MAX_LISTED_VERIFICATIONS);
    if (status === KycStatus.MANUAL_REVIEW) query.orderBy("k.submitted_at", "ASC").addOrderBy("k.id", "ASC");
    else query.orderBy("COALESCE(k.decided_at, k.submitted_at)", "DESC").addOrderBy("k.id", "DESC");
    if (!session.hasRole(...OFFICERS)) query.andWhere("k.user_id = :userId", { userId });
    if (status) query.andWhere("k.status = :status", { status });
    return (await query.getMany()).map(toKycView);
  }

  /** Inside a deposit's transaction: the unverified may deposit only up to the configured total. */
  async assertMayDeposit(manager: EntityManager, userId: string, amount: Fixed): Promise<void> {
    // Locks the user row so that two deposits racing each other cannot both pass the limit.
    const [user] = await manager.query(`SELECT kyc_status FROM users WHERE id = $1 FOR NO KEY UPDATE`, [userId]);
    if (user?.kyc_status === KycStatus.VERIFIED) return;
    const [{ total }] = await manager.query(`SELECT COALESCE(SUM(total_amount), 0)::text AS total FROM transactions WHERE user_id = $1 AND transaction_type = 'DEPOSIT' AND status = 'COMPLETED'`, [userId]);
    const limit = parseFixed(this.config.unverifiedDepositLimit);
    if (parseFixed(total) + amount > limit) {
      throw kycRequired(`Deposits above ${formatFixed(limit)} in total need verified KYC (deposited so far: ${formatFixed(parseFixed(total))})`);
    }
  }

  /** Before an order: the unverified may not place one worth more than the configured notional. */
  async assertMayTrade(userId: string, notional: Fixed): Promise<void> {
    const limit = parseFixed(this.config.unverifiedTradeNotional);
    if (notional <= limit) return;
    const [user] = await this.dataSource.query(`SELECT kyc_status FROM users WHERE id = $1`, [userId]);
    if (user?.kyc_status !== KycStatus.VERIFIED) throw kycRequired(`Orders worth more than ${formatFixed(limit)} need verified KYC`);
  }
}

function validateShape(input: KycInput): void {
  if (!DOCUMENT_TYPES.has(input.documentType)) throw badUserInput("documentType is not supported", "documentType");
  const number = canonicalDocumentNumber(input.documentNumber);
  if (number.length < 1 || number.length > 40) throw badUserInput("documentNumber must be 1 to 40 characters", "documentNumber");
  for (const field of ["issuingCountry", "nationality"] as const) {
    if (!/^[A-Za-z]{2,3}$/.test(input[field].trim())) throw badUserInput(`${field} must be an ISO 3166-1 alpha-2 or alpha-3 code`, field);
  }
  for (const field of ["dateOfBirth", "expiryDate"] as const) {
    if (!isIsoDate(input[field])) throw badUserInput(`${field} must be a date, YYYY-MM-DD`, field);
  }
  if (input.mrz && input.mrz.length > 200) throw badUserInput("mrz must be at most 200 characters", "mrz");
}

export function toKycView(row: KycVerificationRow): KycVerification {
  return {
    id: row.id,
    userId: row.userId,
    status: row.status as KycStatus,
    documentType: row.documentType as KycVerification["documentType"],
    checks: row.checks.map((c) => ({ name: c.name, passed: c.passed, detail: c.detail })),
    reason: row.reason,
    submittedAt: row.submittedAt,
    decidedAt: row.decidedAt,
  };
}

/**
 * A decided KYC as the customer's webhooks hear of it: the outcome they already see on their
 * account, never the officer's reason, the checks or any screening detail (tipping-off).
 */
function kycNotice(userId: string, verificationId: string, status: string, decidedAt: Date) {
  return { userId, event: WebhookEvent.KYC_DECIDED, data: { kyc: { verificationId, status, decidedAt } } };
}
