/**
 * Display helpers for Decimal strings. Pure string work: a price is never turned into a float
 * on its way to the screen.
 */
export function decimalPlaces(step: string): number {
  const fraction = step.split(".")[1] ?? "";
  return fraction.replace(/0+$/, "").length;
}

/** Pads `value` with zeros to the places of `step` ("230.1" with tick "0.01" -> "230.10"). */
export function formatToStep(value: string, step: string): string {
  const places = decimalPlaces(step);
  const [whole, fraction = ""] = value.split(".");
  if (places === 0 && !fraction) return whole;
  return `${whole}.${fraction.padEnd(places, "0")}`;
}

const DECIMAL = /^\d+(\.\d+)?$/;

/** A non-negative decimal as typed by a person: digits, optionally a point and more digits. */
export function isDecimal(value: string): boolean {
  return DECIMAL.test(value.trim());
}

/** `value` as an integer scaled by 10^places (value must satisfy isDecimal). */
function scaled(value: string, places: number): bigint {
  const [whole, fraction = ""] = value.trim().split(".");
  return BigInt(whole + fraction.padEnd(places, "0").slice(0, places));
}

const placesOf = (value: string) => (value.trim().split(".")[1] ?? "").length;

/** Exact check that `value` is a whole number of `step`s (prices on the tick, quantities on the lot). */
export function isMultipleOf(value: string, step: string): boolean {
  const places = Math.max(placesOf(value), placesOf(step));
  const divisor = scaled(step, places);
  return divisor > 0n && scaled(value, places) % divisor === 0n;
}

/** -1, 0 or 1, exactly. */
export function compareDecimal(a: string, b: string): number {
  const places = Math.max(placesOf(a), placesOf(b));
  const left = signedScaled(a, places);
  const right = signedScaled(b, places);
  return left === right ? 0 : left < right ? -1 : 1;
}

function signedScaled(value: string, places: number): bigint {
  const negative = value.trim().startsWith("-");
  const magnitude = scaled(value.trim().replace(/^[-+]/, ""), places);
  return negative ? -magnitude : magnitude;
}

export const isZero = (value: string) => compareDecimal(value, "0") === 0;

/** "-12.5" -> "down", "3" -> "up", "0" -> "flat": for colouring PnL without parsing to a float. */
export function direction(value: string): "up" | "down" | "flat" {
  const c = compareDecimal(value, "0");
  return c > 0 ? "up" : c < 0 ? "down" : "flat";
}

/** Groups thousands and fixes the places: "12345.5" -> "12,345.50". */
export function formatMoney(value: string, places = 2): string {
  const negative = value.startsWith("-");
  const [whole, fraction = ""] = value.replace(/^[-+]/, "").split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const cents = places > 0 ? `.${fraction.padEnd(places, "0").slice(0, places)}` : "";
  return `${negative ? "-" : ""}${grouped}${cents}`;
}

/** A weight such as "0.2531" as "25.31%". */
export function formatPercent(weight: string, places = 2): string {
  const negative = weight.startsWith("-");
  const digits = scaled(weight.replace(/^[-+]/, ""), places + 2).toString().padStart(places + 1, "0");
  const whole = digits.slice(0, digits.length - places);
  const fraction = digits.slice(digits.length - places);
  return `${negative ? "-" : ""}${whole}${places ? "." + fraction : ""}%`;
}

/** Moves the decimal point: shiftDecimal("25", -2) === "0.25". Exact, for percent <-> weight. */
export function shiftDecimal(value: string, places: number): string {
  const negative = value.trim().startsWith("-");
  const [whole, fraction = ""] = value.trim().replace(/^[-+]/, "").split(".");
  let digits = whole + fraction;
  let point = whole.length + places;
  if (point < 0) {
    digits = "0".repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits = digits.padEnd(point, "0");
  const intPart = digits.slice(0, point).replace(/^0+(?=\d)/, "") || "0";
  const fracPart = digits.slice(point).replace(/0+$/, "");
  return `${negative ? "-" : ""}${intPart}${fracPart ? "." + fracPart : ""}`;
}

/** Exact sum of decimal strings. */
export function sumDecimals(values: readonly string[]): string {
  const places = Math.max(0, ...values.map(placesOf));
  const total = values.reduce((sum, v) => sum + signedScaled(v, places), 0n);
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(places + 1, "0");
  const whole = digits.slice(0, digits.length - places);
  const fraction = places ? digits.slice(digits.length - places).replace(/0+$/, "") : "";
  return `${negative ? "-" : ""}${whole}${fraction ? "." + fraction : ""}`;
}

/** `value` (signed) as a string with exactly `places` decimals, from an integer scaled by 10^places. */
function fromScaled(scaledValue: bigint, places: number): string {
  const negative = scaledValue < 0n;
  const digits = (negative ? -scaledValue : scaledValue).toString().padStart(places + 1, "0");
  const whole = digits.slice(0, digits.length - places);
  return `${negative ? "-" : ""}${whole}${places ? "." + digits.slice(digits.length - places) : ""}`;
}

/**
 * a × b to `places` decimals, exactly, rounded "up" (away from zero: a cost the trader may pay)
 * or "down" (toward zero: proceeds they can count on).
 */
export function mulDecimal(a: string, b: string, places: number, rounding: "up" | "down"): string {
  const pa = placesOf(a);
  const pb = placesOf(b);
  const product = signedScaled(a, pa) * signedScaled(b, pb);
  const shift = pa + pb - places;
  if (shift <= 0) return fromScaled(product * 10n ** BigInt(-shift), places);
  const divisor = 10n ** BigInt(shift);
  const magnitude = product < 0n ? -product : product;
  let quotient = magnitude / divisor;
  if (rounding === "up" && magnitude % divisor !== 0n) quotient += 1n;
  return fromScaled(product < 0n ? -quotient : quotient, places);
}

/** a − b, exactly. */
export const subtractDecimal = (a: string, b: string): string => sumDecimals([a, b.startsWith("-") ? b.slice(1) : `-${b}`]);

/** formatToStep with thousands grouped, for prices on screen: "96500" with tick "0.01" -> "96,500.00". */
export function formatStepGrouped(value: string, step: string): string {
  const padded = formatToStep(value, step);
  const negative = padded.startsWith("-");
  const [whole, fraction] = padded.replace(/^-/, "").split(".");
  return `${negative ? "-" : ""}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${fraction !== undefined ? "." + fraction : ""}`;
}
