import { type Fixed, formatFixed, ZERO } from "../infra/fixed";

/**
 * The AML rules as pure functions over one person's recent money movements: no I/O, `now`
 * passed in, amounts in fixed point. The monitor feeds them from the database.
 */

export type MovementType = "DEPOSIT" | "WITHDRAWAL" | "BUY" | "SELL";

export interface Movement {
  /** The ledger's transaction id (TX-...). */
  id: string;
  type: MovementType;
  amount: Fixed;
  at: Date;
}

export interface AmlThresholds {
  /** Cash in, or cash out, above this in one business day is a currency transaction report. */
  ctrThreshold: Fixed;
  structuringWindowHours: number;
  structuringMinCount: number;
  /** "Just under": within this share of the threshold, in basis points (1000 = 10%). */
  structuringNearBps: number;
  structuringNearCount: number;
  velocityMaxPerHour: number;
  rapidWindowHours: number;
  /** Withdrawn at least this share of what was deposited in the window (basis points). */
  rapidWithdrawnBps: number;
  /** ...while trading at most this share of it (basis points). */
  rapidMaxTradedBps: number;
  /** Movements below this are not worth a high-risk-jurisdiction alert or a rapid in-and-out. */
  minAlertAmount: Fixed;
}

export interface RuleHit {
  rule: "STRUCTURING" | "VELOCITY" | "RAPID_IN_OUT" | "HIGH_RISK_JURISDICTION" | "BEHAVIOURAL_ANOMALY";
  riskScore: number;
  transactionIds: string[];
  description: string;
}

export const RISK_SCORES: Record<RuleHit["rule"] | "SANCTIONS", number> = {
  SANCTIONS: 90,
  STRUCTURING: 80,
  RAPID_IN_OUT: 70,
  HIGH_RISK_JURISDICTION: 60,
  BEHAVIOURAL_ANOMALY: 55,
  VELOCITY: 50,
};

const HOUR = 3_600_000;
const isCash = (m: Movement) => m.type === "DEPOSIT" || m.type === "WITHDRAWAL";
const sum = (ms: Movement[]) => ms.reduce((total, m) => total + m.amount, ZERO);
const usd = (amount: Fixed) => `${formatFixed(amount)} USD`;

/** The business day of a movement: its UTC date (the firm keeps its books in UTC). */
export function businessDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export interface CtrTotals {
  businessDate: string;
  cashIn: Fixed;
  cashOut: Fixed;
  transactionIds: string[];
  /** Cash in or cash out (each aggregated across transactions and portfolios) is above the threshold. */
  reportable: boolean;
}

/**
 * 31 CFR 1010.313: multiple currency transactions are treated as one when they total more than
 * 10,000 USD in one business day, cash in and cash out each on its own.
 */
export function ctrTotals(movements: Movement[], date: string, thresholds: AmlThresholds): CtrTotals {
  const day = movements.filter((m) => isCash(m) && businessDate(m.at) === date);
  const cashIn = sum(day.filter((m) => m.type === "DEPOSIT"));
  const cashOut = sum(day.filter((m) => m.type === "WITHDRAWAL"));
  return { businessDate: date, cashIn, cashOut, transactionIds: day.map((m) => m.id), reportable: cashIn > thresholds.ctrThreshold || cashOut > thresholds.ctrThreshold };
}

/**
 * Structuring (31 USC 5324): cash kept below the reporting threshold on purpose. Two shapes:
 * several sub-threshold movements in one direction, spread over more than one business day, that
 * together pass it within the window (each day stays unreported); or a run just under it.
 */
export function structuring(movements: Movement[], now: Date, t: AmlThresholds): RuleHit | null {
  const since = now.getTime() - t.structuringWindowHours * HOUR;
  for (const direction of ["DEPOSIT", "WITHDRAWAL"] as const) {
    const window = movements.filter((m) => m.type === direction && m.at.getTime() > since && m.at <= now && m.amount < t.ctrThreshold);
    const days = new Set(window.map((m) => businessDate(m.at)));
    const verb = direction === "DEPOSIT" ? "deposits" : "withdrawals";
    const near = window.filter((m) => m.amount * 10_000n >= t.ctrThreshold * BigInt(10_000 - t.structuringNearBps));
    if (near.length >= t.structuringNearCount) {
      return {
        rule: "STRUCTURING",
        riskScore: RISK_SCORES.STRUCTURING,
        transactionIds: near.map((m) => m.id),
        description: `${near.length} cash ${verb} within ${t.structuringWindowHours} hours each just under the ${usd(t.ctrThreshold)} reporting threshold (${near.map((m) => formatFixed(m.amount)).join(", ")}), totalling ${usd(sum(near))}.`,
      };
    }
    const total = sum(window);
    if (window.length >= t.structuringMinCount && days.size > 1 && total > t.ctrThreshold) {
      return {
        rule: "STRUCTURING",
        riskScore: RISK_SCORES.STRUCTURING,
        transactionIds: window.map((m) => m.id),
        description: `${window.length} cash ${verb} totalling ${usd(total)} over ${days.size} business days within ${t.structuringWindowHours} hours, each below the ${usd(t.ctrThreshold)} reporting threshold and no single day above it.`,
      };
    }
  }
  return null;
}

