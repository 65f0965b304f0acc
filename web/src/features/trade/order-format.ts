import type { OrderFieldsFragment } from "../../gql/graphql";
import { decimalPlaces, formatMoney } from "../../lib/decimal";

/** A price as money, to the instrument's tick where known ("3000.1" -> "3,000.10"). */
export function formatPrice(value: string, tickSize?: string): string {
  const places = Math.max(2, tickSize ? decimalPlaces(tickSize) : (value.split(".")[1] ?? "").length);
  return formatMoney(value, places);
}

type Priced = Pick<OrderFieldsFragment, "type" | "limitPrice" | "stopPrice" | "trailAmount" | "trailPercent">;

/** What an order's price column says: its limit, its stop, its trail, or "market". */
export function orderPrice(o: Priced, tickSize?: string): string {
  const parts: string[] = [];
  if (o.stopPrice) parts.push(`stop ${formatPrice(o.stopPrice, tickSize)}`);
  if (o.limitPrice) parts.push(formatPrice(o.limitPrice, tickSize));
  if (o.trailPercent) parts.push(`trail ${o.trailPercent}%`);
  else if (o.trailAmount) parts.push(`trail ${formatPrice(o.trailAmount, tickSize)}`);
  return parts.length ? parts.join(" · ") : "market";
}

type Typed = Pick<OrderFieldsFragment, "type" | "timeInForce" | "postOnly" | "displayQuantity" | "expiresAt" | "orderClass" | "parentOrderId">;

/** "limit · GTD to 1 Dec, 16:00 · post-only · iceberg 5" */
export function orderType(o: Typed): string {
  const parts = [o.type.replace("_", " ").toLowerCase(), o.expiresAt ? `GTD to ${new Date(o.expiresAt).toLocaleString(undefined, { dateStyle: "short", timeStyle: "short" })}` : o.timeInForce];
  if (o.postOnly) parts.push("post-only");
  if (o.displayQuantity) parts.push(`iceberg ${o.displayQuantity}`);
  if (o.orderClass !== "SIMPLE") parts.push(`${o.orderClass.toLowerCase()}${o.parentOrderId ? " leg" : ""}`);
  return parts.join(" · ");
}
