import type { DataSource } from "typeorm";
import type { AuditService } from "../audit";
import type { TradingCompliance } from "../compliance";
import type { Config } from "../config";
import type { Session } from "../identity";
import { AppError, badUserInput, notFound } from "../infra/errors";
import { type Fixed, formatFixed, mulFixed, parseFixed, ZERO } from "../infra/fixed";
import { decodeCursor, encodeCursor, pageSize } from "../infra/graphql/pagination";
import type { Logger } from "../infra/logger";
import { type BookEvent, type OrderEvent, type PubSub, topics } from "../infra/pubsub";
import type { InstrumentService, MarketDataService } from "../market";
import type { LedgerService } from "../portfolio";
import { type DeskJob, InstrumentDesk } from "./instrument-desk";
import { type DeskRequest, OrderBatch, type PlaceRequest, type TradingDesk } from "./order-batch";
import { type CommandOutcome, emptyOutcome, type Fees } from "./order-persistence";
import { fromTicks, riskRejected, stepsOf, validateOrder, type ValidatedOrder } from "./order-validation";
import { FillRow, OPEN_STATUSES, OrderRow, OrderStatus, OrderType } from "./trading.entities";
import { toFill } from "./trading.loaders";
import type { Fill, Order, OrderBookSnapshot, OrderConnection, PlaceOrderInput } from "./trading.types";

const BOOK_PUBLISH_MS = 200;
const BOOK_DEPTH_PUBLISHED = 20;
/** A group that failed on a deadlock or serialization conflict is run again, this many times at most. */
const MAX_ATTEMPTS = 3;
const ORDER_CURSOR = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\|[0-9a-f-]{36}$/;

type Desk = TradingDesk;

/**
 * The order gateway and the books: validate at the edge, authorize, check risk, match in the
 * instrument's single writer, commit each group of commands in one transaction, then publish.
 */
