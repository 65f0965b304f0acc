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

/** `"0.0100000000"` -> `"0.01"`, `"-0.0"` -> `"0"`: one spelling for one value. */
export function canonicalDecimal(text: string): string {
  if (!isDecimal(text)) throw new TypeError("not a decimal string");
  let [whole, fraction = ""] = text.split(".");
  fraction = fraction.replace(/0+$/, "");
  const result = fraction ? `${whole}.${fraction}` : whole;
  return /^-0(\.0*)?$/.test(result) ? "0" : result;
}
