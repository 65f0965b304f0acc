import type { DataSource, EntityManager } from "typeorm";
import type { AuditService } from "../audit";
import { User, type Session } from "../identity";
import { badUserInput, notFound } from "../infra/errors";
import { formatFixed, parseFixed } from "../infra/fixed";
import { isUuid } from "../infra/graphql/text";
import type { ActivityQuery, ActivityRow } from "../portfolio";
import { type BehaviourScore, behaviourFeatures, FEATURES, type FeatureLabels, type FeatureName, featureLabels, populationScales, type RobustScale, scoreOne } from "./behaviour";
import type { BehaviourProfile } from "./behaviour.types";

export interface BehaviourSettings {
  /** The CTR threshold and the structuring rule's "just under" band, in percent below it. */
  ctrThreshold: string;
  nearPercent: number;
  /** "Withdrawn soon": within this many hours of a deposit (the rapid in-and-out window). */
  soonHours: number;
  defaultWindowDays: number;
}

/** The ledger's per-user aggregates (the portfolio feature owns the transactions). */
export type ActivitySource = (manager: EntityManager, query: ActivityQuery) => Promise<ActivityRow[]>;
/** Users that are system accounts, not customers (the compliance feature marks them). */
export type InternalAccounts = (manager: EntityManager) => Promise<string[]>;

const MAX_WINDOW_DAYS = 366;

/** The I/O around the behaviour analytics: one aggregate query for the whole population, scored in memory. */
export class BehaviourService {
  private readonly labels: FeatureLabels;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly activity: ActivitySource,
    private readonly internalAccounts: InternalAccounts,
    private readonly settings: BehaviourSettings,
  ) {
    this.labels = featureLabels(formatFixed(parseFixed(settings.ctrThreshold)), settings.soonHours);
  }

  /** Every customer active in the window, the most anomalous first. */
  async population(windowDays = this.settings.defaultWindowDays, now = new Date()): Promise<BehaviourProfile[]> {
    const { scored } = await this.compute(checkWindow(windowDays), now);
    return scored.map((s) => toProfile(s, windowDays, now)).sort((a, b) => b.anomalyScore - a.anomalyScore || a.userId.localeCompare(b.userId));
  }

  /** One person's profile against the population of the window (a customer without activity has all zeros). */
  async profile(userId: string, windowDays = this.settings.defaultWindowDays, now = new Date()): Promise<BehaviourProfile> {
    checkWindow(windowDays);
    const user = isUuid(userId) ? await this.dataSource.getRepository(User).findOneBy({ id: userId }) : null;
    if (!user) throw notFound("Customer");
    const { scored, scales, rows, internal } = await this.compute(windowDays, now);
    const own = scored.find((s) => s.userId === userId);
    if (own) return toProfile(own, windowDays, now);
    const row = rows.find((r) => r.userId === userId) ?? idle(userId);
    const features = behaviourFeatures(row, windowDays);
    if (internal.has(userId)) {
      // System accounts are not customers: described, never compared with customers nor scored.
      return { userId, windowDays, computedAt: now, anomalyScore: 0, features: FEATURES.map((name) => ({ name, value: features[name], zScore: null })), explanation: ["A system account (internal), not a customer: not scored."] };
    }
    return toProfile(scoreOne(userId, features, scales, this.labels, row.exact), windowDays, now);
  }

  /** customerBehaviour: personal data, so every look is audited like the customer view. */
  async view(session: Session, userId: string, windowDays?: number | null): Promise<BehaviourProfile> {
    const officerId = session.requireUser();
    const profile = await this.profile(userId, windowDays ?? this.settings.defaultWindowDays);
    await this.audit.record({ eventType: "compliance.behaviour_viewed", userId: officerId, entityType: "user", entityId: userId, payload: { subject: userId, windowDays: profile.windowDays } });
    return profile;
  }

  private async compute(windowDays: number, now: Date): Promise<{ scored: BehaviourScore[]; scales: Record<FeatureName, RobustScale>; rows: ActivityRow[]; internal: Set<string> }> {
    const ceiling = parseFixed(this.settings.ctrThreshold);
    const floor = (ceiling * BigInt(100 - this.settings.nearPercent)) / 100n;
    const query = { from: new Date(now.getTime() - windowDays * 86_400_000), to: now, justUnderFloor: formatFixed(floor), justUnderCeiling: formatFixed(ceiling), soonHours: this.settings.soonHours };
    const [rows, internalIds] = await Promise.all([this.activity(this.dataSource.manager, query), this.internalAccounts(this.dataSource.manager)]);
    const internal = new Set(internalIds);
    const vectors = rows.filter((r) => !internal.has(r.userId)).map((r) => ({ userId: r.userId, features: behaviourFeatures(r, windowDays), exact: r.exact }));
    const scales = populationScales(vectors);
    return { scored: vectors.map((v) => scoreOne(v.userId, v.features, scales, this.labels, v.exact)), scales, rows, internal };
  }
}

function checkWindow(windowDays: number): number {
  if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > MAX_WINDOW_DAYS) throw badUserInput(`windowDays must be a whole number between 1 and ${MAX_WINDOW_DAYS}`, "windowDays");
  return windowDays;
}

function idle(userId: string): ActivityRow {
  return { userId, deposits: 0, depositAmount: 0, depositsJustUnder: 0, withdrawals: 0, withdrawalAmount: 0, withdrawnSoonAmount: 0, trades: 0, tradeNotional: 0, instruments: 0, nightEvents: 0, events: 0, hoursDepositToTrade: null, deposited: false, exact: { depositAmount: "0", withdrawalAmount: "0", tradeNotional: "0" } };
}

function toProfile(s: BehaviourScore, windowDays: number, now: Date): BehaviourProfile {
  return { userId: s.userId, windowDays, computedAt: now, anomalyScore: s.anomalyScore, explanation: s.explanation, features: s.features.map((f) => ({ name: f.name, value: f.value, zScore: f.zScore })) };
}
