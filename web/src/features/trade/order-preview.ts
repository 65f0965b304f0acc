import { OrderSide, OrderType } from "../../gql/graphql";
import { compareDecimal, isDecimal, mulDecimal, sumDecimals, subtractDecimal } from "../../lib/decimal";
import { needsTrail, type TicketValues } from "./ticket-rules";

/**
 * The fee schedule the preview estimates with: the server's default (TRADING_FEES_BPS `*:5/10`,
 * maker/taker in basis points). The API does not publish per-instrument rates, so the preview
 * says "estimated" and takes the taker rate, which no fill exceeds, unless the order is post-only.
 */
export const FEE_BPS = { maker: "5", taker: "10" } as const;

export interface MarketPrices {
  bid?: string | null;
  ask?: string | null;
  last?: string | null;
}

export interface OrderPreview {
  /** The price the estimate is made at, and where it comes from. */
  price: string;
  priceBasis: string;
  notional: string;
  fee: string;
  /** BUY: what it may cost, fee included; SELL: what it may bring in, fee deducted. */
  total: string;
  availableCash: string;
  buyingPowerAfter: string;
}

/**
 * What the order is expected to cost or bring in, at the price it names (a limit, a stop) or,
 * for market and trailing-stop orders, the side of the market it would meet. Exact decimal
 * arithmetic, in the account currency's cents: costs round up, proceeds down, so the estimate
 * is never kinder than the fill. Null when there is no price to estimate from.
 */
export function previewOrder(values: TicketValues, side: OrderSide, market: MarketPrices, availableCash: string): OrderPreview | null {
  const quantity = values.quantity.trim();
  if (!isDecimal(quantity)) return null;
  const meet = side === OrderSide.Buy ? (market.ask ?? market.last) : (market.bid ?? market.last);
  let price: string | null | undefined;
  let priceBasis: string;
  if (values.type === OrderType.Limit || values.type === OrderType.StopLimit) {
    price = values.limitPrice.trim();
    priceBasis = "at your limit price";
  } else if (values.type === OrderType.Stop) {
    price = values.stopPrice.trim();
    priceBasis = "at your stop price";
  } else if (needsTrail(values.type)) {
    price = trailingTrigger(values, side, meet);
    priceBasis = "where the stop starts";
  } else {
    price = meet;
    priceBasis = side === OrderSide.Buy ? "at the best ask" : "at the best bid";
  }
  if (!price || !isDecimal(price)) return null;
  const cashPlaces = 2;
  const buy = side === OrderSide.Buy;
  const notional = mulDecimal(quantity, price, cashPlaces, buy ? "up" : "down");
  const rate = values.postOnly ? FEE_BPS.maker : FEE_BPS.taker;
  const fee = mulDecimal(notional, `0.${rate.padStart(4, "0")}`, cashPlaces, "up");
  const total = buy ? sumDecimals([notional, fee]) : subtractDecimal(notional, fee);
  const buyingPowerAfter = buy ? subtractDecimal(availableCash, total) : sumDecimals([availableCash, total]);
  return { price, priceBasis, notional: fix(notional), fee: fix(fee), total: fix(total), availableCash, buyingPowerAfter: fix(buyingPowerAfter) };
}

/** A trailing stop starts one trail from the market: above it for a buy, below for a sell. */
function trailingTrigger(values: TicketValues, side: OrderSide, meet: string | null | undefined): string | null {
  const trail = values.trail.trim();
  if (!meet || !isDecimal(trail)) return null;
  const distance = values.trailBy === "percent" ? mulDecimal(meet, mulDecimal(trail, "0.01", 6, "down"), 8, "up") : trail;
  const trigger = side === OrderSide.Buy ? sumDecimals([meet, distance]) : subtractDecimal(meet, distance);
  return compareDecimal(trigger, "0") > 0 ? trigger : null;
}

/** Two places, as money is shown. */
const fix = (value: string) => mulDecimal(value, "1", 2, "up");
