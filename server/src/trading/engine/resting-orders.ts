import type { DepthLevel, Side, SubmitCommand, TimeInForce } from "./types";

/** An order in the book: a limit order resting at its price. */
export interface RestingOrder {
  id: number;
  account: number;
  side: Side;
  price: number;
  /** Lots left, shown and hidden. */
  remaining: number;
  /** Lots shown in the book: `remaining` but for an iceberg. Depth sums these only. */
  visible: number;
  /** Iceberg: lots shown at a time. */
  display?: number;
  tif: TimeInForce;
  /** GTD: the instant it expires. */
  expiresAt?: number;
  postOnly?: boolean;
  /** Arrival in the book; earlier wins at equal price. */
  arrival: number;
}

/**
 * Storage of resting orders with price-time priority. The matching engine does the rest; two
 * stores exist: a plain one that is obviously right, and a fast one (O(log levels) add, O(1)
 * cancel and fill).
 */
export interface RestingOrders {
  /** Rests a LIMIT order with `remaining` lots, `visible` of them shown, as arrival `arrival`. */
  add(order: SubmitCommand, remaining: number, visible: number, arrival: number): void;
  get(id: number): RestingOrder | undefined;
  /** Removes a resting order (cancelled, expired or filled): `order` as get() or best() gave it, still resting. */
  remove(order: RestingOrder): void;
  /** Lowers a resting order's remaining quantity (a partial fill, an amend down) and what it shows by `visible`; `order` as for remove. */
  reduce(order: RestingOrder, quantity: number, visible: number): void;
  /** An iceberg's shown part filled: it keeps `remaining`, shows `visible` and queues at the back of its price as `arrival`; `order` as for remove. */
  replenish(order: RestingOrder, remaining: number, visible: number, arrival: number): void;
  /** The order with priority on `side`: best price, then earliest arrival. */
  best(side: Side): RestingOrder | undefined;
  /**
   * Quantity on `side` that an incoming order limited at `limit` (null: any price) could
   * trade with, ignoring `account`'s own orders, stopping once `enough` is reached.
   */
  available(side: Side, limit: number | null, account: number, enough: number): number;
  depth(side: Side, levels: number): DepthLevel[];
  all(): RestingOrder[];
}

/** Does a resting price satisfy an incoming order's limit? */
export function crosses(incoming: Side, limit: number | null, restingPrice: number): boolean {
  if (limit === null) return true;
  return incoming === "BUY" ? restingPrice <= limit : restingPrice >= limit;
}
