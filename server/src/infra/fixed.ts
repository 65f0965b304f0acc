import { canonicalDecimal, isDecimal } from "./decimal";

/**
 * Exact fixed-point money: a bigint counting 10^-10 units, the scale of every numeric(30,10)
 * column. Sums and differences are exact; products and quotients round explicitly, and each
 * caller says which way. No float ever holds an amount.
 */
export type Fixed = bigint;

export const SCALE = 10;
const ONE = 10n ** BigInt(SCALE);

export const ZERO: Fixed = 0n;

export type Rounding = "down" | "up" | "half-even";

/** "1250.5" -> 12505000000000n. Refuses more than 10 decimal places rather than rounding silently. */
export function parseFixed(text: string): Fixed {
  if (!isDecimal(text)) throw new RangeError(`not a decimal: ${text}`);
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = (negative ? text.slice(1) : text).split(".");
  const trimmed = fraction.replace(/0+$/, "");
  if (trimmed.length > SCALE) throw new RangeError(`more than ${SCALE} decimal places: ${text}`);
  const value = BigInt(whole) * ONE + BigInt(trimmed.padEnd(SCALE, "0") || "0");
  return negative ? -value : value;
}

/** Shortest exact decimal text: 12505000000000n -> "1250.5". */
export function formatFixed(value: Fixed): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const whole = (magnitude / ONE).toString();
  const remainder = magnitude % ONE;
  // Hot on the valuation path: built directly rather than through a regex round trip.
  if (remainder === 0n) return negative && whole !== "0" ? `-${whole}` : whole;
  let fraction = remainder.toString().padStart(SCALE, "0");
  let end = fraction.length;
  while (fraction.charCodeAt(end - 1) === 48) end--;
  fraction = fraction.slice(0, end);
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

/** Decimal places a step such as a tick (0.01) or lot (0.0001) has. */
export function placesOf(step: string): number {
  return canonicalDecimal(step).split(".")[1]?.length ?? 0;
}

/** a × b at scale 10, rounded as told. */
export function mulFixed(a: Fixed, b: Fixed, rounding: Rounding): Fixed {
  return divRound(a * b, ONE, rounding);
}

/** a ÷ b at scale 10, rounded as told. */
export function divFixed(a: Fixed, b: Fixed, rounding: Rounding): Fixed {
  if (b === 0n) throw new RangeError("division by zero");
  return divRound(a * ONE, b, rounding);
}

/** Rounds to `places` decimal places (e.g. 2 for cents). */
export function roundTo(value: Fixed, places: number, rounding: Rounding): Fixed {
  const unit = 10n ** BigInt(SCALE - places);
  return divRound(value, unit, rounding) * unit;
}

/** True when `value` is a whole multiple of `step` (a price on the tick, a quantity on the lot). */
export function isMultipleOf(value: Fixed, step: Fixed): boolean {
  return step > 0n && value % step === 0n;
}

export const minFixed = (a: Fixed, b: Fixed): Fixed => (a < b ? a : b);
export const maxFixed = (a: Fixed, b: Fixed): Fixed => (a > b ? a : b);

function divRound(numerator: bigint, denominator: bigint, rounding: Rounding): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let quotient = n / d;
  const remainder = n % d;
  if (remainder !== 0n) {
    // Directions are in magnitude for down/up (toward and away from zero).
    if (rounding === "up") quotient += 1n;
    else if (rounding === "half-even") {
      const twice = remainder * 2n;
      if (twice > d || (twice === d && quotient % 2n === 1n)) quotient += 1n;
    }
  }
  return negative ? -quotient : quotient;
}
