import { IdMap } from "./id-map";
import { crosses, type RestingOrder, type RestingOrders } from "./resting-orders";
import type { DepthLevel, Side, SubmitCommand } from "./types";

/** An order in its level's queue: an intrusive doubly linked list, so removal is O(1). */
interface Node extends RestingOrder {
  prev: Node | null;
  next: Node | null;
  level: Level;
}

interface Level {
  price: number;
  head: Node | null;
  tail: Node | null;
  quantity: number;
  count: number;
}

/**
 * One side's price levels, in an array sorted so the best is last (O(1) to read it); a price is
 * found by binary search (O(log levels), and no hash map to grow, shrink and rehash as levels
 * come and go). Prices come back all the time, so a level that empties below the best stays
 * where it is, and the next order at its price finds it with no insert or allocation; once the
 * empty ones outnumber the others they are swept out, so the array stays within twice the live
 * levels. The best level is dropped as it empties, with any empty ones behind it: the array's
 * last level always holds orders.
 */
class BookSide {
  /** Sorted worst -> best: ascending prices for bids, descending for asks. */
  private readonly levels: Level[] = [];
  /** Empty levels still in `levels`. */
  private empty = 0;

  constructor(private readonly side: Side) {}

  /** True when `a` is a better price than `b` on this side. */
  private better(a: number, b: number): boolean {
    return this.side === "BUY" ? a > b : a < b;
  }

  /** The level an order joins at `price`. */
  levelFor(price: number): Level {
    // The first level better than `price`: the one before it is at `price`, or `price` goes here.
    let low = 0;
    let high = this.levels.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.better(this.levels[mid].price, price)) high = mid;
      else low = mid + 1;
    }
    const found = low > 0 ? this.levels[low - 1] : undefined;
    if (found && found.price === price) {
      if (found.count === 0) this.empty--;
      return found;
    }
    const level: Level = { price, head: null, tail: null, quantity: 0, count: 0 };
    this.levels.splice(low, 0, level);
    return level;
  }

  /** `level`'s last order left. */
  emptied(level: Level): void {
    if (this.levels[this.levels.length - 1] !== level) {
      this.empty++;
      if (this.empty * 2 > this.levels.length) this.sweep();
      return;
    }
    this.levels.pop();
    while (this.levels.length > 0 && this.levels[this.levels.length - 1].count === 0) {
      this.levels.pop();
      this.empty--;
    }
  }

  bestLevel(): Level | undefined {
    const count = this.levels.length;
    return count === 0 ? undefined : this.levels[count - 1];
  }

  /** Levels holding orders, from the best outward. */
  *fromBest(): Generator<Level> {
    for (let i = this.levels.length - 1; i >= 0; i--) if (this.levels[i].count > 0) yield this.levels[i];
  }

  private sweep(): void {
    let kept = 0;
    for (const level of this.levels) if (level.count > 0) this.levels[kept++] = level;
    this.levels.length = kept;
    this.empty = 0;
  }
}

/** The fast store: O(log levels) add, O(1) cancel, O(1) fill. */
export class FastStore implements RestingOrders {
  private readonly orders = new IdMap<Node>();
  private readonly bids = new BookSide("BUY");
  private readonly asks = new BookSide("SELL");

  add(order: SubmitCommand, remaining: number, visible: number, arrival: number): void {
    const level = this.sideOf(order.side).levelFor(order.price!);
    // A literal of one fixed shape, not a spread: this runs for every order that rests.
    const node: Node = {
      id: order.id,
      account: order.account,
      side: order.side,
      price: order.price!,
      remaining,
      visible,
      display: order.display,
      tif: order.tif,
      expiresAt: order.expiresAt,
      postOnly: order.postOnly,
      arrival,
      prev: null,
      next: null,
      level,
    };
    append(node);
    this.orders.set(node.id, node);
  }

  get(id: number): RestingOrder | undefined {
    return this.orders.get(id);
  }

  remove(order: RestingOrder): void {
    // The live node, as get() and best() hand it out (see RestingOrders): no lookup by id.
    const node = order as Node;
    unlink(node);
    this.orders.delete(node.id);
    if (node.level.count === 0) this.sideOf(node.side).emptied(node.level);
  }

  reduce(order: RestingOrder, quantity: number, visible: number): void {
    const node = order as Node;
    node.remaining -= quantity;
    node.visible -= visible;
    node.level.quantity -= visible;
  }

  replenish(order: RestingOrder, remaining: number, visible: number, arrival: number): void {
    // Its level keeps it (the level never empties), so nothing but the queue changes.
    const node = order as Node;
    unlink(node);
    node.remaining = remaining;
    node.visible = visible;
    node.arrival = arrival;
    append(node);
  }

  best(side: Side): RestingOrder | undefined {
    return this.sideOf(side).bestLevel()?.head ?? undefined;
  }

  available(side: Side, limit: number | null, account: number, enough: number): number {
    const incoming: Side = side === "BUY" ? "SELL" : "BUY";
    let total = 0;
    for (const level of this.sideOf(side).fromBest()) {
      if (!crosses(incoming, limit, level.price)) break;
      for (let node = level.head; node; node = node.next) {
        if (node.account === account) continue;
        total += node.remaining;
        if (total >= enough) return enough;
      }
    }
    return total;
  }

  depth(side: Side, levels: number): DepthLevel[] {
    const result: DepthLevel[] = [];
    for (const level of this.sideOf(side).fromBest()) {
      if (result.length === levels) break;
      result.push({ price: level.price, quantity: level.quantity, orderCount: level.count });
    }
    return result;
  }

  all(): RestingOrder[] {
    return [...this.orders.values()].map(({ prev: _p, next: _n, level: _l, ...order }) => order).sort((a, b) => a.arrival - b.arrival);
  }

  private sideOf(side: Side): BookSide {
    return side === "BUY" ? this.bids : this.asks;
  }
}

/** Queues `node` at the back of its level. */
function append(node: Node): void {
  const level = node.level;
  node.prev = level.tail;
  node.next = null;
  if (level.tail) level.tail.next = node;
  else level.head = node;
  level.tail = node;
  level.quantity += node.visible;
  level.count++;
}

/** Takes `node` out of its level's queue; the level may be left empty. */
function unlink(node: Node): void {
  const level = node.level;
  if (node.prev) node.prev.next = node.next;
  else level.head = node.next;
  if (node.next) node.next.prev = node.prev;
  else level.tail = node.prev;
  level.quantity -= node.visible;
  level.count--;
}