export class TradingService {
  private readonly desks = new Map<string, Desk>();
  /** Group commit at work: transactions committed, the commands they carried, the largest group. */
  readonly commitStats = { groups: 0, commands: 0, largest: 0 };
  private bookTimer?: NodeJS.Timeout;
  private dayTimer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: Config["trading"],
    private readonly instruments: InstrumentService,
    private readonly marketData: MarketDataService,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
    private readonly pubsub: PubSub,
    private readonly log: Logger,
    private readonly compliance?: TradingCompliance,
  ) {}

  /** Rebuilds every book from the database, then starts book publishing and DAY expiry. */
  async start(): Promise<void> {
    let restored = 0;
    for (const instrument of (await this.instruments.bySymbol()).values()) {
      const desk: Desk = new InstrumentDesk(stepsOf(instrument));
      desk.process = (jobs) => this.processGroup(desk, jobs);
      restored += await desk.recover(this.dataSource.manager);
      this.desks.set(instrument.symbol, desk);
    }
    this.log.info({ books: this.desks.size, openOrders: restored }, "order books rebuilt");
    this.bookTimer = setInterval(() => this.publishBooks(), BOOK_PUBLISH_MS);
    this.bookTimer.unref();
    this.scheduleDayClose();
  }

  async stop(): Promise<void> {
    clearInterval(this.bookTimer);
    clearTimeout(this.dayTimer);
    // Let commands already queued finish their commits.
    await Promise.all([...this.desks.values()].map((desk) => desk.idle()));
  }

  symbols(): string[] {
    return [...this.desks.keys()];
  }

  desk(symbol: string): Desk {
    const desk = this.desks.get(symbol);
    if (!desk) throw badUserInput(`Unknown symbol: ${symbol}`, "symbol");
    return desk;
  }

  async placeOrder(session: Session, input: PlaceOrderInput): Promise<Order> {
    const userId = session.requireUser();
    // Ownership is checked in the order's group, under the portfolio's lock.
    if (!isUuid(input.portfolioId)) throw notFound("Portfolio");
    const desk = this.desk(input.symbol);
    const order = validateOrder(input, desk.steps);
    if (order.clientOrderId) {
      // A retry of a committed order gets it back, whatever the market has done since.
      const existing = await this.dataSource.getRepository(OrderRow).findOneBy({ userId, clientOrderId: order.clientOrderId });
      if (existing) return toOrder(existing);
    }
    const { notional, ...limits } = this.checkLimits(desk, order);
    await this.compliance?.assertMayTrade(userId, notional);
    const row = await desk.enqueue({ kind: "place", session, userId, portfolioId: input.portfolioId, order, ...limits });
    return toOrder(row!);
  }

  async cancelOrder(session: Session, id: string): Promise<Order> {
    const row = isUuid(id) ? await this.dataSource.getRepository(OrderRow).findOneBy({ id }) : null;
    session.assertOwns(row, "Order");
    const cancelled = await this.desk(row.symbol).enqueue({ kind: "cancel", engineId: Number(row.engineId) });
    return toOrder(cancelled!);
  }

  /** ADMIN kill switch: a halted instrument accepts no new orders (cancels still work). */
  async setTradingHalted(session: Session, symbol: string, halted: boolean): Promise<boolean> {
    await this.instruments.requireSymbols([symbol]);
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE instruments SET is_tradable = $1 WHERE symbol = $2`, [!halted, symbol]);
      await this.audit.append(manager, { eventType: halted ? "trading.halted" : "trading.resumed", userId: session.userId, entityType: "instrument", entityId: symbol });
    });
    return halted;
  }

  /** ADMIN kill switch for one user: no new orders from them (cancels still work). */
  async setUserTradingDisabled(session: Session, userId: string, disabled: boolean): Promise<boolean> {
    await this.dataSource.transaction(async (manager) => {
      const [, affected] = await manager.query(`UPDATE users SET trading_disabled = $1 WHERE id = $2`, [disabled, isUuid(userId) ? userId : null]);
      if (!affected) throw notFound("User");
      await this.audit.append(manager, { eventType: disabled ? "trading.user_disabled" : "trading.user_enabled", userId: session.userId, entityType: "user", entityId: userId });
    });
    return disabled;
  }

  /** An order update as subscribers see it: the order as committed, and the fill that caused it. */
  orderUpdate(event: OrderEvent): { order: Order; fill: Fill | null } {
    const order = event.order as unknown as Order & { createdAt: string; updatedAt: string };
    const fill = event.fill as unknown as (Fill & { executedAt: string }) | null;
    return {
      order: { ...order, createdAt: new Date(order.createdAt), updatedAt: new Date(order.updatedAt) },
      fill: fill && { ...fill, executedAt: new Date(fill.executedAt) },
    };
  }

  orderBook(symbol: string, depth: number): OrderBookSnapshot {
    const desk = this.desk(symbol);
    return this.snapshot(desk, depth);
  }

  async findOrder(session: Session, id: string): Promise<Order | null> {
    const row = isUuid(id) ? await this.dataSource.getRepository(OrderRow).findOneBy({ id }) : null;
    return row && row.userId === session.requireUser() ? toOrder(row) : null;
  }

  /** The caller's orders, newest first, by portfolio and status. */
  async orders(session: Session, filter: { portfolioId?: string | null; status?: OrderStatus[] | null; first?: number | null; after?: string | null }): Promise<OrderConnection> {
    const userId = session.requireUser();
    const size = pageSize(filter.first, 20, 100);
    const position = decodeCursor(filter.after, ORDER_CURSOR);
    const query = this.dataSource.getRepository(OrderRow).createQueryBuilder("o").where("o.user_id = :userId", { userId });
    if (filter.portfolioId) query.andWhere("o.portfolio_id = :portfolioId", { portfolioId: isUuid(filter.portfolioId) ? filter.portfolioId : null });
    if (filter.status?.length) query.andWhere("o.status IN (:...status)", { status: filter.status });
    if (position) {
      const [at, id] = position.split("|");
      query.andWhere("(o.created_at, o.id) < (:at::timestamptz, :id::uuid)", { at, id });
    }
    const rows = await query.orderBy("o.created_at", "DESC").addOrderBy("o.id", "DESC").take(size + 1).getMany();
    const edges = rows.slice(0, size).map((row) => ({ cursor: encodeCursor(`${row.createdAt.toISOString()}|${row.id}`), node: toOrder(row) }));
    return { edges, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  /**
   * Runs one group of commands in one transaction and settles every caller: a refused command
   * gets its error, the others their orders, once the group has committed. When the commit
   * fails, the book is rebuilt from what is committed (memory never runs ahead of the database);
   * a deadlock or serialization conflict with another desk's group runs the group again.
   */
  private async processGroup(desk: Desk, jobs: Array<DeskJob<DeskRequest, OrderRow | undefined>>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const before = desk.book.sequence;
      const outcome = emptyOutcome();
      const results: Array<{ row?: OrderRow; error?: unknown }> = [];
      try {
        await this.dataSource.transaction(async (manager) => {
          const batch = new OrderBatch(manager, desk, this.feesFor(desk.steps.symbol), outcome);
          await batch.prepare(jobs.map((job) => job.request));
          for (const { request } of jobs) {
            const sequence = desk.book.sequence;
            try {
              results.push({ row: await this.runCommand(batch, request) });
            } catch (error) {
              // Refusals come before a command touches anything; any other failure spoils the group.
              if (!(error instanceof AppError) || desk.book.sequence !== sequence) throw error;
              results.push({ error });
            }
          }
          await batch.commit((m) => this.audit.appendMany(m, outcome.audit).then(() => undefined));
        });
      } catch (error) {
        if (desk.book.sequence !== before) {
          this.log.error({ err: error, symbol: desk.steps.symbol, attempt }, "group commit failed after matching; rebuilding the book");
          await desk.recover(this.dataSource.manager);
        }
        if (attempt < MAX_ATTEMPTS && isTransient(error)) continue;
        for (const job of jobs) job.reject(error);
        return;
      }
      this.commitStats.groups++;
      this.commitStats.commands += jobs.length;
      this.commitStats.largest = Math.max(this.commitStats.largest, jobs.length);
      jobs.forEach((job, i) => (results[i].error ? job.reject(results[i].error) : job.resolve(results[i].row)));
      await this.publish(desk, outcome).catch((error: unknown) => this.log.error({ err: error }, "publishing order events failed"));
      return;
    }
  }

  private runCommand(batch: OrderBatch, request: DeskRequest): Promise<OrderRow | undefined> {
    switch (request.kind) {
      case "place":
        return batch.place(request);
      case "cancel":
        return batch.cancel(request.engineId);
      case "expireDay":
        return batch.expireDay().then(() => undefined);
    }
  }

  /**
   * The checks that need no lock: price band and notional; and what the order may cost at worst.
   * Kill switches, buying power and holdings are checked under lock in the order's group.
   */
  private checkLimits(desk: Desk, order: ValidatedOrder): Pick<PlaceRequest, "protection" | "reservedCash"> & { notional: Fixed } {
    const last = this.marketData.lastPrice(desk.steps.symbol);
    const reference = last ? parseFixed(last) : (order.limitPrice ?? order.stopPrice);
    if (reference === null) throw riskRejected("NO_REFERENCE_PRICE", `No reference price for ${desk.steps.symbol} yet: use a limit order`);
    const band = (price: Fixed, field: string) => {
      const distance = price > reference ? price - reference : reference - price;
      if (distance * 10_000n > reference * BigInt(this.config.priceBandBps)) {
        throw riskRejected("PRICE_BAND", `${field} ${formatFixed(price)} is more than ${this.config.priceBandBps / 100}% from the reference price ${formatFixed(reference)}`);
      }
    };
    if (order.limitPrice !== null) band(order.limitPrice, "limitPrice");
    if (order.stopPrice !== null) band(order.stopPrice, "stopPrice");
    // Market orders (and stops, once triggered) fill no worse than this.
    let protection: Fixed | null = null;
    if (order.type === OrderType.MARKET || order.type === OrderType.STOP) {
      const base = order.stopPrice ?? reference;
      const offset = (base * BigInt(this.config.marketProtectionBps)) / 10_000n;
      const tick = desk.steps.tick;
      protection = order.side === "BUY" ? ((base + offset + tick - 1n) / tick) * tick : maxFixed(tick, ((base - offset) / tick) * tick);
    }
    const worst = order.limitPrice ?? protection!;
    const notional = mulFixed(order.quantity, worst, "up");
    if (notional > parseFixed(this.config.maxOrderNotional)) {
      throw riskRejected("MAX_NOTIONAL", `Order value ${formatFixed(notional)} is above the maximum of ${this.config.maxOrderNotional}`);
    }
    const fees = this.feesFor(desk.steps.symbol);
    const feeBps = BigInt(Math.max(fees.makerBps, fees.takerBps));
    // A buy reserves its worst cost with the highest fee: fills can only cost less.
    const reservedCash = order.side === "BUY" ? notional + (notional * feeBps + 9_999n) / 10_000n : ZERO;
    return { protection, reservedCash, notional };
  }

  private feesFor(symbol: string): Fees {
    return this.config.fees.get(symbol) ?? this.config.fees.get("*") ?? { makerBps: 0, takerBps: 0 };
  }

  /** After the commit: order updates, trades, last price, valuation; the book on its timer. */
  private async publish(desk: Desk, outcome: CommandOutcome): Promise<void> {
    desk.dirty = desk.dirty || outcome.orders.size > 0;
    const fillsByOrder = new Map<string, FillRow[]>();
    for (const { fill, order } of outcome.fills) fillsByOrder.set(order.id, [...(fillsByOrder.get(order.id) ?? []), fill]);
    const publications: Array<Promise<void>> = [];
    for (const row of outcome.orders.values()) {
      // One update per fill; an order that changed without filling gets one for its new state.
      const order = toOrder(row) as unknown as Record<string, unknown>;
      for (const fill of fillsByOrder.get(row.id) ?? [null]) {
        const event = { userId: row.userId, portfolioId: row.portfolioId, orderId: row.id, fillId: fill?.id ?? null, sequence: row.lastSeq, order, fill: fill && (toFill(fill) as unknown as Record<string, unknown>) };
        publications.push(this.pubsub.publish(topics.orders(row.userId), event));
      }
    }
    for (const trade of outcome.trades) {
      publications.push(
        this.pubsub.publish(topics.trades(trade.symbol), {
          id: trade.id,
          symbol: trade.symbol,
          price: trade.price,
          quantity: trade.quantity,
          aggressorSide: trade.aggressorSide,
          executedAt: trade.executedAt.toISOString(),
          sequence: trade.seq,
        }),
      );
    }
    if (outcome.trades.length > 0) publications.push(this.marketData.recordTrades(desk.steps.symbol, outcome.trades));
    publications.push(this.ledger.notifyChanged(outcome.portfolios));
    this.compliance?.onFills(outcome.fills);
    await Promise.all(publications);
  }

  private snapshot(desk: Desk, depth: number): OrderBookSnapshot {
    const levels = desk.book.depth(depth);
    const level = (l: { price: number; quantity: number; orderCount: number }) => ({
      price: formatFixed(fromTicks(l.price, desk.steps)),
      quantity: formatFixed(BigInt(l.quantity) * desk.steps.lot),
      orderCount: l.orderCount,
    });
    return { symbol: desk.steps.symbol, bids: levels.bids.map(level), asks: levels.asks.map(level), sequence: String(desk.book.sequence), timestamp: new Date() };
  }

  /** Depth snapshots, coalesced: at most one per book per BOOK_PUBLISH_MS. */
  private publishBooks(): void {
    for (const desk of this.desks.values()) {
      if (!desk.dirty) continue;
      desk.dirty = false;
      const snapshot = this.snapshot(desk, BOOK_DEPTH_PUBLISHED);
      const event: BookEvent = { ...snapshot, timestamp: snapshot.timestamp.toISOString() };
      void this.pubsub.publish(topics.book(desk.steps.symbol), event).catch((error: unknown) => this.log.warn({ err: error }, "book publish failed"));
    }
  }

  /** DAY orders expire at the configured close (UTC), every day. */
  private scheduleDayClose(): void {
    const [hours, minutes] = this.config.dayCloseUtc.split(":").map(Number);
    const now = new Date();
    const close = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hours, minutes));
    if (close <= now) close.setUTCDate(close.getUTCDate() + 1);
    this.dayTimer = setTimeout(() => {
      void this.expireDay().finally(() => this.scheduleDayClose());
    }, close.getTime() - now.getTime());
    this.dayTimer.unref();
  }

  /** Expires every DAY order on every book (the close timer calls it; so may an operator). */
  async expireDay(): Promise<void> {
    await Promise.all([...this.desks.values()].map((desk) => desk.enqueue({ kind: "expireDay" })));
  }
}

/** Deadlock or serialization failure: nothing wrong with the commands, only their timing. */
function isTransient(error: unknown): boolean {
  const code = (error as { driverError?: { code?: string }; code?: string })?.driverError?.code ?? (error as { code?: string })?.code;
  return code === "40P01" || code === "40001";
}

const maxFixed = (a: Fixed, b: Fixed) => (a > b ? a : b);
const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

export function toOrder(row: OrderRow): Order {
  const filled = parseFixed(row.filledQuantity);
  const average = filled > ZERO ? formatFixed((parseFixed(row.filledNotional) * 10n ** 10n) / filled) : null;
  return {
    id: row.id,
    clientOrderId: row.clientOrderId,
    portfolioId: row.portfolioId,
    symbol: row.symbol,
    side: row.side as Order["side"],
    type: row.type,
    timeInForce: row.timeInForce,
    quantity: formatFixed(parseFixed(row.quantity)),
    limitPrice: row.limitPrice === null ? null : formatFixed(parseFixed(row.limitPrice)),
    stopPrice: row.stopPrice === null ? null : formatFixed(parseFixed(row.stopPrice)),
    filledQuantity: formatFixed(filled),
    averageFillPrice: average,
    status: row.status,
    rejectReason: row.rejectReason,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    userId: row.userId,
  };
}
