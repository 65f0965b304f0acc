import type { DataSource } from "typeorm";
import type { TradingCompliance } from "../compliance";
import type { Config } from "../config";
import type { Session } from "../identity";
import { badUserInput, notFound } from "../infra/errors";
import { type Fixed, parseFixed, ZERO } from "../infra/fixed";
import { decodeCursor, encodeCursor, pageSize } from "../infra/graphql/pagination";
import type { OrderEvent } from "../infra/pubsub";
import type { Instrument, InstrumentService, MarketDataService } from "../market";
import type { Accounts } from "../portfolio";
import type { InstrumentDesk } from "./instrument-desk";
import type { Fees } from "./order-persistence";
import { amendedShape, validateAmendment, validateClass, type ValidatedClass, type ValidatedOrder, validateOrder } from "./order-validation";
import { exposure } from "./pre-trade-risk";
import type { Publisher } from "./publisher";
import type { FamilyRequest, Inventory, QuoteLevel } from "./sequence-step";
import type { Sequencer } from "./sequencer";
import { OPEN_STATUSES, OrderClass, OrderRow, type OrderStatus, OrderType, TimeInForce } from "./trading.entities";
import { toOrder } from "./trading.mappers";
import type { AmendOrderInput, Fill, Order, OrderBookSnapshot, OrderConnection, PlaceOrderInput } from "./trading.types";
import { isUuid } from "../infra/graphql/text";

const ORDER_CURSOR = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\|[0-9a-f-]{36}$/;

/**
 * The order gateway: validates at the edge, prices the order's risk against the reference,
 * checks the KYC gate, and hands the command to the sequencer, which answers once it is
 * committed. The path reads one way: resolver -> gateway -> sequencer -> publisher. Reads of
 * orders and books are served here too.
 */
