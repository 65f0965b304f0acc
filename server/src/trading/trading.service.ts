import type { DataSource, EntityManager } from "typeorm";
import type { AuditService } from "../audit";
import type { TradingCompliance } from "../compliance";
import type { Config } from "../config";
import type { Session } from "../identity";
import { AppError, badUserInput, notFound } from "../infra/errors";
import { type Fixed, formatFixed, mulFixed, parseFixed, ZERO } from "../infra/fixed";
import { decodeCursor, encodeCursor, pageSize } from "../infra/graphql/pagination";
import type { Logger } from "../infra/logger";
import { type BookEvent, type PubSub, topics } from "../infra/pubsub";
import type { InstrumentService, MarketDataService } from "../market";
import type { LedgerService, PortfolioService } from "../portfolio";
import type { SubmitCommand } from "./engine";
import { InstrumentDesk } from "./instrument-desk";
import { type CommandOutcome, type Fees, OrderPersistence } from "./order-persistence";
import { fromTicks, riskRejected, stepsOf, toTicks, validateOrder, type ValidatedOrder } from "./order-validation";
import { FillRow, OPEN_STATUSES, OrderRow, OrderStatus, OrderType } from "./trading.entities";
import { toFill } from "./trading.loaders";
import type { Fill, Order, OrderBookSnapshot, OrderConnection, PlaceOrderInput } from "./trading.types";

const BOOK_PUBLISH_MS = 200;
const BOOK_DEPTH_PUBLISHED = 20;
const ORDER_CURSOR = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\|[0-9a-f-]{36}$/;

/**
 * The order gateway and the books: validate at the edge, authorize, check risk, match in the
 * instrument's single writer, commit everything in one transaction, then publish.
 */
