import type { DataSource, EntityManager } from "typeorm";
import type { BehaviourProfile } from "../analytics";
import type { AuditService } from "../audit";
import type { ComplianceConfig } from "../config";
import { formatFixed, mulFixed, parseFixed } from "../infra/fixed";
import type { Logger } from "../infra/logger";
import { type CasePolicy, raiseAlert } from "./alerts";
import { isCustomerSql, isInternalAccount } from "./internal-accounts";
import { recomputeRiskLevel } from "./risk-level";
import { type AmlThresholds, behaviouralAnomaly, businessDate, type RuleHit, ctrTotals, evaluate, highRiskJurisdiction, type Movement, type MovementType, rapidInOut, structuring, velocity } from "./aml-rules";

/** What the trading gateway hands over after a commit: fills with their order's owner. */
export interface TradedFill {
  fill: { id: string; price: string; quantity: string };
  order: { userId: string };
}

/** The behaviour analytics, as the AML rule and the customer view read it. */
export interface BehaviourSource {
  /** Every customer active in the window, the most anomalous first. */
  population(windowDays?: number, now?: Date): Promise<BehaviourProfile[]>;
  profile(userId: string, windowDays?: number, now?: Date): Promise<BehaviourProfile>;
}

/** Below this many active customers a population is too small to say what is typical: no behaviour alert. */
export const MIN_BEHAVIOUR_POPULATION = 30;

/**
 * Runs the AML rules: on every deposit and withdrawal inside its transaction, on trades right
 * after their commit, and as a periodic sweep over everyone who moved money recently.
 */
