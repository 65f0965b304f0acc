import { OrderClass, OrderSide, OrderType, type PlaceOrderInput, TimeInForce } from "../../gql/graphql";
import { compareDecimal, isDecimal, isMultipleOf } from "../../lib/decimal";
import type { Steps, TicketValues } from "./ticket-rules";

/** The ticket's order class and its legs' prices, beside the main order's values. */
export interface ClassValues {
  orderClass: OrderClass;
  /** BRACKET, OTO: the take-profit's limit price. */
  takeProfit: string;
  /** BRACKET, OTO: the stop-loss's stop price, and a limit price making it a stop limit. */
  stopLoss: string;
  stopLossLimit: string;
  /** OTO: which one exit follows the fill. */
  otoLeg: "takeProfit" | "stopLoss";
  /** OCO: the second order's prices (a LIMIT beside a stop, or a stop beside a LIMIT). */
  ocoLimit: string;
  ocoStop: string;
}

export const EMPTY_CLASS: ClassValues = { orderClass: OrderClass.Simple, takeProfit: "", stopLoss: "", stopLossLimit: "", otoLeg: "takeProfit", ocoLimit: "", ocoStop: "" };

export type ClassErrors = Partial<Record<keyof ClassValues, string>>;

const hasTakeProfit = (c: ClassValues) => c.orderClass === OrderClass.Bracket || (c.orderClass === OrderClass.Oto && c.otoLeg === "takeProfit");
const hasStopLoss = (c: ClassValues) => c.orderClass === OrderClass.Bracket || (c.orderClass === OrderClass.Oto && c.otoLeg === "stopLoss");
/** OCO: the main order is the pair's limit, so its second order is a stop; else the other way round. */
export const ocoLegType = (ticket: Pick<TicketValues, "type">, c: Pick<ClassValues, "ocoLimit">): OrderType =>
  ticket.type === OrderType.Limit ? (c.ocoLimit.trim() ? OrderType.StopLimit : OrderType.Stop) : OrderType.Limit;
export { hasStopLoss, hasTakeProfit };

/**
 * The server's class rules (order-validation.ts validateClass), checked before sending: a
 * bracket's or OTO's exits sell what a buy entry bought (no short selling), the take-profit
 * above the entry and the stop-loss below it; an OCO is one limit and one stop that wait for
 * each other, the limit on the better side of the stop.
 */
