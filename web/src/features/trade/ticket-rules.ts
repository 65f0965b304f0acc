import { compareDecimal, isDecimal, isMultipleOf } from "../../lib/decimal";
import { OrderType, type PlaceOrderInput, TimeInForce } from "../../gql/graphql";

export interface TicketValues {
  type: OrderType;
  timeInForce: TimeInForce;
  quantity: string;
  limitPrice: string;
  stopPrice: string;
  /** TRAILING_STOP: the trail, in price units or in percent. */
  trailBy: "amount" | "percent";
  trail: string;
  /** GTD: a local date and time as the datetime-local input gives it ("2026-12-01T16:00"). */
  expiresAt: string;
  postOnly: boolean;
  /** Iceberg: the part shown in the book; empty shows all. */
  displayQuantity: string;
}

export const EMPTY_TICKET: TicketValues = {
  type: OrderType.Limit,
  timeInForce: TimeInForce.Gtc,
  quantity: "",
  limitPrice: "",
  stopPrice: "",
  trailBy: "amount",
  trail: "",
  expiresAt: "",
  postOnly: false,
  displayQuantity: "",
};

export interface Steps {
  tickSize: string;
  lotSize: string;
}

export type TicketErrors = Partial<Record<keyof TicketValues, string>>;

export const needsLimitPrice = (type: OrderType) => type === OrderType.Limit || type === OrderType.StopLimit;
export const needsStopPrice = (type: OrderType) => type === OrderType.Stop || type === OrderType.StopLimit;
export const needsTrail = (type: OrderType) => type === OrderType.TrailingStop;
/** Post-only and iceberg are for limit orders that may rest in the book. */
export const mayRest = (values: Pick<TicketValues, "type" | "timeInForce">) =>
  values.type === OrderType.Limit && values.timeInForce !== TimeInForce.Ioc && values.timeInForce !== TimeInForce.Fok;

/**
 * The checks the server makes at its edge (server/src/trading/order-validation.ts), made before
 * sending so the trader sees them at once: quantity on the lot, prices on the tick, prices only
 * where the order type takes them, no market order resting, a GTD expiry in the future. Exact
 * decimal arithmetic: 0.3 is a multiple of 0.1 here, as it is on the server.
 */
export function validateTicket(values: TicketValues, steps: Steps, now: Date = new Date()): TicketErrors {
  const errors: TicketErrors = {};
  const quantity = values.quantity.trim();
  if (!quantity) errors.quantity = "Enter a quantity";
  else if (!isDecimal(quantity)) errors.quantity = "Quantity must be a number such as 10 or 0.5";
  else if (compareDecimal(quantity, "0") <= 0) errors.quantity = "Quantity must be greater than zero";
  else if (!isMultipleOf(quantity, steps.lotSize)) errors.quantity = `Quantity must be a multiple of the lot size ${steps.lotSize}`;

  const price = (field: "limitPrice" | "stopPrice", label: string) => {
    const value = values[field].trim();
    if (!value) errors[field] = `Enter a ${label}`;
    else if (!isDecimal(value)) errors[field] = `The ${label} must be a number`;
    else if (compareDecimal(value, "0") <= 0) errors[field] = `The ${label} must be greater than zero`;
    else if (!isMultipleOf(value, steps.tickSize)) errors[field] = `The ${label} must be on the tick size ${steps.tickSize}`;
  };
  if (needsLimitPrice(values.type)) price("limitPrice", "limit price");
  if (needsStopPrice(values.type)) price("stopPrice", "stop price");
  if (needsTrail(values.type)) {
    const trail = values.trail.trim();
    if (!trail) errors.trail = "Enter the trail";
    else if (!isDecimal(trail) || compareDecimal(trail, "0") <= 0) errors.trail = "The trail must be a number greater than zero";
    else if (values.trailBy === "amount" && !isMultipleOf(trail, steps.tickSize)) errors.trail = `The trail must be on the tick size ${steps.tickSize}`;
    else if (values.trailBy === "percent" && (compareDecimal(trail, "100") >= 0 || !isMultipleOf(trail, "0.01"))) errors.trail = "The trail percent must be below 100, to 0.01";
  }
  if (values.type === OrderType.Market && (values.timeInForce === TimeInForce.Day || values.timeInForce === TimeInForce.Gtd)) {
    errors.timeInForce = "A market order cannot rest: use IOC, FOK or GTC";
  }
  if (values.timeInForce === TimeInForce.Gtd) {
    const at = values.expiresAt ? new Date(values.expiresAt) : null;
    if (!at || Number.isNaN(at.getTime())) errors.expiresAt = "Choose when the order expires";
    else if (at.getTime() <= now.getTime()) errors.expiresAt = "The expiry must be in the future";
  }
  const display = values.displayQuantity.trim();
  if (display && mayRest(values)) {
    if (!isDecimal(display) || compareDecimal(display, "0") <= 0) errors.displayQuantity = "The shown quantity must be a number greater than zero";
    else if (!isMultipleOf(display, steps.lotSize)) errors.displayQuantity = `The shown quantity must be a multiple of the lot size ${steps.lotSize}`;
    else if (isDecimal(quantity) && compareDecimal(display, quantity) > 0) errors.displayQuantity = "The shown quantity cannot be more than the quantity";
  }
  return errors;
}

/** Time-in-force choices that make sense for the type (a market order never rests). */
export function timeInForceChoices(type: OrderType): TimeInForce[] {
  return type === OrderType.Market ? [TimeInForce.Ioc, TimeInForce.Fok, TimeInForce.Gtc] : [TimeInForce.Gtc, TimeInForce.Day, TimeInForce.Gtd, TimeInForce.Ioc, TimeInForce.Fok];
}

/** The ticket as the API takes it: only the fields the type and time in force use. */
export function orderInput(values: TicketValues, base: Pick<PlaceOrderInput, "portfolioId" | "symbol" | "side" | "clientOrderId">): PlaceOrderInput {
  const trail = values.trail.trim();
  const rests = mayRest(values);
  return {
    ...base,
    type: values.type,
    timeInForce: values.timeInForce,
    quantity: values.quantity.trim(),
    limitPrice: needsLimitPrice(values.type) ? values.limitPrice.trim() : undefined,
    stopPrice: needsStopPrice(values.type) ? values.stopPrice.trim() : undefined,
    trailAmount: needsTrail(values.type) && values.trailBy === "amount" ? trail : undefined,
    trailPercent: needsTrail(values.type) && values.trailBy === "percent" ? trail : undefined,
    expiresAt: values.timeInForce === TimeInForce.Gtd ? new Date(values.expiresAt).toISOString() : undefined,
    postOnly: rests && values.postOnly ? true : undefined,
    displayQuantity: rests && values.displayQuantity.trim() ? values.displayQuantity.trim() : undefined,
  };
}