export class TradingService {
  private readonly desks = new Map<string, InstrumentDesk>();
  private readonly persistence: OrderPersistence;
  private bookTimer?: NodeJS.Timeout;
  private dayTimer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: Config["trading"],
    private readonly instruments: InstrumentService,
    private readonly marketData: MarketDataService,
    private readonly portfolios: PortfolioService,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
    private readonly pubsub: PubSub,
    private readonly log: Logger,
    private readonly compliance?: TradingCompliance,
  ) {
    this.persistence = new OrderPersistence(ledger, audit);
  }

  /** Rebuilds every book from the database, then starts book publishing and DAY expiry. */
  async start(): Promise<void> {
    let restored = 0;
    for (const instrument of (await this.instruments.bySymbol()).values()) {
      const desk = new InstrumentDesk(stepsOf(instrument));
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
    await Promise.all([...this.desks.values()].map((desk) => desk.run(async () => undefined)));
  }

  symbols(): string[] {
    return [...this.desks.keys()];
  }

  desk(symbol: string): InstrumentDesk {
    const desk = this.desks.get(symbol);
    if (!desk) throw badUserInput(`Unknown symbol: ${symbol}`, "symbol");
    return desk;
  }

  async placeOrder(session: Session, input: PlaceOrderInput): Promise<Order> {
    const userId = session.requireUser();
    const portfolio = await this.portfolios.requireOwned(session, input.portfolioId);
    const desk = this.desk(input.symbol);
    const order = validateOrder(input, desk.steps);
    if (order.clientOrderId) {
      const existing = await this.byClientOrderId(userId, order.clientOrderId);
      if (existing) return toOrder(existing);
    }
    const placed = await desk.run(async () => {
      // Checked again inside the writer: a retry racing the original finds it here.
      if (order.clientOrderId) {
        const existing = await this.byClientOrderId(userId, order.clientOrderId);
        if (existing) return { row: existing, outcome: null };
      }
      return this.submit(desk, session, portfolio.id, order);
    });
    if (placed.outcome) await this.publish(desk, placed.outcome);
    return toOrder(placed.row);
  }

  async cancelOrder(session: Session, id: string): Promise<Order> {
    const row = isUuid(id) ? await this.dataSource.getRepository(OrderRow).findOneBy({ id }) : null;
    session.assertOwns(row, "Order");
    const desk = this.desk(row.symbol);
    const result = await desk.run(async () => {
      // Read inside the writer: a fill queued just before this cancel has already committed.
      const current = await this.dataSource.getRepository(OrderRow).findOneByOrFail({ id });
      if (!OPEN_STATUSES.includes(current.status)) throw new AppError("CONFLICT", `The order is already ${current.status}`);
      return this.command(desk, { type: "cancel", id: Number(row.engineId) }, new Map());
    });
    await this.publish(desk, result);
    return toOrder(await this.dataSource.getRepository(OrderRow).findOneByOrFail({ id }));
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

  /** An order update as subscribers see it: the order now, and the fill that caused it. */
  async orderUpdate(orderId: string, fillId: string | null): Promise<{ order: Order; fill: Fill | null }> {
    const row = await this.dataSource.getRepository(OrderRow).findOneByOrFail({ id: orderId });
    const fill = fillId ? await this.dataSource.getRepository(FillRow).findOneBy({ id: fillId }) : null;
    return { order: toOrder(row), fill: fill ? toFill(fill) : null };
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

  /** Risk, reservation, matching and persistence of a new order, in one transaction. */
  private async submit(desk: InstrumentDesk, session: Session, portfolioId: string, order: ValidatedOrder): Promise<{ row: OrderRow; outcome: CommandOutcome }> {
    const userId = session.requireUser();
    const limits = await this.checkLimits(desk, userId, order);
    const known = new Map<number, OrderRow>();
    let row!: OrderRow;
    const outcome = await this.inTransaction(desk, async (manager) => {
      await this.reserve(manager, desk, portfolioId, order, limits);
      const [{ id: engineId }] = await manager.query(`SELECT nextval('order_engine_ids') AS id`);
      const now = new Date();
      row = manager.create(OrderRow, {
        engineId: String(engineId),
        userId,
        portfolioId,
        clientOrderId: order.clientOrderId,
        symbol: desk.steps.symbol,
        side: order.side,
        type: order.type,
        timeInForce: order.tif,
        quantity: formatFixed(order.quantity),
        limitPrice: order.limitPrice === null ? null : formatFixed(order.limitPrice),
        stopPrice: order.stopPrice === null ? null : formatFixed(order.stopPrice),
        protectionPrice: limits.protection === null ? null : formatFixed(limits.protection),
        filledQuantity: "0",
        filledNotional: "0",
        status: OrderStatus.NEW,
        rejectReason: null,
        reservedCash: formatFixed(limits.reservedCash),
        reservedQuantity: formatFixed(order.side === "SELL" ? order.quantity : ZERO),
        queuedSeq: null,
        lastSeq: String(desk.book.sequence),
        createdAt: now,
        updatedAt: now,
      });
      await manager.insert(OrderRow, row);
      known.set(Number(engineId), row);
      const command: SubmitCommand = {
        type: "submit",
        id: Number(engineId),
        account: desk.account(userId),
        side: order.side,
        kind: order.type,
        tif: order.tif,
        quantity: order.lots,
        price: order.limitPrice === null ? undefined : toTicks(order.limitPrice, desk.steps),
        stopPrice: order.stopPrice === null ? undefined : toTicks(order.stopPrice, desk.steps),
        protection: limits.protection === null ? undefined : toTicks(limits.protection, desk.steps),
      };
      const result = await this.persistence.persist(manager, desk.book.apply(command), desk.steps, this.feesFor(desk.steps.symbol), known, now);
      await this.audit.append(manager, { eventType: "order.placed", userId, entityType: "order", entityId: row.id, payload: { symbol: row.symbol, side: row.side, type: row.type, quantity: row.quantity, status: row.status } });
      return result;
    });
    return { row: outcome.orders.get(Number(row.engineId)) ?? row, outcome };
  }

  /** A cancel or an expiry: engine, persistence, one transaction. */
  private command(desk: InstrumentDesk, command: { type: "cancel"; id: number } | { type: "expireDay" }, known: Map<number, OrderRow>): Promise<CommandOutcome> {
    return this.inTransaction(desk, (manager) => this.persistence.persist(manager, desk.book.apply(command), desk.steps, this.feesFor(desk.steps.symbol), known, new Date()));
  }

  /**
   * The engine has already applied the command when the transaction fails: rebuild the book
   * from what is committed, so memory never runs ahead of the database.
   */
  private async inTransaction<T>(desk: InstrumentDesk, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const before = desk.book.sequence;
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      if (desk.book.sequence !== before) {
        this.log.error({ err: error, symbol: desk.steps.symbol }, "commit failed after matching; rebuilding the book");
        await desk.recover(this.dataSource.manager);
      }
      throw error;
    }
  }

  /** Checks that need no locks: kill switches, price band, notional; and the worst price to reserve against. */
  private async checkLimits(desk: InstrumentDesk, userId: string, order: ValidatedOrder) {
    const [user] = await this.dataSource.query(`SELECT trading_disabled FROM users WHERE id = $1`, [userId]);
    if (user?.trading_disabled) throw riskRejected("KILL_SWITCH", "Trading is disabled for this account");
    const instrument = await this.dataSource.query(`SELECT is_tradable FROM instruments WHERE symbol = $1`, [desk.steps.symbol]);
    if (!instrument[0]?.is_tradable) throw riskRejected("TRADING_HALTED", `Trading in ${desk.steps.symbol} is halted`);
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
    await this.compliance?.assertMayTrade(userId, notional);
    const fees = this.feesFor(desk.steps.symbol);
    const feeBps = BigInt(Math.max(fees.makerBps, fees.takerBps));
    // A buy reserves its worst cost with the highest fee: fills can only cost less.
    const reservedCash = order.side === "BUY" ? notional + (notional * feeBps + 9_999n) / 10_000n : ZERO;
    return { protection, reservedCash };
  }

  /** Buying power and holdings, under row locks, and the reservation that holds them. */
  private async reserve(manager: EntityManager, desk: InstrumentDesk, portfolioId: string, order: ValidatedOrder, limits: { reservedCash: Fixed }): Promise<void> {
    const [portfolio] = await manager.query(`SELECT cash_balance, reserved_cash FROM portfolios WHERE id = $1 FOR UPDATE`, [portfolioId]);
    if (order.side === "BUY") {
      const available = parseFixed(portfolio.cash_balance) - parseFixed(portfolio.reserved_cash);
      if (limits.reservedCash > available) {
        throw riskRejected("INSUFFICIENT_BUYING_POWER", `Buying power ${formatFixed(available)} is less than the ${formatFixed(limits.reservedCash)} this order may cost`);
      }
      await manager.query(`UPDATE portfolios SET reserved_cash = reserved_cash + $1 WHERE id = $2`, [formatFixed(limits.reservedCash), portfolioId]);
      return;
    }
    const [position] = await manager.query(`SELECT quantity, reserved_quantity FROM positions WHERE portfolio_id = $1 AND symbol = $2 FOR UPDATE`, [portfolioId, desk.steps.symbol]);
    const free = position ? parseFixed(position.quantity) - parseFixed(position.reserved_quantity) : ZERO;
    if (order.quantity > free) {
      throw riskRejected("INSUFFICIENT_POSITION", `Only ${formatFixed(free)} ${desk.steps.symbol} is free to sell; short selling is not allowed`);
    }
    await manager.query(`UPDATE positions SET reserved_quantity = reserved_quantity + $1 WHERE portfolio_id = $2 AND symbol = $3`, [formatFixed(order.quantity), portfolioId, desk.steps.symbol]);
  }

  private feesFor(symbol: string): Fees {
    return this.config.fees.get(symbol) ?? this.config.fees.get("*") ?? { makerBps: 0, takerBps: 0 };
  }

  private async byClientOrderId(userId: string, clientOrderId: string): Promise<OrderRow | null> {
    return this.dataSource.getRepository(OrderRow).findOneBy({ userId, clientOrderId });
  }

  /** After the commit: order updates, trades, last price, valuation; the book on its timer. */
  private async publish(desk: InstrumentDesk, outcome: CommandOutcome): Promise<void> {
    desk.dirty = desk.dirty || outcome.orders.size > 0;
    for (const row of outcome.orders.values()) {
      const fills = outcome.fills.filter(({ order }) => order.id === row.id);
      const update = (fillId: string | null) =>
        this.pubsub.publish(topics.orders(row.userId), { userId: row.userId, portfolioId: row.portfolioId, orderId: row.id, fillId, sequence: row.lastSeq });
      // One update per fill; an order that changed without filling gets one for its new state.
      for (const { fill } of fills) await update(fill.id);
      if (fills.length === 0) await update(null);
    }
    for (const trade of outcome.trades) {
      await this.pubsub.publish(topics.trades(trade.symbol), {
        id: trade.id,
        symbol: trade.symbol,
        price: trade.price,
        quantity: trade.quantity,
        aggressorSide: trade.aggressorSide,
        executedAt: trade.executedAt.toISOString(),
        sequence: trade.seq,
      });
    }
    const lastTrade = outcome.trades.at(-1);
    if (lastTrade) {
      const volume = outcome.trades.reduce((sum, trade) => sum + parseFixed(trade.quantity), ZERO);
      await this.marketData.recordTrade(lastTrade.symbol, lastTrade.price, formatFixed(volume), lastTrade.executedAt);
    }
    await this.ledger.notifyChanged(outcome.portfolios);
    this.compliance?.onFills(outcome.fills);
  }

  private snapshot(desk: InstrumentDesk, depth: number): OrderBookSnapshot {
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
    for (const desk of this.desks.values()) {
      const outcome = await desk.run(() => this.command(desk, { type: "expireDay" }, new Map()));
      await this.publish(desk, outcome);
    }
  }
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
