import type { DataSource, EntityManager } from "typeorm";
import type { AuditService } from "../audit";
import type { ComplianceConfig } from "../config";
import type { FieldCipher } from "../infra/crypto/field-cipher";
import type { Fixed } from "../infra/fixed";
import type { Logger } from "../infra/logger";
import { AmlMonitor, type BehaviourSource, type TradedFill } from "./aml-monitor";
import { CaseService } from "./case.service";
import { createComplianceLoaders } from "./compliance.loaders";
import { CustomerService } from "./customer.service";
import { KycService, toKycView } from "./kyc.service";
import { ReportService } from "./report.service";
import { type LinkedWalletSource, ScreeningService } from "./screening.service";

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

/** What the chain feature calls when a wallet is linked, inside the link's transaction. */
export interface WalletScreening {
  onWalletLinked(manager: EntityManager, userId: string, address: string): Promise<void>;
}

/** KYC, sanctions screening, AML monitoring and reports, and the hooks other features call. */
export class ComplianceService implements CashMovementGuard, TradingCompliance, WalletScreening {
  readonly screening: ScreeningService;
  readonly kyc: KycService;
  readonly aml: AmlMonitor;
  readonly reports: ReportService;
  readonly cases: CaseService;
  readonly customers: CustomerService;

  constructor(
    private readonly dataSource: DataSource,
    audit: AuditService,
    private readonly cipher: FieldCipher,
    config: ComplianceConfig,
    log: Logger,
  ) {
    this.screening = new ScreeningService(dataSource, audit, config, log);
    this.kyc = new KycService(dataSource, audit, cipher, this.screening, config);
    this.aml = new AmlMonitor(dataSource, audit, config, log);
    this.reports = new ReportService(dataSource, audit);
    this.cases = new CaseService(dataSource, audit, config);
    this.customers = new CustomerService(dataSource, audit, this.screening, toKycView);
  }

  /** Per request: the people, notes and (decrypted for officers) identities the officers' tables show. */
  createLoaders() {
    return createComplianceLoaders(this.dataSource, this.cipher);
  }

  async start(): Promise<void> {
    await this.screening.load();
    this.screening.watch();
    this.aml.start();
  }

  async stop(): Promise<void> {
    await this.screening.unwatch();
    await this.aml.stop();
  }

  /** The behaviour analytics: the AML behaviour rule and the customer view's profile. */
  useBehaviour(source: BehaviourSource): void {
    this.aml.useBehaviour(source);
    this.customers.useBehaviour(source);
  }

  /** The chain feature's linked wallets, rescreened whenever a list changes. */
  useLinkedWallets(source: LinkedWalletSource): void {
    this.screening.useLinkedWallets(source);
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

  async onWalletLinked(manager: EntityManager, userId: string, address: string): Promise<void> {
    await this.screening.screenWallet(manager, userId, address);
  }

  assertMayTrade(userId: string, notional: Fixed): Promise<void> {
    return this.kyc.assertMayTrade(userId, notional);
  }

  onFills(fills: readonly TradedFill[]): void {
    this.aml.onFills(fills);
  }
}
