import { AppError, badUserInput } from "../infra/errors";
import { type Fixed, formatFixed, isMultipleOf, parseFixed, ZERO } from "../infra/fixed";
import type { Instrument } from "../market";
import type { AmendOrderInput, PlaceOrderInput } from "./trading.types";
import { type OrderRow, OrderType, TimeInForce } from "./trading.entities";

/** More lots than this in one order is a typo or an attack; it also keeps lots a safe integer. */
const MAX_LOTS = 1_000_000_000_000;

export interface InstrumentSteps {
  symbol: string;
  tick: Fixed;
  lot: Fixed;
}

export interface ValidatedOrder {
  side: "BUY" | "SELL";
  type: OrderType;
  tif: TimeInForce;
  quantity: Fixed;
  lots: number;
  limitPrice: Fixed | null;
  stopPrice: Fixed | null;
  clientOrderId: string | null;
  postOnly?: boolean;
  /** Iceberg: lots shown at a time. */
  displayLots?: number;
  /** GTD only: when it expires. */
  expiresAt?: Date;
  /** TRAILING_STOP: the trail in price units (on the tick), or ... */
  trailAmount?: Fixed;
  /** ... in percent of the mark, to 0.01. Exactly one of the two. */
  trailPercent?: Fixed;
}

/** A trail as the engine takes it: ticks, or basis points of the mark. */
export const trailForEngine = (order: Pick<ValidatedOrder, "trailAmount" | "trailPercent">, steps: InstrumentSteps) => ({
  trailAmount: order.trailAmount === undefined ? undefined : toTicks(order.trailAmount, steps),
  trailBps: order.trailPercent === undefined ? undefined : Number(order.trailPercent / HUNDREDTH),
});

export const stepsOf = (instrument: Instrument): InstrumentSteps => ({
  symbol: instrument.symbol,
  tick: parseFixed(instrument.tickSize),
  lot: parseFixed(instrument.lotSize),
});

/** Ticks and lots as the engine's integers; the values were checked to be whole multiples. */
export const toTicks = (price: Fixed, steps: InstrumentSteps): number => Number(price / steps.tick);
export const toLots = (quantity: Fixed, steps: InstrumentSteps): number => Number(quantity / steps.lot);
export const fromTicks = (ticks: number, steps: InstrumentSteps): Fixed => BigInt(ticks) * steps.tick;
export const fromLots = (lots: number, steps: InstrumentSteps): Fixed => BigInt(lots) * steps.lot;

/**
 * The edge: the order's shape, prices on the tick, quantity on the lot. Everything wrong here is
 * the caller's to fix (BAD_USER_INPUT, naming the field); risk is checked later.
 */
export function validateOrder(input: PlaceOrderInput, steps: InstrumentSteps, now: Date): ValidatedOrder {
  const tif = input.timeInForce ?? TimeInForce.GTC;
  const quantity = parseFixed(input.quantity);
  if (quantity <= ZERO) throw badUserInput("quantity must be greater than zero", "quantity");
  if (!isMultipleOf(quantity, steps.lot)) throw badUserInput(`quantity must be a multiple of the lot size ${formatFixed(steps.lot)}`, "quantity");
  const lots = Number(quantity / steps.lot);
  if (lots > MAX_LOTS) throw badUserInput("quantity is too large", "quantity");
  const needsLimit = input.type === OrderType.LIMIT || input.type === OrderType.STOP_LIMIT;
  const needsStop = input.type === OrderType.STOP || input.type === OrderType.STOP_LIMIT;
  const limitPrice = price(input.limitPrice, "limitPrice", needsLimit, input.type, steps);
  const stopPrice = price(input.stopPrice, "stopPrice", needsStop, input.type, steps);
  if (input.type === OrderType.MARKET && (tif === TimeInForce.DAY || tif === TimeInForce.GTD)) throw badUserInput("A market order cannot rest", "timeInForce");
  const expiresAt = input.expiresAt ?? null;
  if ((tif === TimeInForce.GTD) !== (expiresAt !== null)) throw badUserInput("expiresAt goes with GTD, and GTD needs expiresAt", "expiresAt");
  if (expiresAt !== null && !(expiresAt.getTime() > now.getTime())) throw badUserInput("expiresAt must be in the future", "expiresAt");
  const clientOrderId = input.clientOrderId?.trim() || null;
  if (clientOrderId !== null && !/^[A-Za-z0-9._:-]{1,64}$/.test(clientOrderId)) {
    throw badUserInput("clientOrderId must be 1 to 64 letters, digits or . _ : -", "clientOrderId");
  }
  const resting = input.type === OrderType.LIMIT && tif !== TimeInForce.IOC && tif !== TimeInForce.FOK;
  if (input.postOnly && !resting) throw badUserInput("Post-only is for limit orders that may rest (GTC or DAY)", "postOnly");
  let displayLots: number | undefined;
  if (input.displayQuantity !== null && input.displayQuantity !== undefined) {
    if (!resting) throw badUserInput("A display quantity (iceberg) is for limit orders that may rest (GTC or DAY)", "displayQuantity");
    const display = parseFixed(input.displayQuantity);
    if (display <= ZERO || display > quantity) throw badUserInput("The display quantity must be more than zero and at most the quantity", "displayQuantity");
    if (!isMultipleOf(display, steps.lot)) throw badUserInput(`The display quantity must be a multiple of the lot size ${formatFixed(steps.lot)}`, "displayQuantity");
    displayLots = Number(display / steps.lot);
  }
  const trail = trailOf(input, input.type === OrderType.TRAILING_STOP, steps);
  return { side: input.side, type: input.type, tif, quantity, lots, limitPrice, stopPrice, clientOrderId, postOnly: input.postOnly === true, displayLots, ...trail, ...(expiresAt === null ? {} : { expiresAt }) };
}

