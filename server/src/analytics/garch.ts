/**
 * Zero-mean GARCH(1,1) with normal innovations, fitted by maximum likelihood:
 *
 *   r_t = sqrt(h_t) z_t,  z_t ~ N(0, 1)
 *   h_1 = omega + (alpha + beta) * s²,  s² = mean(r²) (the sample variance about the zero mean)
 *   h_t = omega + alpha r²_{t-1} + beta h_{t-1}
 *   log L = -1/2 sum_t (log 2π + log h_t + r²_t / h_t)
 *
 * with omega > 0, alpha >= 0, beta >= 0, alpha + beta < 1. The start of the recursion is the one
 * R's fGarch takes (its default `init.rec = "mci"`: h_0 = s², r²_0 = s²), so that the
 * likelihoods, and with them the estimates, are the same function of the data.
 *
 * The optimiser is Nelder–Mead on unconstrained coordinates (log omega, logit of the
 * persistence alpha + beta, logit of alpha's share of it), which keeps every trial point inside
 * the constraints without penalties; it restarts from a small grid and polishes the best point
 * until a restart no longer improves it. The returns are scaled to unit mean square first (the
 * MLE is scale-equivariant: omega scales back by s²), so that the simplex works on numbers of one
 * magnitude. Pure: no I/O, no clock, no randomness.
 */

export interface GarchFit {
  omega: number;
  alpha: number;
  beta: number;
  logLikelihood: number;
  /** Conditional variance after the last return: the one-step-ahead forecast h_{T+1}. */
  nextVariance: number;
}

/** Fewer returns than this cannot pin down three parameters. */
export const GARCH_MIN_RETURNS = 30;
const LOG_2PI = Math.log(2 * Math.PI);

/** The log-likelihood and h_{T+1} for given parameters (the same recursion the fit maximises). */
export function garchLogLikelihood(returns: readonly number[], omega: number, alpha: number, beta: number): { logLikelihood: number; nextVariance: number } {
  const meanSquare = returns.reduce((sum, r) => sum + r * r, 0) / returns.length;
  let h = omega + (alpha + beta) * meanSquare;
  let sum = 0;
  for (let t = 0; t < returns.length; t++) {
    const r2 = returns[t] * returns[t];
    sum += LOG_2PI + Math.log(h) + r2 / h;
    h = omega + alpha * r2 + beta * h;
  }
  return { logLikelihood: -0.5 * sum, nextVariance: h };
}

/** The maximum-likelihood fit, or null with fewer than GARCH_MIN_RETURNS returns or a series of zeros. */
export function fitGarch11(returns: readonly number[]): GarchFit | null {
  if (returns.length < GARCH_MIN_RETURNS || returns.some((r) => !Number.isFinite(r))) return null;
  const meanSquare = returns.reduce((sum, r) => sum + r * r, 0) / returns.length;
  if (!(meanSquare > 0)) return null;
  const scale = Math.sqrt(meanSquare);
  const x = returns.map((r) => r / scale);
  const decode = ([a, b, c]: number[]) => {
    const persistence = logistic(b);
    const share = logistic(c);
    return { omega: Math.exp(a), alpha: persistence * share, beta: persistence * (1 - share) };
  };
  const objective = (point: number[]) => {
    const { omega, alpha, beta } = decode(point);
    const value = -garchLogLikelihood(x, omega, alpha, beta).logLikelihood;
    return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
  };
  // Starting points: persistence 0.5 to 0.98, alpha's share 5% to 30%, omega at the unconditional
  // variance (1 on the scaled series) times 1 - persistence.
  let best: { point: number[]; value: number } | null = null;
  for (const persistence of [0.5, 0.9, 0.98]) {
    for (const share of [0.05, 0.3]) {
      const start = [Math.log(1 - persistence), logit(persistence), logit(share)];
      const found = nelderMead(objective, start, { step: 0.5 });
      if (!best || found.value < best.value) best = found;
    }
  }
  // Polish: restart at the best point until a restart gains nothing.
  for (let round = 0; round < 20; round++) {
    const again = nelderMead(objective, best!.point, { step: 0.1 });
    const gained = best!.value - again.value;
    if (again.value < best!.value) best = again;
    if (!(gained > 1e-10)) break;
  }
  const fitted = decode(best!.point);
  const omega = fitted.omega * meanSquare;
  const { logLikelihood, nextVariance } = garchLogLikelihood(returns, omega, fitted.alpha, fitted.beta);
  return { omega, alpha: fitted.alpha, beta: fitted.beta, logLikelihood, nextVariance };
}

