import type { EntityManager } from "typeorm";
import { parseFixed } from "../infra/fixed";
import { createOrderBook, type OrderBook, type RestoredOrder } from "./engine";
import { type Family, recoverFamilies } from "./order-classes";
import { type InstrumentSteps, toLots, toTicks } from "./order-validation";
import { OPEN_STATUSES, OrderRow, OrderType } from "./trading.entities";

/** Orders that carry a protection price into the engine (they fill as market orders). */
const PROTECTED = [OrderType.STOP, OrderType.MARKET, OrderType.TRAILING_STOP];

/**
 * One instrument's book inside the sequencer, with its open orders' rows: the sequencer is the
 * only writer of them, so a fill against a resting order needs no read.
 */
export class InstrumentDesk {
  book: OrderBook = createOrderBook();
  /** Open orders (resting or waiting for a trigger) by engine id, as committed. */
  readonly openOrders = new Map<number, OrderRow>();
  /** The same open orders by order id, for cancels. */
  private readonly byOrderId = new Map<string, OrderRow>();
  /** Order families (OCO, OTO, BRACKET) by each member's order id, and by engine id. */
  readonly families = new Map<string, Family>();
  readonly familiesByEngineId = new Map<number, Family>();
  /** Users as the engine's integer accounts (self-trade prevention compares them). */
  private readonly accounts = new Map<string, number>();

  constructor(readonly steps: InstrumentSteps) {}

  account(userId: string): number {
    let account = this.accounts.get(userId);
    if (account === undefined) this.accounts.set(userId, (account = this.accounts.size + 1));
    return account;
  }

  /** Keeps the open-order rows current after a committed change. */
  track(row: OrderRow): void {
    if (OPEN_STATUSES.includes(row.status)) {
      this.openOrders.set(Number(row.engineId), row);
      this.byOrderId.set(row.id, row);
    } else {
      this.openOrders.delete(Number(row.engineId));
      this.byOrderId.delete(row.id);
    }
  }

  openOrder(orderId: string): OrderRow | undefined {
    return this.byOrderId.get(orderId);
  }

  /**
   * Rebuilds the book from committed state: open orders in the order they took their place,
   * the last sequence and the last trade price. Used at start and after a failed commit.
   */
  async recover(manager: EntityManager): Promise<number> {
    const rows = await manager
      .getRepository(OrderRow)
      .createQueryBuilder("o")
      .where("o.symbol = :symbol AND o.status IN (:...open)", { symbol: this.steps.symbol, open: OPEN_STATUSES })
      .orderBy("o.queued_seq")
      .addOrderBy("o.engine_id")
      .getMany();
    const [{ seq }] = await manager.query(
      `SELECT GREATEST((SELECT max(last_seq) FROM orders WHERE symbol = $1), (SELECT max(seq) FROM trades WHERE symbol = $1), 0) AS seq`,
      [this.steps.symbol],
    );
    const [last] = await manager.query(`SELECT price FROM trades WHERE symbol = $1 ORDER BY seq DESC LIMIT 1`, [this.steps.symbol]);
    // An iceberg shows its display less what makers took from it since it last queued.
    const icebergs = rows.filter((row) => row.displayQuantity !== null).map((row) => row.id);
    const shownTaken = new Map<string, string>();
    if (icebergs.length > 0) {
      const taken: Array<{ order_id: string; taken: string }> = await manager.query(
        `SELECT f.order_id, sum(f.quantity) AS taken FROM fills f JOIN orders o ON o.id = f.order_id
          WHERE f.order_id = ANY($1::uuid[]) AND f.liquidity = 'MAKER' AND f.seq > o.queued_seq GROUP BY f.order_id`,
        [icebergs],
      );
      for (const row of taken) shownTaken.set(row.order_id, row.taken);
    }
    const marks = await this.trailingMarks(manager, rows);
    this.openOrders.clear();
    this.byOrderId.clear();
    const open: RestoredOrder[] = rows.map((row) => {
      this.track(row);
      const remaining = toLots(parseFixed(row.quantity) - parseFixed(row.filledQuantity), this.steps);
      const display = row.displayQuantity === null ? undefined : toLots(parseFixed(row.displayQuantity), this.steps);
      const visible = display === undefined ? undefined : Math.min(display - toLots(parseFixed(shownTaken.get(row.id) ?? "0"), this.steps), remaining);
      return {
        postOnly: row.postOnly || undefined,
        display,
        visible,
        id: Number(row.engineId),
        account: this.account(row.userId),
        side: row.side as "BUY" | "SELL",
        kind: row.type,
        tif: row.timeInForce as RestoredOrder["tif"],
        quantity: remaining,
        price: row.limitPrice && row.type !== OrderType.MARKET ? toTicks(parseFixed(row.limitPrice), this.steps) : undefined,
        stopPrice: row.stopPrice ? toTicks(parseFixed(row.stopPrice), this.steps) : undefined,
        protection: row.protectionPrice && PROTECTED.includes(row.type) ? toTicks(parseFixed(row.protectionPrice), this.steps) : undefined,
        trailAmount: row.trailAmount === null ? undefined : toTicks(parseFixed(row.trailAmount), this.steps),
        trailBps: row.trailPercent === null ? undefined : Number(parseFixed(row.trailPercent) / parseFixed("0.01")),
        mark: marks.get(row.id),
        expiresAt: row.expiresAt ? row.expiresAt.getTime() : undefined,
      };
    });
    await recoverFamilies(this, manager, rows);
    this.book = createOrderBook();
    this.book.restore(open, { sequence: Number(seq), lastTradePrice: last ? toTicks(parseFixed(last.price), this.steps) : null });
    return open.length;
  }

  /**
   * Each waiting trailing stop's mark, in ticks: the mark it took its place with, moved by every
   * trade since (the highest for a sell, the lowest for a buy). Nothing is written per trade.
   */
  private async trailingMarks(manager: EntityManager, rows: OrderRow[]): Promise<Map<string, number>> {
    const trailing = rows.filter((row) => row.type === OrderType.TRAILING_STOP);
    const marks = new Map<string, number>();
    if (trailing.length === 0) return marks;
    const extremes: Array<{ id: string; high: string | null; low: string | null }> = await manager.query(
      `SELECT o.id, max(t.price) AS high, min(t.price) AS low FROM orders o LEFT JOIN trades t ON t.symbol = o.symbol AND t.seq > o.queued_seq
        WHERE o.id = ANY($1::uuid[]) GROUP BY o.id`,
      [trailing.map((row) => row.id)],
    );
    const byId = new Map(extremes.map((row) => [row.id, row]));
    for (const row of trailing) {
      let mark = parseFixed(row.trailMark!);
      const seen = byId.get(row.id);
      const extreme = row.side === "SELL" ? seen?.high : seen?.low;
      if (extreme !== null && extreme !== undefined) {
        const price = parseFixed(extreme);
        if (row.side === "SELL" ? price > mark : price < mark) mark = price;
      }
      marks.set(row.id, toTicks(mark, this.steps));
    }
    return marks;
  }
}

