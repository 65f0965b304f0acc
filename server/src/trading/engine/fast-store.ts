import { crosses, type RestingOrder, type RestingOrders } from "./resting-orders";
import type { DepthLevel, Side } from "./types";

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
 * One side's price levels: a map price -> level (O(1) to find an existing level) and the prices
 * in an array sorted so the best price is last (O(1) to read or drop it). Only opening a new
 * price level pays a binary search and an array insert.
 */
class BookSide {
  readonly levels = new Map<number, Level>();
  /** Sorted worst -> best: ascending for bids, descending for asks. */
  private readonly prices: number[] = [];

  constructor(private readonly side: Side) {}

  /** True when `a` is a better price than `b` on this side. */
  private better(a: number, b: number): boolean {
    return this.side === "BUY" ? a > b : a < b;
  }

  levelFor(price: number): Level {
    let level = this.levels.get(price);
    if (level) return level;
    level = { price, head: null, tail: null, quantity: 0, count: 0 };
    this.levels.set(price, level);
    let low = 0;
    let high = this.prices.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.better(this.prices[mid], price)) high = mid;
      else low = mid + 1;
    }
    this.prices.splice(low, 0, price);
    return level;
  }

  dropLevel(level: Level): void {
    this.levels.delete(level.price);
    const last = this.prices.length - 1;
    // The best level empties most often (fills): that is the array's end.
    if (this.prices[last] === level.price) this.prices.pop();
    else this.prices.splice(this.indexOf(level.price), 1);
  }

  bestLevel(): Level | undefined {
    const price = this.prices[this.prices.length - 1];
    return price === undefined ? undefined : this.levels.get(price);
  }

  /** Levels from the best outward. */
  *fromBest(): Generator<Level> {
    for (let i = this.prices.length - 1; i >= 0; i--) yield this.levels.get(this.prices[i])!;
  }

  private indexOf(price: number): number {
    let low = 0;
    let high = this.prices.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (this.prices[mid] === price) return mid;
      if (this.better(this.prices[mid], price)) high = mid - 1;
      else low = mid + 1;
    }
    throw new Error(`price ${price} not in the book`);
  }
}

/** The fast store: O(1) add at an existing price, O(1) cancel, O(1) fill. */
export class FastStore implements RestingOrders {
  private readonly orders = new Map<number, Node>();
  private readonly sides = { BUY: new BookSide("BUY"), SELL: new BookSide("SELL") };

  add(order: RestingOrder): void {
    const level = this.sides[order.side].levelFor(order.price);
    // A literal of one fixed shape, not a spread: this runs for every order that rests.
    const node: Node = {
      id: order.id,
      account: order.account,
      side: order.side,
      price: order.price,
      remaining: order.remaining,
      visible: order.visible,
      display: order.display,
      tif: order.tif,
      expiresAt: order.expiresAt,
      postOnly: order.postOnly,
      arrival: order.arrival,
      prev: level.tail,
      next: null,
      level,
    };
    if (level.tail) level.tail.next = node;
    else level.head = node;
    level.tail = node;
    level.quantity += order.visible;
    level.count++;
    this.orders.set(order.id, node);
  }

  get(id: number): RestingOrder | undefined {
    return this.orders.get(id);
  }

  remove(order: RestingOrder): void {
    // By id: callers may hold a copy (from all()), never trust it to be the live node.
    const node = this.orders.get(order.id);
    if (!node) return;
    const level = node.level;
    if (node.prev) node.prev.next = node.next;
    else level.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else level.tail = node.prev;
    level.quantity -= node.visible;
    level.count--;
    this.orders.delete(node.id);
    if (level.count === 0) this.sides[node.side].dropLevel(level);
  }

  reduce(order: RestingOrder, quantity: number, visible: number): void {
    const node = this.orders.get(order.id)!;
    node.remaining -= quantity;
    node.visible -= visible;
    node.level.quantity -= visible;
  }

  best(side: Side): RestingOrder | undefined {
    return this.sides[side].bestLevel()?.head ?? undefined;
  }

  available(side: Side, limit: number | null, account: number, enough: number): number {
    const incoming: Side = side === "BUY" ? "SELL" : "BUY";
    let total = 0;
    for (const level of this.sides[side].fromBest()) {
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
    for (const level of this.sides[side].fromBest()) {
      if (result.length === levels) break;
      result.push({ price: level.price, quantity: level.quantity, orderCount: level.count });
    }
    return result;
  }

  all(): RestingOrder[] {
    return [...this.orders.values()].map(({ prev: _p, next: _n, level: _l, ...order }) => order).sort((a, b) => a.arrival - b.arrival);
  }
}
