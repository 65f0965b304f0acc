import { registerEnumType } from "type-graphql";

export enum BarInterval {
  MINUTE_1 = "MINUTE_1",
  MINUTE_5 = "MINUTE_5",
  MINUTE_15 = "MINUTE_15",
  HOUR_1 = "HOUR_1",
  DAY_1 = "DAY_1",
}

registerEnumType(BarInterval, { name: "BarInterval" });

/** Length of each interval. Every boundary is a multiple of it since the Unix epoch, so in UTC. */
export const INTERVAL_MS: Readonly<Record<BarInterval, number>> = {
  [BarInterval.MINUTE_1]: 60_000,
  [BarInterval.MINUTE_5]: 300_000,
  [BarInterval.MINUTE_15]: 900_000,
  [BarInterval.HOUR_1]: 3_600_000,
  [BarInterval.DAY_1]: 86_400_000,
};

/** The start of the bar of `interval` that contains `ms` (UTC boundaries). */
export function barStart(ms: number, interval: BarInterval): number {
  const length = INTERVAL_MS[interval];
  return Math.floor(ms / length) * length;
}
