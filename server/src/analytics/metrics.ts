/**
 * Risk and performance metrics with the fixed definitions of docs/analytics.md, so that figures
 * can be checked against other tools. Statistics, not money: floats are fine here. A figure
 * that cannot be computed (too few returns, a zero deviation) is null.
 */

export interface RiskMetrics {
  observations: number;
  totalReturn: number;
  annualizedReturn: number | null;
  volatility: number | null;
  sharpeRatio: number | null;
  sortinoRatio: number | null;
  maxDrawdown: number;
  calmarRatio: number | null;
  valueAtRisk95: number | null;
  expectedShortfall95: number | null;
  beta: number | null;
  alpha: number | null;
  correlation: number | null;
}

export interface MetricOptions {
  /** P: 252 by default, 365 for markets that never close. */
  periodsPerYear: number;
  /** rf: an annual fraction (0.02 is 2%). */
  riskFreeRate: number;
}

/** Simple periodic returns: r_t = v_t / v_{t-1} - 1; the first value is the base. */
export function simpleReturns(values: readonly number[]): number[] {
  const returns: number[] = [];
  for (let t = 1; t < values.length; t++) returns.push(values[t] / values[t - 1] - 1);
  return returns;
}

export const mean = (xs: readonly number[]): number => xs.reduce((sum, x) => sum + x, 0) / xs.length;

/** The sample (n - 1) standard deviation; null below two values. */
export function sampleStdev(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((sum, x) => sum + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Sample covariance (n - 1). */
export function sampleCovariance(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += (xs[i] - mx) * (ys[i] - my);
  return sum / (xs.length - 1);
}

/** Pearson correlation; null below two points or when either series is constant. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const sx = sampleStdev(xs);
  const sy = sampleStdev(ys);
  if (sx === null || sy === null || sx === 0 || sy === 0) return null;
  return sampleCovariance(xs, ys) / (sx * sy);
}

/** The p-quantile interpolating linearly at position (n - 1) * p of the sorted values (numpy's default, R's type 7). */
export function quantile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}

/** 1 - V_t / max(V_0..V_t) at every t, on the value index that starts at 1. */
export function drawdowns(values: readonly number[]): number[] {
  let peak = -Infinity;
  return values.map((value) => {
    peak = Math.max(peak, value);
    return 1 - value / peak;
  });
}

/** Every metric of a value series (closes, or a portfolio's values); `benchmark` holds the benchmark's returns on the same periods. */
export function riskMetrics(values: readonly number[], options: MetricOptions, benchmark?: { returns: readonly number[]; own: readonly number[] }): RiskMetrics {
  const r = simpleReturns(values);
  const n = r.length;
  const P = options.periodsPerYear;
  const totalReturn = n === 0 ? 0 : r.reduce((product, x) => product * (1 + x), 1) - 1;
  const annualizedReturn = n === 0 ? null : (1 + totalReturn) ** (P / n) - 1;
  const sd = sampleStdev(r);
  const usable = sd !== null && sd > 0;
  const excess = n === 0 ? 0 : mean(r.map((x) => x - options.riskFreeRate / P));
  const downside = n === 0 ? 0 : Math.sqrt(r.reduce((sum, x) => sum + Math.min(x, 0) ** 2, 0) / n);
  const maxDrawdown = Math.max(0, ...drawdowns(values));
  const q = n >= 2 ? quantile(r, 0.05) : null;
  const tail = q === null ? [] : r.filter((x) => x <= q);
  const stats = benchmark && benchmark.returns.length >= 2 ? againstBenchmark(benchmark.own, benchmark.returns, P) : null;
  return {
    observations: n,
    totalReturn,
    annualizedReturn,
    volatility: sd === null ? null : sd * Math.sqrt(P),
    sharpeRatio: n >= 2 && usable ? (excess / sd) * Math.sqrt(P) : null,
    sortinoRatio: n >= 2 && downside > 0 ? (excess / downside) * Math.sqrt(P) : null,
    maxDrawdown,
    calmarRatio: annualizedReturn !== null && maxDrawdown > 0 ? annualizedReturn / maxDrawdown : null,
    valueAtRisk95: q === null ? null : -q,
    expectedShortfall95: q === null ? null : -mean(tail),
    beta: stats?.beta ?? null,
    alpha: stats?.alpha ?? null,
    correlation: stats?.correlation ?? null,
  };
}

/** beta = cov(r, b) / var(b) (sample); alpha = (mean(r) - beta * mean(b)) * P; correlation = Pearson. */
function againstBenchmark(r: readonly number[], b: readonly number[], P: number): { beta: number | null; alpha: number | null; correlation: number | null } {
  const sb = sampleStdev(b);
  if (sb === null || sb === 0) return { beta: null, alpha: null, correlation: null };
  const beta = sampleCovariance(r, b) / sb ** 2;
  return { beta, alpha: (mean(r) - beta * mean(b)) * P, correlation: pearson(r, b) };
}
