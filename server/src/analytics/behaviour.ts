/**
 * Behavioural features of customers for AML, and how far each customer is from the population:
 * pure functions, no I/O, amounts arrive already aggregated (the service reads them in one query).
 * Features are statistics, not money: they are floats here; the ledger's amounts stay exact, and
 * words about amounts show exact decimals: a customer's own sums (`ActivityRow.exact`) and the
 * population's typical sum, the median of those exact sums (`exactMedian`).
 */
import { divFixed, type Fixed, formatFixed, parseFixed } from "../infra/fixed";
import type { ActivityRow, ExactAmounts } from "../portfolio";

/** One customer's activity over the window, aggregated by the database (portfolio's activity query). */
export type CustomerActivity = ActivityRow;

export const FEATURES = [
  "depositCount",
  "depositAmount",
  "depositsJustUnderThreshold",
  "withdrawalCount",
  "withdrawalAmount",
  "withdrawnSoonShare",
  "tradeCount",
  "tradeNotional",
  "distinctInstruments",
  "nightShare",
  "hoursDepositToFirstTrade",
] as const;
export type FeatureName = (typeof FEATURES)[number];
export type FeatureVector = Record<FeatureName, number>;

/**
 * The feature vector. Two rules make every feature defined for everyone: a share over nothing is
 * 0, and a deposit never followed by a trade counts the whole window (deposit-and-wait is exactly
 * what the feature looks for); without a deposit there is nothing to wait for, so 0.
 */
