import { mean, sampleStdev, simpleReturns } from "./metrics";

/** A symbol's values, `values[i]` at `times[i]`, times strictly ascending. */
export interface TimeSeries {
  times: readonly number[];
  values: readonly number[];
}

/**
 * Pearson correlation of returns, computed on the bar times every symbol shares (a time missing
 * from one series is dropped from all). Null where a series is constant: the caller refuses it.
 * Each series is centred and scaled once, so a pair is one dot product: Pearson's r is
 * sum(z_x * z_y) / (n - 1) with z = (x - mean) / sample stdev, the same figure as
 * cov(x, y) / (s_x * s_y), computed for one triangle and mirrored.
 */
export function correlationMatrix(series: readonly TimeSeries[]): Array<Array<number | null>> {
  const scaled = valuesAtSharedTimes(series).map((values) => standardized(simpleReturns(values)));
  const matrix: Array<Array<number | null>> = scaled.map(() => new Array<number | null>(scaled.length).fill(null));
  for (let i = 0; i < scaled.length; i++) {
    const a = scaled[i];
    if (!a) continue;
    matrix[i][i] = 1;
    for (let j = i + 1; j < scaled.length; j++) {
      const b = scaled[j];
      if (!b) continue;
      let sum = 0;
      for (let t = 0; t < a.length; t++) sum += a[t] * b[t];
      matrix[i][j] = matrix[j][i] = sum / (a.length - 1);
    }
  }
  return matrix;
}

/**
 * Each series' values at the times all of them have, oldest first: one pass over each, as the
 * times are ascending (fifty series of ten years in hash maps cost more than the correlations).
 */
function valuesAtSharedTimes(series: readonly TimeSeries[]): number[][] {
  const at = series.map(() => 0);
  const shared = series.map((): number[] => []);
  next: for (const [i, time] of (series[0]?.times ?? []).entries()) {
    at[0] = i;
    for (let s = 1; s < series.length; s++) {
      const { times } = series[s];
      while (at[s] < times.length && times[at[s]] < time) at[s]++;
      if (times[at[s]] !== time) continue next;
    }
    series.forEach(({ values }, s) => shared[s].push(values[at[s]]));
  }
  return shared;
}

/** (x - mean) / sample stdev, or null below two values or for a constant series. */
function standardized(xs: number[]): Float64Array | null {
  const sd = sampleStdev(xs);
  if (sd === null || sd === 0) return null;
  const m = mean(xs);
  return Float64Array.from(xs, (x) => (x - m) / sd);
}
