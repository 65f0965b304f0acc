import type { DataSource, EntityManager } from "typeorm";
import type { AuditService } from "../audit";
import type { ComplianceConfig } from "../config";
import type { FieldCipher } from "../infra/crypto/field-cipher";
import { badUserInput } from "../infra/errors";
import { pageSize } from "../infra/graphql/pagination";
import type { Fixed } from "../infra/fixed";
import type { Logger } from "../infra/logger";
import { AmlMonitor, type TradedFill } from "./aml-monitor";
import { SuspiciousActivityRow } from "./compliance.entities";
import type { SuspiciousActivity } from "./compliance.types";
import { KycService } from "./kyc.service";
import { ReportService } from "./report.service";
import { ScreeningService } from "./screening.service";

const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/** What the ledger calls inside every deposit and withdrawal transaction. */
export interface CashMovementGuard {
  beforeCashMovement(manager: EntityManager, movement: { userId: string; type: "DEPOSIT" | "WITHDRAWAL"; amount: Fixed }): Promise<void>;
  afterCashMovement(manager: EntityManager, movement: { userId: string; transactionId: string }): Promise<void>;
}

/** What the order gateway calls: the KYC gate before an order, the AML hook after a commit. */
export interface TradingCompliance {
  assertMayTrade(userId: string, notional: Fixed): Promise<void>;
  onFills(fills: readonly TradedFill[]): void;
}

/** KYC, sanctions screening, AML monitoring and reports, and the hooks other features call. */
export class ComplianceService implements CashMovementGuard, TradingCompliance {
  readonly screening: ScreeningService;
  readonly kyc: KycService;
  readonly aml: AmlMonitor;
  readonly reports: ReportService;

  constructor(
    private readonly dataSource: DataSource,
    audit: AuditService,
    cipher: FieldCipher,
    config: ComplianceConfig,
    log: Logger,
  ) {
    this.screening = new ScreeningService(dataSource, audit, config, log);
    this.kyc = new KycService(dataSource, audit, cipher, this.screening, config);
    this.aml = new AmlMonitor(dataSource, audit, config, log);
    this.reports = new ReportService(dataSource, audit);
  }

  async start(): Promise<void> {
    await this.screening.load();
    this.aml.start();
  }

  stop(): Promise<void> {
    return this.aml.stop();
  }

  async beforeCashMovement(manager: EntityManager, movement: { userId: string; type: "DEPOSIT" | "WITHDRAWAL"; amount: Fixed }): Promise<void> {
    if (movement.type === "DEPOSIT") await this.kyc.assertMayDeposit(manager, movement.userId, movement.amount);
  }

  afterCashMovement(manager: EntityManager, movement: { userId: string; transactionId: string }): Promise<void> {
    return this.aml.afterCashMovement(manager, movement.userId, movement.transactionId);
  }

  /** In the registration's transaction: the new customer's name against the sanctions list. */
  async onRegistered(manager: EntityManager, user: { id: string; firstName: string; lastName: string }): Promise<void> {
    await this.screening.screenPerson(manager, user.id, `${user.firstName} ${user.lastName}`, "registration");
  }

  assertMayTrade(userId: string, notional: Fixed): Promise<void> {
    return this.kyc.assertMayTrade(userId, notional);
  }

  onFills(fills: readonly TradedFill[]): void {
    this.aml.onFills(fills);
  }

  /** Newest first; `after` is the id of the last activity of the previous page. */
  async suspiciousActivities(first: number | null | undefined, after: string | null | undefined): Promise<SuspiciousActivity[]> {
    const size = pageSize(first, 50, 200);
    const query = this.dataSource.getRepository(SuspiciousActivityRow).createQueryBuilder("s");
    if (after) {
      if (!isUuid(after)) throw badUserInput("after must be the id of a suspicious activity", "after");
      query.where("(s.created_at, s.id) < (SELECT created_at, id FROM suspicious_activities WHERE id = :after)", { after });
    }
    const rows = await query.orderBy("s.created_at", "DESC").addOrderBy("s.id", "DESC").take(size).getMany();
    return rows.map(({ id, userId, sarNumber, rule, riskScore, description, transactionIds, status, createdAt }) => ({ id, userId, sarNumber, rule, riskScore, description, transactionIds, status, createdAt }));
  }
}
