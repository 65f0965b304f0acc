import { crosses, type RestingOrder, type RestingOrders } from "./resting-orders";
import type { DepthLevel, Side, SubmitCommand } from "./types";

/**
 * The obviously-correct store: one array, sorted on every question. Slow on purpose, and
 * small enough to check by reading; the fast store must behave exactly like it.
 */
export class ReferenceStore implements RestingOrders {
  private orders: RestingOrder[] = [];

  add(order: SubmitCommand, remaining: number, visible: number, arrival: number): void {
    const { id, account, side, price, display, tif, expiresAt, postOnly } = order;
    this.orders.push({ id, account, side, price: price!, remaining, visible, display, tif, expiresAt, postOnly, arrival });
  }

  get(id: number): RestingOrder | undefined {
    return this.orders.find((order) => order.id === id);
  }

  remove(order: RestingOrder): void {
    this.orders = this.orders.filter((other) => other.id !== order.id);
  }

  reduce(order: RestingOrder, quantity: number, visible: number): void {
    const stored = this.get(order.id)!;
    stored.remaining -= quantity;
    stored.visible -= visible;
  }

  replenish(order: RestingOrder, remaining: number, visible: number, arrival: number): void {
    Object.assign(this.get(order.id)!, { remaining, visible, arrival });
  }

  best(side: Side): RestingOrder | undefined {
    return this.sorted(side)[0];
  }

  available(side: Side, limit: number | null, account: number, enough: number): number {
    const total = this.sorted(side)
      .filter((order) => order.account !== account && crosses(side === "BUY" ? "SELL" : "BUY", limit, order.price))
      .reduce((sum, order) => sum + order.remaining, 0);
    return Math.min(total, enough);
  }

  depth(side: Side, levels: number): DepthLevel[] {
    const result: DepthLevel[] = [];
    for (const order of this.sorted(side)) {
      const last = result[result.length - 1];
      if (last && last.price === order.price) {
        last.quantity += order.visible;
        last.orderCount++;
      } else if (result.length < levels) {
        result.push({ price: order.price, quantity: order.visible, orderCount: 1 });
      } else break;
    }
    return result;
  }

  all(): RestingOrder[] {
    return [...this.orders].sort((a, b) => a.arrival - b.arrival);
  }

  /** Price priority (highest bid, lowest ask), then time priority. */
  private sorted(side: Side): RestingOrder[] {
    return this.orders
      .filter((order) => order.side === side)
      .sort((a, b) => (a.price !== b.price ? (side === "BUY" ? b.price - a.price : a.price - b.price) : a.arrival - b.arrival));
  }
}