export function validateClass(c: ClassValues, ticket: TicketValues, side: OrderSide, steps: Steps): ClassErrors {
  const errors: ClassErrors = {};
  if (c.orderClass === OrderClass.Simple) return errors;
  const price = (field: "takeProfit" | "stopLoss" | "stopLossLimit" | "ocoLimit" | "ocoStop", label: string, required = true) => {
    const value = c[field].trim();
    if (!value) {
      if (required) errors[field] = `Enter the ${label}`;
      return null;
    }
    if (!isDecimal(value) || compareDecimal(value, "0") <= 0) errors[field] = `The ${label} must be a number greater than zero`;
    else if (!isMultipleOf(value, steps.tickSize)) errors[field] = `The ${label} must be on the tick size ${steps.tickSize}`;
    else return value;
    return null;
  };
  if (c.orderClass === OrderClass.Oco) {
    if (!([OrderType.Limit, OrderType.Stop, OrderType.StopLimit] as OrderType[]).includes(ticket.type)) errors.orderClass = "An OCO pair is a limit order and a stop order: choose Limit, Stop or Stop limit";
    if (ticket.timeInForce === TimeInForce.Ioc || ticket.timeInForce === TimeInForce.Fok) errors.orderClass = "The two orders of an OCO wait for each other: use GTC, Day or Good till date";
    const mainIsLimit = ticket.type === OrderType.Limit;
    const limit = mainIsLimit ? ticket.limitPrice.trim() : price("ocoLimit", "second order's limit price");
    const stop = mainIsLimit ? price("ocoStop", "second order's stop price") : ticket.stopPrice.trim();
    if (mainIsLimit) price("ocoLimit", "second order's limit price", false);
    if (limit && stop && isDecimal(limit) && isDecimal(stop)) {
      if (side === OrderSide.Sell && compareDecimal(limit, stop) <= 0) errors[mainIsLimit ? "ocoStop" : "ocoLimit"] = `A sell OCO sells above the market with its limit and below it with its stop: the limit price must be above the stop price`;
      if (side === OrderSide.Buy && compareDecimal(limit, stop) >= 0) errors[mainIsLimit ? "ocoStop" : "ocoLimit"] = `A buy OCO buys below the market with its limit and above it with its stop: the limit price must be below the stop price`;
    }
    return errors;
  }
  const name = c.orderClass === OrderClass.Bracket ? "A bracket" : "An OTO order";
  if (side !== OrderSide.Buy) errors.orderClass = `${name} protects a purchase: its exits sell what the entry buys, so the entry must be a buy`;
  if (ticket.type === OrderType.TrailingStop) errors.orderClass = `${name} cannot start with a trailing stop`;
  const entry = ticket.type === OrderType.Limit || ticket.type === OrderType.StopLimit ? ticket.limitPrice.trim() : ticket.type === OrderType.Stop ? ticket.stopPrice.trim() : "";
  const known = entry && isDecimal(entry) ? entry : null;
  const takeProfit = hasTakeProfit(c) ? price("takeProfit", "take-profit price") : null;
  const stopLoss = hasStopLoss(c) ? price("stopLoss", "stop-loss price") : null;
  const stopLossLimit = hasStopLoss(c) ? price("stopLossLimit", "stop-loss limit price", false) : null;
  if (takeProfit && known && compareDecimal(takeProfit, known) <= 0) errors.takeProfit = "The take-profit must be above the entry price: it sells at a profit";
  if (stopLoss && known && compareDecimal(stopLoss, known) >= 0) errors.stopLoss = "The stop-loss must be below the entry price: it sells when the price falls";
  if (stopLoss && stopLossLimit && compareDecimal(stopLossLimit, stopLoss) > 0) errors.stopLossLimit = "The stop-loss limit price must be at or below its stop price";
  if (takeProfit && stopLoss && !errors.takeProfit && compareDecimal(takeProfit, stopLoss) <= 0) errors.takeProfit = "The take-profit must be above the stop-loss";
  return errors;
}

/** The class's part of placeOrder's input; an OCO pair takes no iceberg or post-only. */
export function classInput(c: ClassValues, ticket: TicketValues): Partial<PlaceOrderInput> {
  if (c.orderClass === OrderClass.Simple) return {};
  if (c.orderClass === OrderClass.Oco) {
    const type = ocoLegType(ticket, c);
    return {
      orderClass: c.orderClass,
      displayQuantity: undefined,
      postOnly: undefined,
      ocoWith: {
        type,
        limitPrice: type === OrderType.Stop ? undefined : c.ocoLimit.trim(),
        stopPrice: type === OrderType.Limit ? undefined : c.ocoStop.trim(),
      },
    };
  }
  return {
    orderClass: c.orderClass,
    takeProfit: hasTakeProfit(c) ? { limitPrice: c.takeProfit.trim() } : undefined,
    stopLoss: hasStopLoss(c) ? { stopPrice: c.stopLoss.trim(), limitPrice: c.stopLossLimit.trim() || undefined } : undefined,
  };
}

/** One line for the confirmation: what else the order brings with it. */
export function classSummary(c: ClassValues, ticket: TicketValues): string | null {
  if (c.orderClass === OrderClass.Simple) return null;
  if (c.orderClass === OrderClass.Oco) {
    const type = ocoLegType(ticket, c);
    const leg = type === OrderType.Limit ? `a limit at ${c.ocoLimit.trim()}` : type === OrderType.Stop ? `a stop at ${c.ocoStop.trim()}` : `a stop at ${c.ocoStop.trim()} limit ${c.ocoLimit.trim()}`;
    return `One cancels the other: with ${leg}; the first to fill or trigger cancels the other.`;
  }
  const exits = [hasTakeProfit(c) ? `take profit at ${c.takeProfit.trim()}` : null, hasStopLoss(c) ? `stop loss at ${c.stopLoss.trim()}${c.stopLossLimit.trim() ? ` limit ${c.stopLossLimit.trim()}` : ""}` : null].filter(Boolean);
  return `${c.orderClass === OrderClass.Bracket ? "Bracket" : "Then"}: ${exits.join(" and ")}, sized to what fills.`;
}
