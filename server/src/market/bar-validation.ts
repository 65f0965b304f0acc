import { isDecimal } from "../infra/decimal";
import { type Fixed, parseFixed } from "../infra/fixed";
import { type BarInterval, INTERVAL_MS } from "./bar-interval";

/** A bar as it arrives: decimal strings, a start time, and where it came from (for the report). */
export interface BarInput {
  time: Date;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  /** The row's line in its source (a file's line, or the position in a call's list, from 1). */
  line: number;
}

export interface CheckedBar {
  bucket: Date;
  open: Fixed;
  high: Fixed;
  low: Fixed;
  close: Fixed;
  volume: Fixed;
}

/**
 * Checks every row on its own: a bad row is refused with its line and reason, the others pass.
 * A time that appears twice keeps its last row (a corrected copy further down a file wins).
 */
export function checkBars(bars: readonly BarInput[], interval: BarInterval): { valid: CheckedBar[]; problems: string[] } {
  const byTime = new Map<number, CheckedBar>();
  const problems: string[] = [];
  for (const bar of bars) {
    const problem = problemOf(bar, interval);
    if (typeof problem === "string") problems.push(`line ${bar.line}: ${problem}`);
    else byTime.set(problem.bucket.getTime(), problem);
  }
  return { valid: [...byTime.values()].sort((a, b) => a.bucket.getTime() - b.bucket.getTime()), problems };
}

function problemOf(bar: BarInput, interval: BarInterval): string | CheckedBar {
  const ms = bar.time.getTime();
  if (!Number.isFinite(ms)) return "time is not a valid date";
  if (ms % INTERVAL_MS[interval] !== 0) return `time ${bar.time.toISOString()} is not on a ${interval} boundary (UTC)`;
  const values: Partial<Record<"open" | "high" | "low" | "close" | "volume", Fixed>> = {};
  for (const field of ["open", "high", "low", "close", "volume"] as const) {
    const text = bar[field].trim();
    if (!isDecimal(text)) return `${field} is not a decimal: ${JSON.stringify(bar[field])}`;
    try {
      values[field] = parseFixed(text);
    } catch {
      return `${field} has more than 10 decimal places`;
    }
  }
  const { open, high, low, close, volume } = values as Record<"open" | "high" | "low" | "close" | "volume", Fixed>;
  if (open <= 0n || high <= 0n || low <= 0n || close <= 0n) return "prices must be greater than zero";
  if (volume < 0n) return "volume must not be negative";
  if (high < open || high < close) return "high is below open or close";
  if (low > open || low > close) return "low is above open or close";
  return { bucket: new Date(ms), open, high, low, close, volume };
}
