/*
 * The matching engine's language. Everything is an integer: prices in ticks, quantities in lots,
 * ids and accounts as numbers. Time never enters the engine: what depends on time (DAY expiry)
 * arrives as a command.
 */

export type Side = "BUY" | "SELL";
export type OrderKind = "MARKET" | "LIMIT" | "STOP" | "STOP_LIMIT" | "TRAILING_STOP";
export type TimeInForce = "GTC" | "IOC" | "FOK" | "DAY" | "GTD";

export interface SubmitCommand {
  type: "submit";
  /** Unique per book; the gateway assigns it. */
  id: number;
  /** Orders of one account never trade with each other (self-trade prevention). */
  account: number;
  side: Side;
  kind: OrderKind;
  tif: TimeInForce;
  /** Lots, > 0. */
  quantity: number;
  /** Ticks: the limit of LIMIT and STOP_LIMIT orders. */
  price?: number;
  /** Ticks: the trigger of STOP and STOP_LIMIT orders. */
  stopPrice?: number;
  /**
   * Ticks: a MARKET order (or a STOP once triggered) fills no worse than this and, as always,
   * never rests. The gateway sets it from the reference price, so a market buy can be
   * reserved against a known worst price.
   */
  protection?: number;
  /** LIMIT only: never takes liquidity; one that would is cancelled untouched (POST_ONLY). */
  postOnly?: boolean;
  /** LIMIT only, iceberg: lots shown in the book at a time; the rest is hidden. */
  display?: number;
  /** GTD only: an integer instant (the gateway uses epoch milliseconds); see ExpireCommand. */
  expiresAt?: number;
  /** TRAILING_STOP: the trail in ticks, or ... */
  trailAmount?: number;
  /** ... in basis points of the mark (500 = 5%). Exactly one of the two. */
  trailBps?: number;
  /**
   * TRAILING_STOP: where the mark starts when the book has no trade yet (the reference
   * price, in ticks). With a last trade, the mark starts there.
   */
  mark?: number;
}

/**
 * Changes an open order in place, keeping its id. `quantity` is the new remaining quantity in
 * lots (the caller subtracts what filled); 0 closes the order (cancelled, USER). A lower
 * quantity keeps the order's place; a new price or a higher quantity loses it (a fresh
 * arrival, matched like a new order).
 */
export interface AmendCommand {
  type: "amend";
  id: number;
  quantity: number;
  price?: number;
  stopPrice?: number;
  /** A STOP's or TRAILING_STOP's worst fill price once triggered, moved with its stop price. */
  protection?: number;
  trailAmount?: number;
  trailBps?: number;
}

/** Time passed `now` (same units as expiresAt): GTD orders whose time has come expire. */
export interface ExpireCommand {
  type: "expire";
  now: number;
}

export interface CancelCommand {
  type: "cancel";
  id: number;
}

/** The trading day closed: DAY orders, resting or waiting for their trigger, expire. */
export interface ExpireDayCommand {
  type: "expireDay";
}

/**
 * Stops wait without triggering while `suspended` (the instrument's market data is stale: a
 * trade then is no price to act on). Trailing marks still follow trades. Once lifted, stops
 * trigger again from the first trade that prints after it: never on a trade printed while
 * suspended. No event.
 */
export interface TriggersCommand {
  type: "triggers";
  suspended: boolean;
}

export type Command = SubmitCommand | CancelCommand | ExpireDayCommand | AmendCommand | ExpireCommand | TriggersCommand;

export type CancelReason =
  | "USER"
  /** IOC: what did not fill at once. */
  | "IOC_REMAINDER"
  /** A market order never rests: what the book could not fill. */
  | "NO_LIQUIDITY"
  /** FOK: the book could not fill it all at once, so nothing filled. */
  | "FOK_UNFILLABLE"
  /** A resting order the same account's incoming order would have traded with. */
  | "SELF_TRADE"
  /** A post-only order that would have taken liquidity: nothing traded. */
  | "POST_ONLY";

export type RejectReason = "DUPLICATE_ID" | "INVALID_ORDER" | "UNKNOWN_ORDER";

interface Sequenced {
  /** Per book, increasing by one per event: the order of events is the order of truth. */
  seq: number;
}

export type EngineEvent = Sequenced &
  (
    | { type: "accepted"; id: number; pendingTrigger: boolean; mark?: number }
    /** An amend took effect; `requeued`: the order lost its place (new arrival). */
    | { type: "amended"; id: number; remaining: number; requeued: boolean }
    /** An iceberg's shown part filled: the next part (`visible` lots) queues at the back. */
    | { type: "replenished"; id: number; visible: number }
    | { type: "triggered"; id: number }
    | {
        type: "fill";
        takerId: number;
        makerId: number;
        takerSide: Side;
        price: number;
        quantity: number;
        takerRemaining: number;
        makerRemaining: number;
      }
    | { type: "cancelled"; id: number; reason: CancelReason; remaining: number }
    | { type: "expired"; id: number; remaining: number }
    | { type: "rejected"; id: number; reason: RejectReason }
  );

export interface DepthLevel {
  price: number;
  quantity: number;
  orderCount: number;
}

export interface Depth {
  bids: DepthLevel[];
  asks: DepthLevel[];
}

/**
 * An open order as recovery finds it: resting orders carry what remains as `quantity`, an
 * iceberg what it shows now as `visible`, a trailing stop its high- (sell) or low- (buy) water
 * mark as `mark`.
 */
export type RestoredOrder = Omit<SubmitCommand, "type"> & { visible?: number };

/** What both book implementations offer; they must emit identical events for identical commands. */
export interface OrderBook {
  apply(command: Command): EngineEvent[];
  depth(levels: number): Depth;
  readonly lastTradePrice: number | null;
  readonly sequence: number;
  /** Resting and waiting orders, for recovery checks: id -> remaining lots. */
  openOrders(): Map<number, number>;
  /** A waiting trailing stop's stop price now (ticks), or undefined. */
  trailingStopPrice(id: number): number | undefined;
  /** A waiting trailing stop's mark now (the highest trade for a sell, the lowest for a buy), or undefined. */
  trailingMark(id: number): number | undefined;
  /** Rebuilds an empty book from what was open, in priority order. */
  restore(open: RestoredOrder[], state: { sequence: number; lastTradePrice: number | null }): void;
}
