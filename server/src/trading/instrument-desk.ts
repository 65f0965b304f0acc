import type { EntityManager } from "typeorm";
import { parseFixed } from "../infra/fixed";
import { createOrderBook, type OrderBook, type RestoredOrder } from "./engine";
import { type InstrumentSteps, toLots, toTicks } from "./order-validation";
import { OrderType } from "./trading.entities";

/**
 * One instrument's book and its single writer: commands run one at a time, in arrival order,
 * each to its commit, so the engine's state and the database never disagree about order.
 */
export class InstrumentDesk {
  book: OrderBook = createOrderBook();
  /** Users as the engine's integer accounts (self-trade prevention compares them). */
  private readonly accounts = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Depth changed since it was last published. */
  dirty = false;

  constructor(readonly steps: InstrumentSteps) {}

  account(userId: string): number {
    let account = this.accounts.get(userId);
    if (account === undefined) this.accounts.set(userId, (account = this.accounts.size + 1));
    return account;
  }

  /** Runs `task` after every task queued before it; a failure does not stop the queue. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => {});
    return result;
  }

  /**
   * Rebuilds the book from committed state: open orders in the order they took their place,
   * the last sequence and the last trade price. Used at start and after a failed commit.
   */
  async recover(manager: EntityManager): Promise<number> {
    const rows: Array<Record<string, string>> = await manager.query(
      `SELECT engine_id, user_id, side, order_type, time_in_force, quantity, filled_quantity, limit_price, stop_price, protection_price
         FROM orders WHERE symbol = $1 AND status IN ('PENDING_TRIGGER', 'NEW', 'PARTIALLY_FILLED')
        ORDER BY queued_seq, engine_id`,
      [this.steps.symbol],
    );
    const [{ seq }] = await manager.query(
      `SELECT GREATEST((SELECT max(last_seq) FROM orders WHERE symbol = $1), (SELECT max(seq) FROM trades WHERE symbol = $1), 0) AS seq`,
      [this.steps.symbol],
    );
    const [last] = await manager.query(`SELECT price FROM trades WHERE symbol = $1 ORDER BY seq DESC LIMIT 1`, [this.steps.symbol]);
    const open: RestoredOrder[] = rows.map((row) => ({
      id: Number(row.engine_id),
      account: this.account(row.user_id),
      side: row.side as "BUY" | "SELL",
      kind: row.order_type as OrderType,
      tif: row.time_in_force as RestoredOrder["tif"],
      quantity: toLots(parseFixed(row.quantity) - parseFixed(row.filled_quantity), this.steps),
      price: row.limit_price && row.order_type !== OrderType.MARKET ? toTicks(parseFixed(row.limit_price), this.steps) : undefined,
      stopPrice: row.stop_price ? toTicks(parseFixed(row.stop_price), this.steps) : undefined,
      protection: row.protection_price && (row.order_type === OrderType.STOP || row.order_type === OrderType.MARKET) ? toTicks(parseFixed(row.protection_price), this.steps) : undefined,
    }));
    this.book = createOrderBook();
    this.book.restore(open, { sequence: Number(seq), lastTradePrice: last ? toTicks(parseFixed(last.price), this.steps) : null });
    this.dirty = true;
    return open.length;
  }
}
