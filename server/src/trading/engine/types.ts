/*
 * The matching engine's language. Everything is an integer: prices in ticks, quantities in lots,
 * ids and accounts as numbers. Time never enters the engine: what depends on time (DAY expiry)
 * arrives as a command.
 */

export type Side = "BUY" | "SELL";
export type OrderKind = "MARKET" | "LIMIT" | "STOP" | "STOP_LIMIT";
export type TimeInForce = "GTC" | "IOC" | "FOK" | "DAY";

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
}

export interface CancelCommand {
  type: "cancel";
  id: number;
}

/** The trading day closed: DAY orders, resting or waiting for their trigger, expire. */
export interface ExpireDayCommand {
  type: "expireDay";
}

export type Command = SubmitCommand | CancelCommand | ExpireDayCommand;

export type CancelReason =
  | "USER"
  /** IOC: what did not fill at once. */
  | "IOC_REMAINDER"
  /** A market order never rests: what the book could not fill. */
  | "NO_LIQUIDITY"
  /** FOK: the book could not fill it all at once, so nothing filled. */
  | "FOK_UNFILLABLE"
  /** A resting order the same account's incoming order would have traded with. */
  | "SELF_TRADE";

export type RejectReason = "DUPLICATE_ID" | "INVALID_ORDER" | "UNKNOWN_ORDER";

interface Sequenced {
  /** Per book, increasing by one per event: the order of events is the order of truth. */
  seq: number;
}

export type EngineEvent = Sequenced &
  (
    | { type: "accepted"; id: number; pendingTrigger: boolean }
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

/** An open order as recovery finds it: resting orders carry what remains as `quantity`. */
export type RestoredOrder = Omit<SubmitCommand, "type">;

/** What both book implementations offer; they must emit identical events for identical commands. */
export interface OrderBook {
  apply(command: Command): EngineEvent[];
  depth(levels: number): Depth;
  readonly lastTradePrice: number | null;
  readonly sequence: number;
  /** Resting and waiting orders, for recovery checks: id -> remaining lots. */
  openOrders(): Map<number, number>;
  /** Rebuilds an empty book from what was open, in priority order. */
  restore(open: RestoredOrder[], state: { sequence: number; lastTradePrice: number | null }): void;
}
