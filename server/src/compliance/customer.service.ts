import type { DataSource } from "typeorm";
import type { AuditService } from "../audit";
import { User, UserView, type Session } from "../identity";
import { notFound } from "../infra/errors";
import { formatFixed, parseFixed } from "../infra/fixed";
import { type Portfolio, PortfolioRow, toPortfolio } from "../portfolio";
import { CtrFilingRow, KycVerificationRow, SuspiciousActivityRow } from "./compliance.entities";
import type { CtrFiling, KycVerification, SanctionsMatch, SuspiciousActivity } from "./compliance.types";
import { toActivity } from "./case.service";
import type { ScreeningService } from "./screening.service";
import type { BehaviourSource } from "./aml-monitor";
import type { BehaviourProfile } from "../analytics";
import { isUuid } from "../infra/graphql/text";

/** A customer's file shows the newest this many verifications, cases and CTRs of each. */
export const CUSTOMER_HISTORY = 4;


export interface CustomerView {
  user: UserView;
  kycHistory: KycVerification[];
  screeningMatches: SanctionsMatch[];
  cases: SuspiciousActivity[];
  ctrFilings: CtrFiling[];
  portfolios: Portfolio[];
  behaviour: BehaviourProfile;
}

/** Everything an officer needs about one customer, in one place; every look is audited. */
export class CustomerService {
  private behaviour?: BehaviourSource;
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly screening: ScreeningService,
    private readonly toKycView: (row: KycVerificationRow) => KycVerification,
  ) {}

  useBehaviour(source: BehaviourSource): void {
    this.behaviour = source;
  }

  async view(session: Session, userId: string): Promise<CustomerView> {
    const officerId = session.requireUser();
    const user = isUuid(userId) ? await this.dataSource.getRepository(User).findOneBy({ id: userId }) : null;
    if (!user) throw notFound("Customer");
    if (!this.behaviour) throw new Error("the customer view needs the behaviour analytics (useBehaviour)");
    const [kyc, cases, ctrs, portfolios, behaviour] = await Promise.all([
      this.dataSource.getRepository(KycVerificationRow).find({ where: { userId }, order: { submittedAt: "DESC", id: "DESC" }, take: CUSTOMER_HISTORY }),
      this.dataSource.getRepository(SuspiciousActivityRow).find({ where: { userId }, order: { createdAt: "DESC", id: "DESC" }, take: CUSTOMER_HISTORY }),
      this.dataSource.getRepository(CtrFilingRow).find({ where: { userId }, order: { businessDate: "DESC" }, take: CUSTOMER_HISTORY }),
      this.dataSource.getRepository(PortfolioRow).find({ where: { userId }, order: { createdAt: "ASC" } }),
      this.behaviour.profile(userId),
    ]);
    // Reading a customer's file is itself a compliance event (who looked at whom, and when).
    await this.audit.record({ eventType: "compliance.customer_viewed", userId: officerId, entityType: "user", entityId: userId, payload: { subject: userId } });
    return {
      user: UserView.from(user),
      kycHistory: kyc.map(this.toKycView),
      screeningMatches: this.screening.screen(`${user.firstName} ${user.lastName}`),
      cases: cases.map(toActivity),
      ctrFilings: ctrs.map((c) => ({ userId: c.userId, businessDate: c.businessDate, totalCashIn: formatFixed(parseFixed(c.totalCashIn)), totalCashOut: formatFixed(parseFixed(c.totalCashOut)), transactionIds: c.transactionIds })),
      portfolios: portfolios.map(toPortfolio),
      behaviour,
    };
  }
}
