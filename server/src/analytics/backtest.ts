import { registerEnumType } from "type-graphql";
import { divFixed, type Fixed, mulFixed } from "../infra/fixed";

export enum RebalanceFrequency {
  NEVER = "NEVER",
  DAILY = "DAILY",
  WEEKLY = "WEEKLY",
  MONTHLY = "MONTHLY",
}

registerEnumType(RebalanceFrequency, { name: "RebalanceFrequency" });

const DAY_MS = 86_400_000;

/** The UTC day, ISO week (Monday to Sunday) or calendar month a time falls in. */
function periodOf(ms: number, frequency: RebalanceFrequency): number {
  const day = Math.floor(ms / DAY_MS);
  if (frequency === RebalanceFrequency.DAILY) return day;
  // 1970-01-01 was a Thursday: shifting by three days puts every ISO week's Monday on a multiple of 7.
  if (frequency === RebalanceFrequency.WEEKLY) return Math.floor((day + 3) / 7);
  const date = new Date(ms);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

/**
 * A portfolio simulated on closes: the initial value split by the target weights at the first
 * close (fractional units, down to 10^-10, no fees), rebalanced to the targets at the close of
 * the last bar of each day, ISO week or calendar month (NEVER: buy and hold). One value per bar,
 * the first being the initial value. Exact: values are sums of units times closes.
 */
export function backtestValues(times: readonly number[], closes: ReadonlyArray<readonly Fixed[]>, weights: readonly Fixed[], initialValue: Fixed, frequency: RebalanceFrequency): Fixed[] {
  const split = (value: Fixed, t: number) => weights.map((weight, i) => divFixed(mulFixed(value, weight, "down"), closes[i][t], "down"));
  let units = split(initialValue, 0);
  const values: Fixed[] = [initialValue];
  for (let t = 1; t < times.length; t++) {
    const value = units.reduce((sum, held, i) => sum + mulFixed(held, closes[i][t], "half-even"), 0n);
    values.push(value);
    const last = t === times.length - 1;
    if (!last && frequency !== RebalanceFrequency.NEVER && periodOf(times[t], frequency) !== periodOf(times[t + 1], frequency)) units = split(value, t);
  }
  return values;
}
