import type { EntityManager } from "typeorm";
import { parseFixed } from "../infra/fixed";
import { createOrderBook, type OrderBook, type RestoredOrder } from "./engine";
import { type InstrumentSteps, toLots, toTicks } from "./order-validation";
import { OPEN_STATUSES, OrderRow, OrderType } from "./trading.entities";

/** The most commands one commit carries: enough to amortise the commit, small enough to keep each transaction short. */
export const MAX_BATCH = 256;

interface Job<R, T> {
  request: R;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/**
 * One instrument's book and its single writer. Commands queue here; whenever the writer is free
 * it takes everything waiting (up to MAX_BATCH) and hands it to `process` as one group, which
 * commits the group in one transaction (group commit). An idle desk starts at once, so a lone
 * order waits for nobody; under load the queue fills while the previous commit runs.
 *
 * The desk also holds its open orders' rows: it is the only writer of them while it owns the
 * book, so a fill against a resting order needs no read.
 */
export class InstrumentDesk<R = unknown, T = unknown> {
  book: OrderBook = createOrderBook();
  /** Open orders (resting or waiting for a trigger) by engine id, as committed. */
  readonly openOrders = new Map<number, OrderRow>();
  /** Users as the engine's integer accounts (self-trade prevention compares them). */
  private readonly accounts = new Map<string, number>();
  private pending: Array<Job<R, T>> = [];
  private draining: Promise<void> | null = null;
  /** Depth changed since it was last published. */
  dirty = false;
  /** Runs one group of jobs and settles every one of them. */
  process: (jobs: Array<Job<R, T>>) => Promise<void> = async (jobs) => jobs.forEach((job) => job.reject(new Error("desk not started")));

  constructor(readonly steps: InstrumentSteps) {}

  account(userId: string): number {
    let account = this.accounts.get(userId);
    if (account === undefined) this.accounts.set(userId, (account = this.accounts.size + 1));
    return account;
  }

  /** Queues a command; resolves once the group it joined has committed. */
  enqueue(request: R): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Resolves when everything queued so far has been processed. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    // Let the commands that arrived in the same tick join the first group.
    await Promise.resolve();
    while (this.pending.length > 0) {
      const jobs = this.pending.splice(0, MAX_BATCH);
      // `process` settles its jobs; should it fail itself, they still get an answer and the desk goes on.
      await this.process(jobs).catch((error: unknown) => jobs.forEach((job) => job.reject(error)));
    }
    this.draining = null;
  }

  /** Keeps the open-order rows current after a committed change. */
  track(row: OrderRow): void {
    if (OPEN_STATUSES.includes(row.status)) this.openOrders.set(Number(row.engineId), row);
    else this.openOrders.delete(Number(row.engineId));
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
    this.openOrders.clear();
    const open: RestoredOrder[] = rows.map((row) => {
      this.openOrders.set(Number(row.engineId), row);
      return {
        id: Number(row.engineId),
        account: this.account(row.userId),
        side: row.side as "BUY" | "SELL",
        kind: row.type,
        tif: row.timeInForce as RestoredOrder["tif"],
        quantity: toLots(parseFixed(row.quantity) - parseFixed(row.filledQuantity), this.steps),
        price: row.limitPrice && row.type !== OrderType.MARKET ? toTicks(parseFixed(row.limitPrice), this.steps) : undefined,
        stopPrice: row.stopPrice ? toTicks(parseFixed(row.stopPrice), this.steps) : undefined,
        protection: row.protectionPrice && (row.type === OrderType.STOP || row.type === OrderType.MARKET) ? toTicks(parseFixed(row.protectionPrice), this.steps) : undefined,
      };
    });
    this.book = createOrderBook();
    this.book.restore(open, { sequence: Number(seq), lastTradePrice: last ? toTicks(parseFixed(last.price), this.steps) : null });
    this.dirty = true;
    return open.length;
  }
}

export type { Job as DeskJob };
