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
