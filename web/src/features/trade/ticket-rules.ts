import { compareDecimal, isDecimal, isMultipleOf } from "../../lib/decimal";
import { OrderType, TimeInForce } from "../../gql/graphql";

export interface TicketValues {
  type: OrderType;
  timeInForce: TimeInForce;
  quantity: string;
  limitPrice: string;
  stopPrice: string;
}

export interface Steps {
  tickSize: string;
  lotSize: string;
}

export type TicketErrors = Partial<Record<keyof TicketValues, string>>;

export const needsLimitPrice = (type: OrderType) => type === OrderType.Limit || type === OrderType.StopLimit;
export const needsStopPrice = (type: OrderType) => type === OrderType.Stop || type === OrderType.StopLimit;

/**
 * The checks the server makes at its edge (server/src/trading/order-validation.ts), made before
 * sending so the trader sees them at once: quantity on the lot, prices on the tick, prices only
 * where the order type takes them, no market order resting for the day. Exact decimal
 * arithmetic: 0.3 is a multiple of 0.1 here, as it is on the server.
 */
export function validateTicket(values: TicketValues, steps: Steps): TicketErrors {
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
  if (values.type === OrderType.Market && values.timeInForce === TimeInForce.Day) {
    errors.timeInForce = "A market order cannot rest for the day: use IOC, FOK or GTC";
  }
  return errors;
}

/** Time-in-force choices that make sense for the type (a market order never rests for the day). */
export function timeInForceChoices(type: OrderType): TimeInForce[] {
  return type === OrderType.Market ? [TimeInForce.Ioc, TimeInForce.Fok, TimeInForce.Gtc] : [TimeInForce.Gtc, TimeInForce.Day, TimeInForce.Ioc, TimeInForce.Fok];
}