export class TradingService {
  private dayTimer?: NodeJS.Timeout;
  private expiryTimer?: NodeJS.Timeout;
  /** When the GTD timer fires next (epoch ms), or null when it is not armed. */
  private expiryAt: number | null = null;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: Config["trading"],
    private readonly instruments: InstrumentService,
    private readonly marketData: MarketDataService,
    private readonly sequencer: Sequencer,
    private readonly publisher: Publisher,
    private readonly compliance?: TradingCompliance,
  ) {}

  /** Rebuilds the sequencer from the journal, then starts book publishing and DAY expiry. */
  async start(): Promise<void> {
    await this.sequencer.start((await this.instruments.bySymbol()).values());
    this.publisher.start();
    this.scheduleDayClose();
    await this.armNextExpiry();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.publisher.stop();
    clearTimeout(this.dayTimer);
    clearTimeout(this.expiryTimer);
    await this.sequencer.stop();
  }

  /** Group commit at work: batches committed, the commands they carried, the largest batch. */
  get commitStats(): { groups: number; commands: number; largest: number } {
    const { batches, commands, largest } = this.sequencer.stats;
    return { groups: batches, commands, largest };
  }

  /** Resolves once every command queued so far has been committed and answered. */
  idle(): Promise<void> {
    return this.sequencer.stop();
  }

  /** The sequencer's accounts, read-only: for checks that memory equals the journal. */
  accounts(): Pick<Accounts, "account" | "has" | "held" | "availableCash"> {
    return this.sequencer.state.accounts;
  }

  /** Opens the book of an instrument listed while the platform runs. */
  openBook(instrument: Instrument): Promise<void> {
    return this.sequencer.openBook(instrument);
  }

  symbols(): string[] {
    return [...this.sequencer.state.desks.keys()];
  }

  desk(symbol: string): InstrumentDesk {
    const desk = this.sequencer.desk(symbol);
    if (!desk) throw badUserInput(`Unknown symbol: ${symbol}`, "symbol");
    return desk;
  }

  async placeOrder(session: Session, input: PlaceOrderInput): Promise<Order> {
    const userId = session.requireUser();
    // Ownership is checked in sequence, where the accounts are.
    if (!isUuid(input.portfolioId)) throw notFound("Portfolio");
    const desk = this.desk(input.symbol);
    const order = validateOrder(input, desk.steps, new Date());
    if (order.clientOrderId) {
      // A retry of a committed order gets it back, whatever the market has done since.
      const existing = await this.dataSource.getRepository(OrderRow).findOneBy({ userId, clientOrderId: order.clientOrderId });
      if (existing) return toOrder(existing);
    }
    const last = this.marketData.lastPrice(desk.steps.symbol);
    const reference = last ? parseFixed(last) : null;
    const validatedClass = validateClass(input, order, desk.steps, reference);
    const fees = this.feesFor(desk.steps.symbol);
    const { notional, protection, reservedCash } = exposure(order, desk.steps, reference, this.config, fees);
    const { family, familyCash, familyNotional } = this.familyExposure(validatedClass, desk, reference, fees);
    await this.compliance?.assertMayTrade(userId, notional > familyNotional ? notional : familyNotional);
    // A trailing stop's mark starts at the book's last trade, or at the reference when there is none.
    const mark = order.type === OrderType.TRAILING_STOP && last ? parseFixed(last) : null;
    const request = { session, userId, portfolioId: input.portfolioId, symbol: desk.steps.symbol, order, protection, reservedCash: reservedCash > familyCash ? reservedCash : familyCash, mark, family };
    const row = (await this.sequencer.submit({ kind: "place", request })) as OrderRow;
    if (row.expiresAt && OPEN_STATUSES.includes(row.status)) this.armExpiry(row.expiresAt.getTime());
    return toOrder(row);
  }

  /**
   * The rest of an order's family priced as orders of their own (band, maximum notional): an
   * OCO pair reserves what the dearer of its two orders may cost, once; the exits of OTO and
   * BRACKET orders reserve the position they close when they are placed, so nothing here.
   */
  private familyExposure(validated: ValidatedClass, desk: InstrumentDesk, reference: Fixed | null, fees: Fees): { family?: FamilyRequest; familyCash: Fixed; familyNotional: Fixed } {
    const price = (order: ValidatedOrder) => exposure(order, desk.steps, reference ?? order.limitPrice ?? order.stopPrice, this.config, fees);
    if (validated.orderClass === OrderClass.SIMPLE) return { familyCash: ZERO, familyNotional: ZERO };
    if (validated.sibling) {
      const priced = price(validated.sibling);
      return { family: { orderClass: validated.orderClass, sibling: { order: validated.sibling, protection: priced.protection } }, familyCash: priced.reservedCash, familyNotional: priced.notional };
    }
    const family: FamilyRequest = { orderClass: validated.orderClass };
    if (validated.takeProfit) {
      price(validated.takeProfit);
      family.takeProfit = validated.takeProfit.limitPrice!;
    }
    if (validated.stopLoss) {
      family.stopLoss = { stopPrice: validated.stopLoss.stopPrice!, limitPrice: validated.stopLoss.limitPrice, protection: price(validated.stopLoss).protection };
    }
    return { family, familyCash: ZERO, familyNotional: ZERO };
  }

  /**
   * Changes an open order in place. The edge checks the fields against the order's type and
   * steps and prices the changed prices against the band; the sequencer judges the rest
   * (filled quantity, buying power, the queue) when the amend's turn comes.
   */
  async amendOrder(session: Session, input: AmendOrderInput): Promise<Order> {
    const userId = session.requireUser();
    const row = isUuid(input.orderId) ? await this.dataSource.getRepository(OrderRow).findOneBy({ id: input.orderId }) : null;
    if (!row || row.userId !== userId) throw notFound("Order");
    const desk = this.desk(row.symbol);
    const amendment = validateAmendment(input, row, desk.steps);
    if (amendment.quantity !== null && (row.parentOrderId !== null || row.orderClass === OrderClass.OCO)) {
      throw badUserInput(`The quantity of ${row.parentOrderId === null || row.orderClass === OrderClass.OCO ? "an OCO order" : "an exit"} is set by its family: amend its price, or cancel it`, "quantity");
    }
    const last = this.marketData.lastPrice(desk.steps.symbol);
    const banded = { limitPrice: amendment.limitPrice !== null, stopPrice: amendment.stopPrice !== null };
    // A trailing stop's protection is fixed at acceptance unless its trail changes.
    const keepsProtection = row.type === OrderType.TRAILING_STOP && amendment.trail === null;
    const { notional, protection } = exposure(amendedShape(row, amendment, desk.steps), desk.steps, last ? parseFixed(last) : null, this.config, this.feesFor(desk.steps.symbol), banded);
    await this.compliance?.assertMayTrade(userId, notional);
    return toOrder((await this.sequencer.submit({ kind: "amend", request: { session, orderId: row.id, amendment, protection: keepsProtection ? null : protection } })) as OrderRow);
  }

  async cancelOrder(session: Session, id: string): Promise<Order> {
    session.requireUser();
    if (!isUuid(id)) throw notFound("Order");
    return toOrder((await this.sequencer.submit({ kind: "cancel", session, orderId: id })) as OrderRow);
  }

  /** Cancels every open order of the caller, in a portfolio and/or a symbol, in one sequence step. */
  async cancelAllOrders(session: Session, portfolioId: string | null, symbol: string | null): Promise<Order[]> {
    session.requireUser();
    if (portfolioId !== null && !isUuid(portfolioId)) throw notFound("Portfolio");
    if (symbol !== null) this.desk(symbol);
    const rows = (await this.sequencer.submit({ kind: "cancelAll", session, portfolioId, symbol })) as OrderRow[];
    return rows.map(toOrder);
  }

  /** A system account's whole ladder for one instrument, replaced in one sequence step. */
  async requote(session: Session, portfolioId: string, symbol: string, levels: QuoteLevel[], inventory: Inventory | null): Promise<void> {
    await this.sequencer.submit({ kind: "requote", session, portfolioId, symbol, levels, inventory });
  }

  /** ADMIN kill switch: a halted instrument accepts no new orders (cancels still work). */
  async setTradingHalted(session: Session, symbol: string, halted: boolean): Promise<boolean> {
    await this.instruments.requireSymbols([symbol]);
    await this.sequencer.submit({ kind: "halt", session, symbol, halted });
    await this.instruments.tradableChanged(symbol, !halted);
    return halted;
  }

  /** ADMIN kill switch for one user: no new orders from them (cancels still work). */
  async setUserTradingDisabled(session: Session, userId: string, disabled: boolean): Promise<boolean> {
    await this.sequencer.submit({ kind: "disableUser", session, userId, disabled });
    return disabled;
  }

  /** An order update as subscribers see it: the order as committed, and the fill that caused it. */
  orderUpdate(event: OrderEvent): { order: Order; fill: Fill | null } {
    const order = event.order as unknown as Order & { createdAt: string; updatedAt: string; expiresAt: string | null };
    const fill = event.fill as unknown as (Fill & { executedAt: string }) | null;
    return {
      order: { ...order, createdAt: new Date(order.createdAt), updatedAt: new Date(order.updatedAt), expiresAt: order.expiresAt ? new Date(order.expiresAt) : null },
      fill: fill && { ...fill, executedAt: new Date(fill.executedAt) },
    };
  }

  orderBook(symbol: string, depth: number): OrderBookSnapshot {
    return this.publisher.snapshot(this.desk(symbol), depth);
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


  private feesFor(symbol: string): Fees {
    return this.sequencer.state.fees(symbol);
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

  /** GTD orders due by `now` expire, on every book, in one sequence step (the GTD timer calls it). */
  async expireDue(now: Date): Promise<void> {
    await this.sequencer.submit({ kind: "expire", now: now.getTime() });
  }

  /** Arms the GTD timer for `at` unless it already fires earlier. */
  private armExpiry(at: number): void {
    if (this.stopped || (this.expiryAt !== null && this.expiryAt <= at)) return;
    clearTimeout(this.expiryTimer);
    this.expiryAt = at;
    // setTimeout takes at most 2^31-1 ms; firing early only re-arms.
    this.expiryTimer = setTimeout(
      () => {
        this.expiryAt = null;
        // A failed batch is logged by the sequencer; the timer is re-armed from the journal either way.
        void this.expireDue(new Date())
          .catch(() => undefined)
          .finally(() => this.armNextExpiry());
      },
      Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1),
    );
    this.expiryTimer.unref();
  }

  /** The earliest open GTD order, from the journal: at start and after each expiry. */
  private async armNextExpiry(): Promise<void> {
    if (this.stopped) return;
    try {
      const [{ next }] = await this.dataSource.query(`SELECT min(expires_at) AS next FROM orders WHERE time_in_force = $1 AND status = ANY($2)`, [TimeInForce.GTD, OPEN_STATUSES]);
      if (next) this.armExpiry(new Date(next).getTime());
    } catch {
      // The database is away: look again shortly rather than leave GTD orders unexpired.
      this.armExpiry(Date.now() + 5_000);
    }
  }

  /** Expires every DAY order on every book (the close timer calls it; so may an operator). */
  async expireDay(): Promise<void> {
    await this.sequencer.submit({ kind: "expireDay" });
  }
}

