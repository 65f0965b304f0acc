/**
 * Exact decimals as they travel on the wire and out of PostgreSQL `numeric`: strings, never
 * floats. This module only checks and normalises their text; arithmetic happens in integer
 * units (ticks, lots, cents) where it is needed.
 */
const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** More digits than any amount, price or quantity we carry: refuse rather than truncate. */
export const MAX_DECIMAL_DIGITS = 38;

export function isDecimal(text: string): boolean {
  return DECIMAL.test(text) && text.replace(/[-.]/g, "").length <= MAX_DECIMAL_DIGITS;
}

/**
 * What a `numeric(30,10)` column can hold: at most 20 whole digits and 10 decimal places
 * (trailing zeros do not count). Every amount, price, quantity and weight the API accepts is
 * stored at that scale, so input beyond it is refused at the edge rather than rounded or left
 * to fail deep inside a handler.
 */
export const MAX_WHOLE_DIGITS = 20;
export const MAX_FRACTION_DIGITS = 10;

/** Why `text` cannot be an input amount, or null when it can. */
export function decimalInputProblem(text: string): string | null {
  if (!isDecimal(text)) return "not a decimal";
  const [whole, fraction = ""] = text.replace(/^-/, "").split(".");
  if (fraction.replace(/0+$/, "").length > MAX_FRACTION_DIGITS) return `more than ${MAX_FRACTION_DIGITS} decimal places`;
  if (whole.length > MAX_WHOLE_DIGITS) return `more than ${MAX_WHOLE_DIGITS} digits before the decimal point`;
  return null;
}

/** `"0.0100000000"` -> `"0.01"`, `"-0.0"` -> `"0"`: one spelling for one value. */
export function canonicalDecimal(text: string): string {
  if (!isDecimal(text)) throw new TypeError("not a decimal string");
  let [whole, fraction = ""] = text.split(".");
  fraction = fraction.replace(/0+$/, "");
  const result = fraction ? `${whole}.${fraction}` : whole;
  return /^-0(\.0*)?$/.test(result) ? "0" : result;
}