export class AmlMonitor {
  readonly thresholds: AmlThresholds;
  private readonly highRisk: ReadonlySet<string>;
  private readonly policy: CasePolicy;
  private readonly pending = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private behaviour?: BehaviourSource;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: ComplianceConfig,
    private readonly log: Logger,
  ) {
    this.highRisk = new Set(config.highRiskCountries);
    this.policy = { groupingDays: config.caseGroupingDays, riskLookbackDays: config.riskLookbackDays };
    this.thresholds = {
      ctrThreshold: parseFixed(config.ctrThreshold),
      structuringWindowHours: config.structuringWindowHours,
      structuringMinCount: config.structuringMinCount,
      structuringNearBps: config.structuringNearPercent * 100,
      structuringNearCount: config.structuringNearCount,
      velocityMaxPerHour: config.velocityMaxPerHour,
      rapidWindowHours: config.rapidWindowHours,
      rapidWithdrawnBps: config.rapidWithdrawnPercent * 100,
      rapidMaxTradedBps: config.rapidMaxTradedPercent * 100,
      minAlertAmount: parseFixed(config.minAlertAmount),
    };
  }

  useBehaviour(source: BehaviourSource): void {
    this.behaviour = source;
  }

  start(): void {
    if (this.config.sweepIntervalMs <= 0) return;
    this.timer = setInterval(() => this.track(this.sweep().then(() => undefined)), this.config.sweepIntervalMs);
    this.timer.unref();
  }

  /** Stops the sweep and waits for trade checks already running. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.idle();
  }

  /** Resolves once the trade checks started so far have finished. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  /** In the movement's transaction, after its row is written: CTR aggregation and every rule. */
  async afterCashMovement(manager: EntityManager, userId: string, transactionId: string): Promise<void> {
    // System accounts are not customers: their funding is no currency transaction to report.
    if (await isInternalAccount(manager, userId)) return;
    const movements = await this.movements(manager, userId);
    const latest = movements.find((m) => m.id === transactionId);
    if (!latest) throw new Error(`movement ${transactionId} is not visible to the AML monitor`);
    const now = new Date(Math.max(Date.now(), latest.at.getTime()));
    await this.fileCtr(manager, userId, movements, businessDate(latest.at));
    const countries = (await this.countriesOf(manager, userId)).map((c) => c.country);
    for (const hit of evaluate(movements, latest, now, countries, this.highRisk, this.thresholds)) {
      await raiseAlert(manager, this.audit, { ...hit, userId, dedupKey: dedupKey(hit, userId, now) }, this.policy, now);
    }
  }

  /** After a trade's commit: the high-risk-jurisdiction rule per fill. Never fails the trade. */
  onFills(fills: readonly TradedFill[]): void {
    if (fills.length === 0 || this.highRisk.size === 0) return;
    this.track(
      this.checkFills(fills).catch((error: unknown) => this.log.error({ err: error }, "AML check of fills failed")),
    );
  }

  /**
   * Re-evaluates everyone with cash movements in the structuring window: catches what a single
   * movement could not see (rules or thresholds changed, a movement recorded by another path).
   */
  async sweep(now = new Date()): Promise<number> {
    const since = new Date(now.getTime() - this.thresholds.structuringWindowHours * 3_600_000);
    const users: Array<{ user_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT t.user_id FROM transactions t JOIN users u ON u.id = t.user_id
        WHERE t.created_at > $1 AND t.transaction_type IN ('DEPOSIT', 'WITHDRAWAL') AND t.status = 'COMPLETED' AND ${isCustomerSql("u")}`,
      [since],
    );
    for (const { user_id: userId } of users) {
      await this.dataSource.transaction(async (manager) => {
        const movements = await this.movements(manager, userId, now);
        for (const date of new Set(movements.filter((m) => m.type === "DEPOSIT" || m.type === "WITHDRAWAL").map((m) => businessDate(m.at)))) {
          await this.fileCtr(manager, userId, movements, date);
        }
        for (const hit of [structuring(movements, now, this.thresholds), velocity(movements, now, this.thresholds), rapidInOut(movements, now, this.thresholds)]) {
          if (hit) await raiseAlert(manager, this.audit, { ...hit, userId, dedupKey: dedupKey(hit, userId, now) }, this.policy, now);
        }
      });
    }
    await this.behaviourAlerts(now);
    await this.decayRiskLevels(now);
    return users.length;
  }

  /**
   * The behaviour rule: a customer whose anomaly score against the population reaches the
   * configured score opens (or joins) a BEHAVIOURAL_ANOMALY case. Once per customer and business
   * day; the description carries the explanation. Like every case, never shown to the customer.
   */
  async behaviourAlerts(now = new Date()): Promise<number> {
    if (!this.behaviour) return 0;
    const windowDays = this.config.behaviourWindowDays;
    const population = await this.behaviour.population(windowDays, now);
    if (population.length < MIN_BEHAVIOUR_POPULATION) return 0;
    const flagged = population.filter((p) => p.anomalyScore >= this.config.behaviourAlertScore);
    for (const profile of flagged) {
      const hit = behaviouralAnomaly(profile, this.config.behaviourAlertScore, population.length);
      await this.dataSource.transaction((manager) => raiseAlert(manager, this.audit, { ...hit, userId: profile.userId, dedupKey: dedupKey(hit, profile.userId, now) }, this.policy, now));
    }
    return flagged.length;
  }

  /** A filed SAR weighs on the risk level for a while only: levels above LOW are recomputed. */
  private async decayRiskLevels(now: Date): Promise<void> {
    const raised: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM users WHERE aml_risk_level <> 'LOW'`);
    for (const { id } of raised) {
      await this.dataSource.transaction((manager) => recomputeRiskLevel(manager, this.audit, id, this.policy.riskLookbackDays, "sweep", now));
    }
  }

  private async checkFills(fills: readonly TradedFill[]): Promise<void> {
    const userIds = [...new Set(fills.map((f) => f.order.userId))];
    const countries = await this.countriesOf(this.dataSource.manager, ...userIds);
    for (const { fill, order } of fills) {
      const tied = countries.filter((c) => c.userId === order.userId).map((c) => c.country);
      const movement: Movement = { id: fill.id, type: "BUY", amount: mulFixed(parseFixed(fill.quantity), parseFixed(fill.price), "half-even"), at: new Date() };
      const hit = highRiskJurisdiction(movement, tied, this.highRisk, this.thresholds);
      if (!hit) continue;
      await this.dataSource.transaction((manager) =>
        raiseAlert(manager, this.audit, { ...hit, description: hit.description.replace(/^buy/, "trade"), userId: order.userId, dedupKey: `${hit.rule}:TRADE:${order.userId}:${businessDate(movement.at)}` }, this.policy),
      );
    }
  }

  /** Cash in and out of one business day, each aggregated over every portfolio; filed once, kept current. */
  private async fileCtr(manager: EntityManager, userId: string, movements: Movement[], date: string): Promise<void> {
    const totals = ctrTotals(movements, date, this.thresholds);
    if (!totals.reportable) return;
    const [filing] = await manager.query(
      `INSERT INTO ctr_filings (user_id, business_date, total_cash_in, total_cash_out, transaction_ids)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, business_date) DO UPDATE
         SET total_cash_in = EXCLUDED.total_cash_in, total_cash_out = EXCLUDED.total_cash_out, transaction_ids = EXCLUDED.transaction_ids, updated_at = now()
         WHERE (ctr_filings.total_cash_in, ctr_filings.total_cash_out, ctr_filings.transaction_ids) IS DISTINCT FROM (EXCLUDED.total_cash_in, EXCLUDED.total_cash_out, EXCLUDED.transaction_ids)
       RETURNING id, (xmax = 0) AS created`,
      [userId, date, formatFixed(totals.cashIn), formatFixed(totals.cashOut), totals.transactionIds],
    );
    // Unchanged since it was last filed (a sweep passing again): nothing to record.
    if (!filing) return;
    await this.audit.append(manager, {
      eventType: filing.created ? "compliance.ctr_filed" : "compliance.ctr_updated",
      userId,
      entityType: "ctr_filing",
      entityId: filing.id,
      payload: { businessDate: date, totalCashIn: formatFixed(totals.cashIn), totalCashOut: formatFixed(totals.cashOut), transactions: totals.transactionIds.length },
    });
  }

  /** The person's completed movements within the longest window any rule looks back over. */
  private async movements(manager: EntityManager, userId: string, now = new Date()): Promise<Movement[]> {
    const hours = Math.max(this.thresholds.structuringWindowHours, this.thresholds.rapidWindowHours, 48);
    const rows: Array<{ transaction_id: string; transaction_type: MovementType; total_amount: string; created_at: Date }> = await manager.query(
      `SELECT transaction_id, transaction_type, total_amount::text AS total_amount, created_at FROM transactions
        WHERE user_id = $1 AND created_at > $2 AND status = 'COMPLETED' AND transaction_type IN ('DEPOSIT', 'WITHDRAWAL', 'BUY', 'SELL')
        ORDER BY created_at, transaction_id`,
      [userId, new Date(now.getTime() - hours * 3_600_000)],
    );
    return rows.map((r) => ({ id: r.transaction_id, type: r.transaction_type, amount: parseFixed(r.total_amount), at: new Date(r.created_at) }));
  }

  /** Countries a person is tied to: residence at registration, and nationality and document issuer from KYC. */
  private async countriesOf(manager: EntityManager, ...userIds: string[]): Promise<Array<{ userId: string; country: string }>> {
    const rows: Array<{ user_id: string; country: string }> = await manager.query(
      `SELECT id AS user_id, country FROM users WHERE id = ANY($1::uuid[]) AND country IS NOT NULL
       UNION SELECT user_id, nationality FROM kyc_verifications WHERE user_id = ANY($1::uuid[])
       UNION SELECT user_id, issuing_country FROM kyc_verifications WHERE user_id = ANY($1::uuid[])`,
      [userIds],
    );
    return rows.map((r) => ({ userId: r.user_id, country: r.country.trim() }));
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }
}

/**
 * One alert per pattern: structuring and rapid in-and-out by the movement that starts them (a
 * pattern that grows, or is seen again by the sweep, is the same alert); velocity and
 * high-risk jurisdiction once per person and business day.
 */
function dedupKey(hit: RuleHit, userId: string, now: Date): string {
  return hit.rule === "STRUCTURING" || hit.rule === "RAPID_IN_OUT" ? `${hit.rule}:${userId}:${hit.transactionIds[0]}` : `${hit.rule}:${userId}:${businessDate(now)}`;
}
