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
