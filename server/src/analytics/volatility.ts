import { fitGarch11, garchVariancePath } from "./garch";

/** RiskMetrics' decay for daily returns. */
export const EWMA_LAMBDA = 0.94;
/** The standard normal's 95% quantile, as the definition fixes it. */
export const Z_95 = 1.6448536;

export interface VolatilityEstimate {
  periodVolatility: number;
  annualizedVolatility: number;
  valueAtRisk95: number;
  parameters: number[];
}

/**
 * EWMA: seeded with the first squared return, sigma²_t = λ sigma²_{t-1} + (1 - λ) r_t², no mean
 * subtracted; the forecast is the variance after the last return. Horizon h scales by sqrt(h).
 * Null without a return.
 */
export function ewmaForecast(returns: readonly number[], horizon: number, periodsPerYear: number, lambda = EWMA_LAMBDA): VolatilityEstimate | null {
  if (returns.length === 0) return null;
  let variance = returns[0] ** 2;
  for (let t = 1; t < returns.length; t++) variance = lambda * variance + (1 - lambda) * returns[t] ** 2;
  const periodVolatility = Math.sqrt(variance) * Math.sqrt(horizon);
  return { periodVolatility, annualizedVolatility: Math.sqrt(periodsPerYear * variance), valueAtRisk95: Z_95 * periodVolatility, parameters: [lambda] };
}

/**
 * GARCH(1,1), zero mean, fitted by normal maximum likelihood (see garch.ts). For horizon h the
 * variance of the h-period return is the sum of the next h one-period variances (h_{T+1}, then
 * the recursion towards omega / (1 - alpha - beta)): periodVolatility is its square root,
 * annualizedVolatility = sqrt(P * their mean) (for h = 1, sqrt(P * h_{T+1})). With a constant
 * variance both reduce to EWMA's sqrt(h) scaling. Null when the fit is not possible (fewer than
 * GARCH_MIN_RETURNS returns, all zero).
 */
export function garchForecast(returns: readonly number[], horizon: number, periodsPerYear: number): (VolatilityEstimate & { logLikelihood: number }) | null {
  const fit = fitGarch11(returns);
  if (!fit) return null;
  const path = garchVariancePath(fit, horizon);
  const total = path.reduce((sum, v) => sum + v, 0);
  const periodVolatility = Math.sqrt(total);
  return {
    periodVolatility,
    annualizedVolatility: Math.sqrt((periodsPerYear * total) / horizon),
    valueAtRisk95: Z_95 * periodVolatility,
    parameters: [fit.omega, fit.alpha, fit.beta],
    logLikelihood: fit.logLikelihood,
  };
}
