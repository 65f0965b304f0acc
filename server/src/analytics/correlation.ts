import { pearson, simpleReturns } from "./metrics";

/**
 * Pearson correlation of returns, computed on the bar times every symbol shares (a time missing
 * from one series is dropped from all). Null where a series is constant: the caller refuses it.
 */
export function correlationMatrix(series: ReadonlyArray<ReadonlyMap<number, number>>): Array<Array<number | null>> {
  const shared = [...(series[0]?.keys() ?? [])].filter((time) => series.every((closes) => closes.has(time))).sort((a, b) => a - b);
  const returns = series.map((closes) => simpleReturns(shared.map((time) => closes.get(time)!)));
  return returns.map((a, i) => returns.map((b, j) => (i === j ? (pearson(a, a) === null ? null : 1) : pearson(a, b))));
}