/** More cash movements in the last hour than a customer plausibly needs. */
export function velocity(movements: Movement[], now: Date, t: AmlThresholds): RuleHit | null {
  const recent = movements.filter((m) => isCash(m) && m.at.getTime() > now.getTime() - HOUR && m.at <= now);
  if (recent.length <= t.velocityMaxPerHour) return null;
  return {
    rule: "VELOCITY",
    riskScore: RISK_SCORES.VELOCITY,
    transactionIds: recent.map((m) => m.id),
    description: `${recent.length} deposits and withdrawals within one hour (more than ${t.velocityMaxPerHour}), totalling ${usd(sum(recent))}.`,
  };
}

/** Money passing through: deposited, then mostly withdrawn within the window, with little trading between. */
export function rapidInOut(movements: Movement[], now: Date, t: AmlThresholds): RuleHit | null {
  const window = movements.filter((m) => m.at.getTime() > now.getTime() - t.rapidWindowHours * HOUR && m.at <= now);
  const deposits = window.filter((m) => m.type === "DEPOSIT");
  const withdrawals = window.filter((m) => m.type === "WITHDRAWAL");
  const deposited = sum(deposits);
  const withdrawn = sum(withdrawals);
  const traded = sum(window.filter((m) => m.type === "BUY" || m.type === "SELL"));
  if (deposited < t.minAlertAmount || withdrawals.length === 0) return null;
  if (withdrawn * 10_000n < deposited * BigInt(t.rapidWithdrawnBps) || traded * 10_000n > deposited * BigInt(t.rapidMaxTradedBps)) return null;
  return {
    rule: "RAPID_IN_OUT",
    riskScore: RISK_SCORES.RAPID_IN_OUT,
    transactionIds: [...deposits, ...withdrawals].map((m) => m.id),
    description: `${usd(deposited)} deposited and ${usd(withdrawn)} withdrawn within ${t.rapidWindowHours} hours, with ${usd(traded)} traded in between.`,
  };
}

/** A movement by a person tied to a high-risk jurisdiction (residence, nationality or document). */
export function highRiskJurisdiction(movement: Movement, countries: string[], highRisk: ReadonlySet<string>, t: AmlThresholds): RuleHit | null {
  const risky = [...new Set(countries.filter((c) => highRisk.has(c)))];
  if (risky.length === 0 || movement.amount < t.minAlertAmount) return null;
  return {
    rule: "HIGH_RISK_JURISDICTION",
    riskScore: RISK_SCORES.HIGH_RISK_JURISDICTION,
    transactionIds: [movement.id],
    description: `${movement.type.toLowerCase()} of ${usd(movement.amount)} by a customer tied to high-risk jurisdiction ${risky.join(", ")}.`,
  };
}

/** Every suspicious-activity rule that applies after `latest`, which is already in `movements`. */
export function evaluate(movements: Movement[], latest: Movement, now: Date, countries: string[], highRisk: ReadonlySet<string>, t: AmlThresholds): RuleHit[] {
  const hits = [highRiskJurisdiction(latest, countries, highRisk, t)];
  if (isCash(latest)) hits.push(structuring(movements, now, t), velocity(movements, now, t));
  if (latest.type === "WITHDRAWAL") hits.push(rapidInOut(movements, now, t));
  return hits.filter((hit): hit is RuleHit => hit !== null);
}

/**
 * A customer who behaves unlike the population (robust z-scores of the behaviour features,
 * docs/analytics.md): a case for an officer to look at, with the features that stand out.
 */
export function behaviouralAnomaly(profile: { anomalyScore: number; windowDays: number; explanation: string[] }, alertScore: number, population: number): RuleHit {
  return {
    rule: "BEHAVIOURAL_ANOMALY",
    riskScore: RISK_SCORES.BEHAVIOURAL_ANOMALY,
    transactionIds: [],
    description: `Behaviour over ${profile.windowDays} days unlike the other ${population - 1} active customers: anomaly score ${profile.anomalyScore.toFixed(1)} (cases open from ${alertScore}). ${profile.explanation.join(" ")}`,
  };
}