const HUNDREDTH = parseFixed("0.01");

/** A trailing stop's trail: exactly one of an amount on the tick or a percent to 0.01, below 100. */
function trailOf(input: { trailAmount?: string | null; trailPercent?: string | null }, required: boolean, steps: InstrumentSteps): Pick<ValidatedOrder, "trailAmount" | "trailPercent"> {
  const amount = input.trailAmount ?? null;
  const percent = input.trailPercent ?? null;
  if (!required) {
    if (amount !== null || percent !== null) throw badUserInput("Only a TRAILING_STOP order takes a trail", amount !== null ? "trailAmount" : "trailPercent");
    return {};
  }
  if ((amount === null) === (percent === null)) throw badUserInput("A TRAILING_STOP order needs trailAmount or trailPercent (one of the two)", "trailAmount");
  if (amount !== null) {
    const value = parseFixed(amount);
    if (value <= ZERO) throw badUserInput("trailAmount must be greater than zero", "trailAmount");
    if (!isMultipleOf(value, steps.tick)) throw badUserInput(`trailAmount must be on the tick size ${formatFixed(steps.tick)}`, "trailAmount");
    return { trailAmount: value };
  }
  const value = parseFixed(percent!);
  if (value <= ZERO || value >= parseFixed("100")) throw badUserInput("trailPercent must be more than 0 and less than 100", "trailPercent");
  if (!isMultipleOf(value, HUNDREDTH)) throw badUserInput("trailPercent must be a multiple of 0.01", "trailPercent");
  return { trailPercent: value };
}

function price(raw: string | null | undefined, field: string, required: boolean, type: OrderType, steps: InstrumentSteps): Fixed | null {
  if (raw === null || raw === undefined) {
    if (required) throw badUserInput(`A ${type} order needs ${field}`, field);
    return null;
  }
  if (!required) throw badUserInput(`A ${type} order takes no ${field}`, field);
  const value = parseFixed(raw);
  if (value <= ZERO) throw badUserInput(`${field} must be greater than zero`, field);
  if (!isMultipleOf(value, steps.tick)) throw badUserInput(`${field} must be on the tick size ${formatFixed(steps.tick)}`, field);
  return value;
}

/** What an amend changes, checked at the edge; null leaves a field as it is. */
export interface Amendment {
  /** The new total quantity, filled part included (the sequencer checks it against what has filled). */
  quantity: Fixed | null;
  limitPrice: Fixed | null;
  stopPrice: Fixed | null;
  /** TRAILING_STOP: a new trail (one of the two), or none. */
  trail: Pick<ValidatedOrder, "trailAmount" | "trailPercent"> | null;
}

/**
 * The edge of amendOrder: each field on its step and allowed for the order's type. What depends
 * on the order's state when the amend's turn comes (filled quantity, a stop already triggered)
 * is the sequencer's to judge.
 */
export function validateAmendment(input: AmendOrderInput, row: OrderRow, steps: InstrumentSteps): Amendment {
  const trailGiven = (input.trailAmount ?? null) !== null || (input.trailPercent ?? null) !== null;
  const trail = trailGiven ? trailOf(input, row.type === OrderType.TRAILING_STOP, steps) : null;
  let quantity: Fixed | null = null;
  if (input.quantity !== null && input.quantity !== undefined) {
    quantity = parseFixed(input.quantity);
    if (quantity < ZERO) throw badUserInput("quantity must not be negative", "quantity");
    if (!isMultipleOf(quantity, steps.lot)) throw badUserInput(`quantity must be a multiple of the lot size ${formatFixed(steps.lot)}`, "quantity");
    if (Number(quantity / steps.lot) > MAX_LOTS) throw badUserInput("quantity is too large", "quantity");
  }
  const hasLimit = row.type === OrderType.LIMIT || row.type === OrderType.STOP_LIMIT;
  const hasStop = row.type === OrderType.STOP || row.type === OrderType.STOP_LIMIT;
  const limitPrice = input.limitPrice === null || input.limitPrice === undefined ? null : price(input.limitPrice, "limitPrice", hasLimit, row.type, steps);
  const stopPrice = input.stopPrice === null || input.stopPrice === undefined ? null : price(input.stopPrice, "stopPrice", hasStop, row.type, steps);
  if (quantity === null && limitPrice === null && stopPrice === null && trail === null) throw badUserInput("Nothing to amend: give a quantity, a price or a trail", "quantity");
  return { quantity, limitPrice, stopPrice, trail };
}

/** The order as it would stand after the amend, for pricing its risk at the gateway. */
export function amendedShape(row: OrderRow, amendment: Amendment, steps: InstrumentSteps): ValidatedOrder {
  const quantity = amendment.quantity ?? parseFixed(row.quantity);
  return {
    side: row.side,
    type: row.type,
    tif: row.timeInForce,
    quantity,
    lots: toLots(quantity, steps),
    limitPrice: amendment.limitPrice ?? (row.limitPrice === null ? null : parseFixed(row.limitPrice)),
    stopPrice: amendment.stopPrice ?? (row.stopPrice === null ? null : parseFixed(row.stopPrice)),
    clientOrderId: null,
    ...(amendment.trail ?? { trailAmount: optionalFixed(row.trailAmount), trailPercent: optionalFixed(row.trailPercent) }),
  };
}

const optionalFixed = (value: string | null) => (value === null ? undefined : parseFixed(value));

export const riskRejected = (reason: string, message: string) => new AppError("RISK_REJECTED", message, { reason });
