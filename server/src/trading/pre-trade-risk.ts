import { type Fixed, formatFixed, mulFixed, parseFixed, ZERO } from "../infra/fixed";
import type { Fees } from "./order-persistence";
import { riskRejected, type InstrumentSteps, type ValidatedOrder } from "./order-validation";
import { OrderType } from "./trading.entities";

/** The venue's limits, from configuration. */
export interface RiskLimits {
  priceBandBps: number;
  marketProtectionBps: number;
  maxOrderNotional: string;
}

/** What an order may cost at worst, and the price a market order may not fill beyond. */
export interface OrderExposure {
  /** The worst price a market order (or a triggered stop) may fill at. */
  protection: Fixed | null;
  /** What a buy reserves: its worst cost with the highest fee. Zero for a sell. */
  reservedCash: Fixed;
  /** Quantity times the worst price. */
  notional: Fixed;
}

/** What the sequencer knows of the account and the instrument when the order's turn comes. */
export interface AccountView {
  availableCash: Fixed;
  freeQuantity: Fixed;
  tradingDisabled: boolean;
  tradable: boolean;
}

/**
 * Which prices meet the price band. An amend bands only the prices it changes: a resting order
 * whose price the market has since moved away from may still be reduced.
 */
export interface PriceBand {
  limitPrice: boolean;
  stopPrice: boolean;
}

const BAND_BOTH: PriceBand = { limitPrice: true, stopPrice: true };

/**
 * Pre-trade risk, as pure functions: no I/O, no clock, nothing but the arguments. The gateway
 * prices the order against the reference (`exposure`), the sequencer checks it against the
 * account as earlier commands left it (`checkAccount`). Each refusal is RISK_REJECTED with a
 * reason a client can branch on.
 */
export function exposure(order: ValidatedOrder, steps: InstrumentSteps, reference: Fixed | null, limits: RiskLimits, fees: Fees, banded: PriceBand = BAND_BOTH): OrderExposure {
  const base = reference ?? order.limitPrice ?? order.stopPrice;
  if (base === null) throw riskRejected("NO_REFERENCE_PRICE", `No reference price for ${steps.symbol} yet: use a limit order`);
  const band = (price: Fixed, field: string) => {
    const distance = price > base ? price - base : base - price;
    if (distance * 10_000n > base * BigInt(limits.priceBandBps)) {
      throw riskRejected("PRICE_BAND", `${field} ${formatFixed(price)} is more than ${limits.priceBandBps / 100}% from the reference price ${formatFixed(base)}`);
    }
  };
  if (order.limitPrice !== null && banded.limitPrice) band(order.limitPrice, "limitPrice");
  if (order.stopPrice !== null && banded.stopPrice) band(order.stopPrice, "stopPrice");
  // Market orders (and stops, once triggered) fill no worse than this.
  let protection: Fixed | null = null;
  if (order.type === OrderType.MARKET || order.type === OrderType.STOP || order.type === OrderType.TRAILING_STOP) {
    const from = order.type === OrderType.TRAILING_STOP ? trailingTrigger(order, base, steps.symbol) : (order.stopPrice ?? base);
    const offset = (from * BigInt(limits.marketProtectionBps)) / 10_000n;
    const tick = steps.tick;
    protection = order.side === "BUY" ? ((from + offset + tick - 1n) / tick) * tick : maxFixed(tick, ((from - offset) / tick) * tick);
  }
  const worst = order.limitPrice ?? protection!;
  const notional = mulFixed(order.quantity, worst, "up");
  if (notional > parseFixed(limits.maxOrderNotional)) {
    throw riskRejected("MAX_NOTIONAL", `Order value ${formatFixed(notional)} is above the maximum of ${limits.maxOrderNotional}`);
  }
  return { protection, reservedCash: order.side === "BUY" ? buyReservation(notional, fees) : ZERO, notional };
}

/** A buy reserves its worst cost with the highest fee, rounded up: fills can only cost less. */
export function buyReservation(notional: Fixed, fees: Fees): Fixed {
  const feeBps = BigInt(Math.max(fees.makerBps, fees.takerBps));
  return notional + (notional * feeBps + 9_999n) / 10_000n;
}

/**
 * The account's side of the check, in sequence: kill switches, then buying power for a buy or
 * free (unreserved) holdings for a sell. No short selling.
 */
export function checkAccount(order: Pick<ValidatedOrder, "side" | "quantity">, reservedCash: Fixed, account: AccountView, symbol: string): void {
  if (account.tradingDisabled) throw riskRejected("KILL_SWITCH", "Trading is disabled for this account");
  if (!account.tradable) throw riskRejected("TRADING_HALTED", `Trading in ${symbol} is halted`);
  if (order.side === "BUY") {
    if (reservedCash > account.availableCash) {
      throw riskRejected("INSUFFICIENT_BUYING_POWER", `Buying power ${formatFixed(account.availableCash)} is less than the ${formatFixed(reservedCash)} this order may cost`);
    }
  } else if (order.quantity > account.freeQuantity) {
    throw riskRejected("INSUFFICIENT_POSITION", `Only ${formatFixed(account.freeQuantity)} ${symbol} is free to sell; short selling is not allowed`);
  }
}

const maxFixed = (a: Fixed, b: Fixed) => (a > b ? a : b);

/**
 * Where a trailing stop would trigger if the market stood at the reference: the protection is
 * priced from there and fixed at acceptance. A buy's stop only moves down from it as the price
 * falls, so its reservation always covers it; a sell's protection is the floor it sells to.
 */
function trailingTrigger(order: ValidatedOrder, base: Fixed, symbol: string): Fixed {
  const trail = order.trailAmount ?? mulFixed(base, order.trailPercent!, "up") / 100n;
  if (order.side === "SELL" && trail >= base) throw riskRejected("PRICE_BAND", `A trail of ${formatFixed(trail)} is not below the reference price ${formatFixed(base)} of ${symbol}`);
  return order.side === "BUY" ? base + trail : base - trail;
}