export function behaviourFeatures(a: CustomerActivity, windowDays: number): FeatureVector {
  const windowHours = windowDays * 24;
  return {
    depositCount: a.deposits,
    depositAmount: a.depositAmount,
    depositsJustUnderThreshold: a.depositsJustUnder,
    withdrawalCount: a.withdrawals,
    withdrawalAmount: a.withdrawalAmount,
    withdrawnSoonShare: a.depositAmount > 0 ? Math.min(1, a.withdrawnSoonAmount / a.depositAmount) : 0,
    tradeCount: a.trades,
    tradeNotional: a.tradeNotional,
    distinctInstruments: a.instruments,
    nightShare: a.events > 0 ? a.nightEvents / a.events : 0,
    hoursDepositToFirstTrade: !a.deposited ? 0 : a.hoursDepositToTrade === null ? windowHours : Math.min(a.hoursDepositToTrade, windowHours),
  };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Scales a MAD to the standard deviation of a normal population (1 / Phi^-1(3/4)). */
export const MAD_SCALE = 1.4826;
/** Scales a mean absolute deviation to the standard deviation of a normal population (sqrt(pi / 2)). */
export const MEAN_AD_SCALE = 1.253314;

export interface RobustScale {
  median: number;
  /** The deviation a z-score divides by; 0: the population has no spread. */
  scale: number;
  /** A money feature's median over the population's exact sums (decimal text): what words show. */
  exactMedian?: string;
}

/**
 * The median of exact amounts, exact: the middle one, or the two middle ones' mean (rounded
 * half-even at the tenth decimal place only when their sum is odd there). Zero for no amounts.
 */
export function exactMedian(amounts: readonly string[]): string {
  if (amounts.length === 0) return "0";
  const sorted: Fixed[] = amounts.map(parseFixed).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = Math.floor(sorted.length / 2);
  return formatFixed(sorted.length % 2 === 1 ? sorted[mid] : divFixed(sorted[mid - 1] + sorted[mid], parseFixed("2"), "half-even"));
}

/**
 * Robust location and scale: median and MAD * 1.4826. When more than half of the population
 * shares one value the MAD is 0; then the mean absolute deviation around the median * 1.253314
 * stands in (the rule of Iglewicz and Hoaglin's modified z-score, as IBM SPSS applies it), so
 * a rare behaviour still stands out. When that is 0 too, everyone is alike and there is no scale.
 */
export function robustScale(values: readonly number[]): RobustScale {
  if (values.length === 0) return { median: 0, scale: 0 };
  const m = median(values);
  const deviations = values.map((v) => Math.abs(v - m));
  const mad = median(deviations);
  if (mad > 0) return { median: m, scale: MAD_SCALE * mad };
  const meanAd = deviations.reduce((s, d) => s + d, 0) / values.length;
  return { median: m, scale: MEAN_AD_SCALE * meanAd };
}

/** (x - median) / scale; null when the population has no spread. */
export function robustZ(value: number, s: RobustScale): number | null {
  return s.scale > 0 ? (value - s.median) / s.scale : null;
}

/** A z-score counts towards the score up to this: one extreme feature cannot make a case alone. */
export const Z_CAP = 10;
/** A feature is named in the explanation from this z-score up. */
export const EXPLAIN_Z = 3;

export interface ScoredFeature {
  name: FeatureName;
  value: number;
  zScore: number | null;
  typical: number;
  /** A money feature's value as the ledger sums it (exact decimal text). */
  exact?: string;
  /** A money feature's typical value: the median of the population's exact sums (decimal text). */
  typicalExact?: string;
}

export interface BehaviourScore {
  userId: string;
  features: ScoredFeature[];
  anomalyScore: number;
  explanation: string[];
}

/**
 * Scores every customer against the population they belong to. Only deviations above typical
 * count: for every feature here more is the direction of risk, and less activity than usual is
 * no laundering signal. anomalyScore = sqrt(sum over features of min(max(z, 0), Z_CAP)^2).
 */
export function scorePopulation(vectors: ReadonlyArray<{ userId: string; features: FeatureVector; exact: ExactAmounts }>, labels: FeatureLabels): BehaviourScore[] {
  const scales = populationScales(vectors);
  return vectors.map(({ userId, features, exact }) => scoreOne(userId, features, scales, labels, exact));
}

/** Each feature's median and robust scale over the population; a money feature's median also exact, from the exact sums. */
export function populationScales(vectors: ReadonlyArray<{ features: FeatureVector; exact: ExactAmounts }>): Record<FeatureName, RobustScale> {
  const scales = Object.fromEntries(FEATURES.map((name) => [name, robustScale(vectors.map((v) => v.features[name]))])) as Record<FeatureName, RobustScale>;
  for (const name of MONEY_FEATURES) scales[name].exactMedian = exactMedian(vectors.map((v) => v.exact[name]));
  return scales;
}

/** The features that are sums of money: said only as exact decimals. */
const MONEY_FEATURES = ["depositAmount", "withdrawalAmount", "tradeNotional"] as const satisfies ReadonlyArray<FeatureName & keyof ExactAmounts>;

export function scoreOne(userId: string, features: FeatureVector, scales: Record<FeatureName, RobustScale>, labels: FeatureLabels, exact: ExactAmounts): BehaviourScore {
  const amounts: Partial<Record<FeatureName, string>> = exact;
  const scored = FEATURES.map((name) => ({ name, value: features[name], zScore: robustZ(features[name], scales[name]), typical: scales[name].median, exact: amounts[name], typicalExact: scales[name].exactMedian }));
  const anomalyScore = Math.sqrt(scored.reduce((s, f) => s + contribution(f) ** 2, 0));
  return { userId, features: scored, anomalyScore, explanation: explain(scored, labels) };
}

const contribution = (f: ScoredFeature) => Math.min(Math.max(f.zScore ?? 0, 0), Z_CAP);

/**
 * How a feature reads in words: its value alone ("12"), and as a phrase ("12 deposits just under
 * ..."). For money, only exact decimals are said: `exact`, a customer's own sum, and the typical
 * value's exact median; other typical values are statistics, shown rounded.
 */
export interface FeatureLabel {
  value: (v: number, exact?: string) => string;
  phrase: (v: number, exact?: string) => string;
}
export type FeatureLabels = Record<FeatureName, FeatureLabel>;

/** The features at least EXPLAIN_Z above typical, the largest first, in words. */
export function explain(features: readonly ScoredFeature[], labels: FeatureLabels): string[] {
  const unusual = features
    .filter((f) => f.zScore !== null && f.zScore >= EXPLAIN_Z)
    .sort((a, b) => contribution(b) - contribution(a) || b.zScore! - a.zScore! || a.name.localeCompare(b.name));
  if (unusual.length === 0) return [`Nothing unusual: no feature is ${EXPLAIN_Z} or more robust deviations above the population's typical value.`];
  return unusual.map((f) => `${labels[f.name].phrase(f.value, f.exact)}, typical ${labels[f.name].value(f.typical, f.typicalExact)} (${f.name}: ${formatZ(f.zScore!)} robust deviations above typical).`);
}

function formatZ(z: number): string {
  return z >= 100 ? z.toFixed(0) : z.toFixed(1);
}

/** Words for each feature, given the reporting threshold and the "soon" interval they were measured with. */
export function featureLabels(ctrThreshold: string, soonHours: number): FeatureLabels {
  const n = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
  const pct = (v: number) => `${(v * 100).toFixed(0)}%`;
  const hours = (v: number) => `${n(v)} hours`;
  const count = (one: string, many: string) => ({ value: n, phrase: (v: number) => `${n(v)} ${v === 1 ? one : many}` });
  const with_ = (value: (v: number) => string, words: string) => ({ value, phrase: (v: number) => `${value(v)} ${words}` });
  // A sum of money is said only as exact decimal text (the customer's ledger sum, the population's
  // exact median), never as a float's rounding: without its exact amount it is a programming error.
  const money = (words: string) => {
    const value = (_v: number, exact?: string) => {
      if (exact === undefined) throw new Error(`the ${words} sum needs its exact amount`);
      return `${exact} USD`;
    };
    return { value, phrase: (v: number, exact?: string) => `${value(v, exact)} ${words}` };
  };
  return {
    depositCount: count("deposit", "deposits"),
    depositAmount: money("deposited"),
    depositsJustUnderThreshold: count(`deposit just under the ${ctrThreshold} USD reporting threshold`, `deposits just under the ${ctrThreshold} USD reporting threshold`),
    withdrawalCount: count("withdrawal", "withdrawals"),
    withdrawalAmount: money("withdrawn"),
    withdrawnSoonShare: with_(pct, `of deposits withdrawn within ${soonHours} hours`),
    tradeCount: count("trade", "trades"),
    tradeNotional: money("traded"),
    distinctInstruments: count("instrument traded", "instruments traded"),
    nightShare: with_(pct, "of activity at night (00:00-06:00 UTC)"),
    hoursDepositToFirstTrade: with_(hours, "from first deposit to first trade"),
  };
}
