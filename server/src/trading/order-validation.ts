import { AppError, badUserInput } from "../infra/errors";
import { type Fixed, formatFixed, isMultipleOf, parseFixed, ZERO } from "../infra/fixed";
import type { Instrument } from "../market";
import type { AmendOrderInput, PlaceOrderInput } from "./trading.types";
import { OrderSide } from "../portfolio";
import { OrderClass, type OrderRow, OrderType, TimeInForce } from "./trading.entities";

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

/** An order's class and the rest of its family, checked at the edge. */
export interface ValidatedClass {
  orderClass: OrderClass;
  /** OCO: the second order, the same side, quantity and time in force as the first. */
  sibling?: ValidatedOrder;
  /** OTO/BRACKET: the exits, as orders on the other side for the whole quantity. */
  takeProfit?: ValidatedOrder;
  stopLoss?: ValidatedOrder;
}

const money = (value: Fixed) => formatFixed(value);

/**
 * The edge of order classes (docs/trading.md, "Order classes"): which fields go with which
 * class, and the family's prices on the right side of each other. `reference` (the last trade)
 * stands for a market entry's price; without one, only the exits are compared.
 */
export function validateClass(input: PlaceOrderInput, order: ValidatedOrder, steps: InstrumentSteps, reference: Fixed | null): ValidatedClass {
  const orderClass = input.orderClass ?? OrderClass.SIMPLE;
  const given = { takeProfit: input.takeProfit ?? null, stopLoss: input.stopLoss ?? null, ocoWith: input.ocoWith ?? null };
  if (orderClass !== OrderClass.OCO && given.ocoWith !== null) throw badUserInput(`ocoWith is for OCO orders, not ${orderClass}`, "ocoWith");
  if ((orderClass === OrderClass.SIMPLE || orderClass === OrderClass.OCO) && (given.takeProfit !== null || given.stopLoss !== null)) {
    throw badUserInput(`takeProfit and stopLoss are for BRACKET and OTO orders, not ${orderClass}`, given.takeProfit !== null ? "takeProfit" : "stopLoss");
  }
  if (orderClass === OrderClass.SIMPLE) return { orderClass };
  if (orderClass === OrderClass.OCO) {
    const leg = given.ocoWith;
    if (leg === null) throw badUserInput("An OCO order needs ocoWith: the second order of the pair", "ocoWith");
    if (order.tif === TimeInForce.IOC || order.tif === TimeInForce.FOK) throw badUserInput("The two orders of an OCO wait for each other: use GTC, DAY or GTD", "timeInForce");
    if (order.displayLots !== undefined || order.postOnly) throw badUserInput("An OCO pair takes no display quantity or post-only", order.displayLots !== undefined ? "displayQuantity" : "postOnly");
    const isStopType = (type: OrderType) => type === OrderType.STOP || type === OrderType.STOP_LIMIT;
    if (!((order.type === OrderType.LIMIT && isStopType(leg.type)) || (isStopType(order.type) && leg.type === OrderType.LIMIT))) {
      throw badUserInput("An OCO pair is one LIMIT order and one STOP or STOP_LIMIT order", "ocoWith.type");
    }
    const sibling = validateOrder(
      { portfolioId: input.portfolioId, symbol: input.symbol, side: input.side, type: leg.type, quantity: input.quantity, limitPrice: leg.limitPrice, stopPrice: leg.stopPrice, timeInForce: order.tif, expiresAt: input.expiresAt },
      steps,
      new Date(0),
    );
    const [limit, stop] = order.type === OrderType.LIMIT ? [order, sibling] : [sibling, order];
    const limitPrice = limit.limitPrice!;
    const stopPrice = stop.stopPrice!;
    if (order.side === "SELL" && !(limitPrice > stopPrice)) {
      throw badUserInput(`A sell OCO sells above the market with its limit and below it with its stop: the limit price ${money(limitPrice)} must be above the stop price ${money(stopPrice)}`, "ocoWith");
    }
    if (order.side === "BUY" && !(limitPrice < stopPrice)) {
      throw badUserInput(`A buy OCO buys below the market with its limit and above it with its stop: the limit price ${money(limitPrice)} must be below the stop price ${money(stopPrice)}`, "ocoWith");
    }
    return { orderClass, sibling };
  }
  // OTO and BRACKET: an entry and its exits.
  if (orderClass === OrderClass.BRACKET && (given.takeProfit === null || given.stopLoss === null)) {
    throw badUserInput("A BRACKET order needs both takeProfit and stopLoss", given.takeProfit === null ? "takeProfit" : "stopLoss");
  }
  if (orderClass === OrderClass.OTO && (given.takeProfit === null) === (given.stopLoss === null)) {
    throw badUserInput("An OTO order has exactly one child: takeProfit or stopLoss", "takeProfit");
  }
  if (order.side !== "BUY") throw badUserInput(`The exits of ${orderClass === OrderClass.BRACKET ? "a BRACKET" : "an OTO"} order sell what its entry buys, and short selling is not allowed: the entry must be a BUY`, "side");
  if (order.type === OrderType.TRAILING_STOP) throw badUserInput(`A TRAILING_STOP cannot be the entry of ${orderClass === OrderClass.BRACKET ? "a BRACKET" : "an OTO"} order`, "type");
  const entryPrice = order.limitPrice ?? order.stopPrice ?? reference;
  const exit = (type: OrderType, limitPrice: string | null | undefined, stopPrice: string | null | undefined, field: string) => {
    try {
      return validateOrder({ portfolioId: input.portfolioId, symbol: input.symbol, side: OrderSide.SELL, type, quantity: input.quantity, limitPrice, stopPrice }, steps, new Date(0));
    } catch (error) {
      if (error instanceof AppError) throw badUserInput(`${field}: ${error.message}`, field);
      throw error;
    }
  };
  const result: ValidatedClass = { orderClass };
  if (given.takeProfit !== null) {
    result.takeProfit = exit(OrderType.LIMIT, given.takeProfit.limitPrice, null, "takeProfit");
    const price = result.takeProfit.limitPrice!;
    if (entryPrice !== null && !(price > entryPrice)) throw badUserInput(`The take-profit ${money(price)} must be above the entry price ${money(entryPrice)}: it sells what the entry bought at a profit`, "takeProfit.limitPrice");
  }
  if (given.stopLoss !== null) {
    const limit = given.stopLoss.limitPrice ?? null;
    result.stopLoss = exit(limit === null ? OrderType.STOP : OrderType.STOP_LIMIT, limit, given.stopLoss.stopPrice, "stopLoss");
    const stop = result.stopLoss.stopPrice!;
    if (entryPrice !== null && !(stop < entryPrice)) throw badUserInput(`The stop-loss ${money(stop)} must be below the entry price ${money(entryPrice)}: it sells what the entry bought when the price falls`, "stopLoss.stopPrice");
    if (result.stopLoss.limitPrice !== null && result.stopLoss.limitPrice > stop) {
      throw badUserInput(`The stop-loss limit price ${money(result.stopLoss.limitPrice)} must be at or below its stop price ${money(stop)}`, "stopLoss.limitPrice");
    }
    if (result.takeProfit && !(result.takeProfit.limitPrice! > stop)) throw badUserInput(`The take-profit ${money(result.takeProfit.limitPrice!)} must be above the stop-loss ${money(stop)}`, "takeProfit.limitPrice");
  }
  return result;
}