/**
 * Variances of the next `horizon` periods: h_{T+1} from the fit, then
 * h_{T+k} = omega + (alpha + beta) h_{T+k-1}, which tends to omega / (1 - alpha - beta).
 */
export function garchVariancePath(fit: Pick<GarchFit, "omega" | "alpha" | "beta" | "nextVariance">, horizon: number): number[] {
  const path = [fit.nextVariance];
  for (let k = 1; k < horizon; k++) path.push(fit.omega + (fit.alpha + fit.beta) * path[k - 1]);
  return path;
}

export interface NelderMeadResult {
  point: number[];
  value: number;
  iterations: number;
}

/**
 * Nelder–Mead simplex minimisation (standard coefficients: reflection 1, expansion 2,
 * contraction 1/2, shrink 1/2). Stops when the simplex's values and points agree within
 * `tolerance` or after `maxIterations`.
 */
export function nelderMead(f: (point: number[]) => number, start: number[], options: { step?: number; tolerance?: number; maxIterations?: number } = {}): NelderMeadResult {
  const { step = 0.5, tolerance = 1e-12, maxIterations = 2_000 } = options;
  const n = start.length;
  let simplex = [start, ...start.map((_, i) => start.map((v, j) => (i === j ? v + step : v)))].map((point) => ({ point, value: f(point) }));
  let iterations = 0;
  const combine = (a: number[], b: number[], t: number) => a.map((v, i) => v + t * (b[i] - v));
  for (; iterations < maxIterations; iterations++) {
    simplex.sort((p, q) => p.value - q.value);
    const bestValue = simplex[0].value;
    const worstValue = simplex[n].value;
    const spread = Math.max(...simplex.slice(1).map((vertex) => Math.max(...vertex.point.map((v, i) => Math.abs(v - simplex[0].point[i])))));
    if (Math.abs(worstValue - bestValue) <= tolerance * (Math.abs(bestValue) + tolerance) && spread <= 1e-9) break;
    const centroid = Array.from({ length: n }, (_, i) => simplex.slice(0, n).reduce((sum, vertex) => sum + vertex.point[i], 0) / n);
    const worst = simplex[n];
    const reflected = combine(centroid, worst.point, -1);
    const reflectedValue = f(reflected);
    if (reflectedValue < simplex[0].value) {
      const expanded = combine(centroid, worst.point, -2);
      const expandedValue = f(expanded);
      simplex[n] = expandedValue < reflectedValue ? { point: expanded, value: expandedValue } : { point: reflected, value: reflectedValue };
    } else if (reflectedValue < simplex[n - 1].value) {
      simplex[n] = { point: reflected, value: reflectedValue };
    } else {
      const outside = reflectedValue < worst.value;
      const contracted = combine(centroid, outside ? reflected : worst.point, 0.5);
      const contractedValue = f(contracted);
      if (contractedValue < Math.min(worst.value, reflectedValue)) {
        simplex[n] = { point: contracted, value: contractedValue };
      } else {
        const best = simplex[0].point;
        simplex = simplex.map((vertex, i) => (i === 0 ? vertex : { point: combine(best, vertex.point, 0.5), value: Number.NaN }));
        for (const vertex of simplex) if (Number.isNaN(vertex.value)) vertex.value = f(vertex.point);
      }
    }
  }
  simplex.sort((p, q) => p.value - q.value);
  return { point: simplex[0].point, value: simplex[0].value, iterations };
}

const logistic = (v: number) => 1 / (1 + Math.exp(-v));
const logit = (p: number) => Math.log(p / (1 - p));
