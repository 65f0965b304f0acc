import type { DataSource } from "typeorm";
import type { TradingCompliance } from "../compliance";
import type { Config } from "../config";
import type { Session } from "../identity";
import { badUserInput, notFound } from "../infra/errors";
import { type Fixed, parseFixed, ZERO } from "../infra/fixed";
import type { OrderEvent } from "../infra/pubsub";
import type { Instrument, InstrumentService, MarketDataService } from "../market";
import type { Accounts } from "../portfolio";
import type { InstrumentDesk } from "./instrument-desk";
import type { Fees } from "./order-persistence";
import { amendedShape, type InstrumentSteps, stepsOf, validateAmendment, validateClass, type ValidatedClass, type ValidatedOrder, validateOrder } from "./order-validation";
import { exposure } from "./pre-trade-risk";
import type { Publisher } from "./publisher";
import { type FillFilter, type OrderFilter, OrderQueries } from "./order-queries";
import { OrderStream } from "./order-stream";
import type { FamilyRequest, Inventory, QuoteLevel } from "./sequence-step";
import type { RemoteSequencer } from "./remote-sequencer";
import type { Fence, Sequencer } from "./sequencer";
import { CommandIntake } from "./command-intake";
import type { CommandStreamKeys } from "./command-stream";
import type { Logger } from "../infra/logger";
import { OPEN_STATUSES, OrderClass, OrderRow, OrderType, TimeInForce } from "./trading.entities";
import { toOrder } from "./trading.mappers";
import type { AmendOrderInput, Fill, FillConnection, Order, OrderBookSnapshot, OrderConnection, PlaceOrderInput } from "./trading.types";
import { isUuid } from "../infra/graphql/text";

/** Order events past the retention are pruned this often. */
const PRUNE_INTERVAL_MS = 3_600_000;

/**
 * The order gateway: validates at the edge, prices the order's risk against the reference,
 * checks the KYC gate, and hands the command to the sequencer, which answers once it is
 * committed. The path reads one way: resolver -> gateway -> sequencer -> publisher, whether
 * the sequencer is in this process (ROLE=all, ROLE=sequencer) or reached over Redis Streams
 * (ROLE=api). Reads of orders and books are served here too.
 */
export class TradingService {
  private dayTimer?: NodeJS.Timeout;
  private expiryTimer?: NodeJS.Timeout;
  /** When the GTD timer fires next (epoch ms), or null when it is not armed. */
  private expiryAt: number | null = null;
  private stopped = false;
  private pruneTimer?: NodeJS.Timeout;
  private readonly queries: OrderQueries;
  private readonly stream: OrderStream;
  /** ROLE=api: each instrument's steps, for validation at the edge (the books are the sequencer's). */
  private readonly remoteSteps = new Map<string, InstrumentSteps>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: Config["trading"],
    private readonly instruments: InstrumentService,
    private readonly marketData: MarketDataService,
    private readonly sequencer: Sequencer,
    private readonly publisher: Publisher,
    /** Set in ROLE=api: commands go to the active sequencer over Redis Streams; `sequencer` stays idle here. */
    private readonly remote: RemoteSequencer | null,
    private readonly compliance?: TradingCompliance,
  ) {
    this.queries = new OrderQueries(dataSource);
    this.stream = new OrderStream(dataSource, config.orderEventRetentionDays);
  }

  /** Where commands go: the sequencer in this process, or the active one over Redis Streams. */
  private get gateway(): Pick<Sequencer, "submit"> {
    return this.remote ?? this.sequencer;
  }

  /** Rebuilds the sequencer from the journal, then starts book publishing and DAY expiry. */
  async start(): Promise<void> {
    if (this.remote) {
      await this.loadRemoteSteps();
      this.remote.start();
      return;
    }
    await this.sequencer.start((await this.instruments.bySymbol()).values());
    // Stale or fresh market data reaches the books as a command, in sequence with the orders.
    this.marketData.onStatusChange((status) => void this.sequencer.submit({ kind: "marketData", symbol: status.symbol, stale: status.stale }).catch(() => {}));
    this.publisher.start();
    this.scheduleDayClose();
    await this.armNextExpiry();
    // A failed prune (the database away) only leaves rows for the next run.
    this.pruneTimer = setInterval(() => void this.pruneOrderEvents(new Date()).catch(() => undefined), PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  /** Drops order events past the retention (each user's last is kept: it carries their counter). */
  pruneOrderEvents(now: Date): Promise<number> {
    return this.stream.prune(now);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.remote) return this.remote.stop();
    this.publisher.stop();
    clearTimeout(this.dayTimer);
    clearTimeout(this.expiryTimer);
    clearInterval(this.pruneTimer);
    await this.sequencer.stop();
  }

  /**
   * ROLE=sequencer, once it holds the lock: every commit checks `fence`, and commands come off
   * the command stream as well as from this process. Call after `start` (the rebuild).
   */
  async serveStream(fence: Fence, stream: { url: string; keys: CommandStreamKeys; consumer: string; expireAfterMs: number }, log: Logger): Promise<CommandIntake> {
    this.sequencer.fenceWith(fence);
    const book = (symbol: string, depth: number) => this.publisher.snapshot(this.desk(symbol), depth);
    const intake = new CommandIntake(stream.url, stream.keys, stream.consumer, this.sequencer, this.dataSource, book, stream.expireAfterMs, log);
    await intake.start();
    return intake;
  }

  /** Fences this sequencer's commits from now on (before its rebuild, so nothing commits unfenced). */
  fence(fence: Fence): void {
    this.sequencer.fenceWith(fence);
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
  async openBook(instrument: Instrument): Promise<void> {
    if (!this.remote) return this.sequencer.openBook(instrument);
    await this.remote.submit({ kind: "openBook", instrument });
    this.remoteSteps.set(instrument.symbol, stepsOf(instrument));
  }

  symbols(): string[] {
    return [...(this.remote ? this.remoteSteps : this.sequencer.state.desks).keys()];
  }

  /** BAD_USER_INPUT unless the symbol has a book. */
  assertSymbol(symbol: string): void {
    if (this.remote ? !this.remoteSteps.has(symbol) : !this.sequencer.desk(symbol)) throw badUserInput(`Unknown symbol: ${symbol}`, "symbol");
  }

  /** An instrument's steps: its book's here, or (ROLE=api) the listing's, read again once when unknown. */
  private async stepsFor(symbol: string): Promise<InstrumentSteps> {
    if (!this.remote) return this.desk(symbol).steps;
    if (!this.remoteSteps.has(symbol)) await this.loadRemoteSteps();
    const steps = this.remoteSteps.get(symbol);
    if (!steps) throw badUserInput(`Unknown symbol: ${symbol}`, "symbol");
    return steps;
  }

  private async loadRemoteSteps(): Promise<void> {
    for (const instrument of (await this.instruments.bySymbol()).values()) this.remoteSteps.set(instrument.symbol, stepsOf(instrument));
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
    const steps = await this.stepsFor(input.symbol);
    const order = validateOrder(input, steps, new Date());
    if (order.clientOrderId) {
      // A retry of a committed order gets it back, whatever the market has done since.
      const existing = await this.dataSource.getRepository(OrderRow).findOneBy({ userId, clientOrderId: order.clientOrderId });
      if (existing) return toOrder(existing);
    }
    const last = this.marketData.lastPrice(steps.symbol);
    const reference = last ? parseFixed(last) : null;
    const validatedClass = validateClass(input, order, steps, reference);
    const fees = this.feesFor(steps.symbol);
    const { notional, protection, reservedCash } = exposure(order, steps, reference, this.config, fees);
    const { family, familyCash, familyNotional } = this.familyExposure(validatedClass, steps, reference, fees);
    await this.compliance?.assertMayTrade(userId, notional > familyNotional ? notional : familyNotional);
    // A trailing stop's mark starts at the book's last trade, or at the reference when there is none.
    const mark = order.type === OrderType.TRAILING_STOP && last ? parseFixed(last) : null;
    const request = { session, userId, portfolioId: input.portfolioId, symbol: steps.symbol, order, protection, reservedCash: reservedCash > familyCash ? reservedCash : familyCash, mark, family };
    const row = (await this.gateway.submit({ kind: "place", request })) as OrderRow;
    if (row.expiresAt && OPEN_STATUSES.includes(row.status)) this.armExpiry(row.expiresAt.getTime());
    return toOrder(row);
  }

  /**
   * The rest of an order's family priced as orders of their own (band, maximum notional): an
   * OCO pair reserves what the dearer of its two orders may cost, once; the exits of OTO and
   * BRACKET orders reserve the position they close when they are placed, so nothing here.
   */
  private familyExposure(validated: ValidatedClass, steps: InstrumentSteps, reference: Fixed | null, fees: Fees): { family?: FamilyRequest; familyCash: Fixed; familyNotional: Fixed } {
    const price = (order: ValidatedOrder) => exposure(order, steps, reference ?? order.limitPrice ?? order.stopPrice, this.config, fees);
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
    const steps = await this.stepsFor(row.symbol);
    const amendment = validateAmendment(input, row, steps);
    if (amendment.quantity !== null && (row.parentOrderId !== null || row.orderClass === OrderClass.OCO)) {
      throw badUserInput(`The quantity of ${row.parentOrderId === null || row.orderClass === OrderClass.OCO ? "an OCO order" : "an exit"} is set by its family: amend its price, or cancel it`, "quantity");
    }
    const last = this.marketData.lastPrice(steps.symbol);
    const banded = { limitPrice: amendment.limitPrice !== null, stopPrice: amendment.stopPrice !== null };
    // A trailing stop's protection is fixed at acceptance unless its trail changes.
    const keepsProtection = row.type === OrderType.TRAILING_STOP && amendment.trail === null;
    const { notional, protection } = exposure(amendedShape(row, amendment, steps), steps, last ? parseFixed(last) : null, this.config, this.feesFor(steps.symbol), banded);
    await this.compliance?.assertMayTrade(userId, notional);
    return toOrder((await this.gateway.submit({ kind: "amend", request: { session, orderId: row.id, amendment, protection: keepsProtection ? null : protection } })) as OrderRow);
  }

  async cancelOrder(session: Session, id: string): Promise<Order> {
    session.requireUser();
    if (!isUuid(id)) throw notFound("Order");
    return toOrder((await this.gateway.submit({ kind: "cancel", session, orderId: id })) as OrderRow);
  }

  /** Cancels every open order of the caller, in a portfolio and/or a symbol, in one sequence step. */
  async cancelAllOrders(session: Session, portfolioId: string | null, symbol: string | null): Promise<Order[]> {
    session.requireUser();
    if (portfolioId !== null && !isUuid(portfolioId)) throw notFound("Portfolio");
    if (portfolioId !== null) session.assertPortfolioInReach(portfolioId);
    if (symbol !== null) await this.stepsFor(symbol);
    const rows = (await this.gateway.submit({ kind: "cancelAll", session, portfolioId, symbol })) as OrderRow[];
    return rows.map(toOrder);
  }

  /** A system account's whole ladder for one instrument, replaced in one sequence step. */
  async requote(session: Session, portfolioId: string, symbol: string, levels: QuoteLevel[], inventory: Inventory | null): Promise<void> {
    await this.gateway.submit({ kind: "requote", session, portfolioId, symbol, levels, inventory });
  }

  /** ADMIN kill switch: a halted instrument accepts no new orders (cancels still work). */
  async setTradingHalted(session: Session, symbol: string, halted: boolean): Promise<boolean> {
    await this.instruments.requireSymbols([symbol]);
    await this.gateway.submit({ kind: "halt", session, symbol, halted });
    await this.instruments.tradableChanged(symbol, !halted);
    await this.marketData.setAdminHalted(symbol, halted);
    return halted;
  }

  /** ADMIN kill switch for one user: no new orders from them (cancels still work). */
  async setUserTradingDisabled(session: Session, userId: string, disabled: boolean): Promise<boolean> {
    await this.gateway.submit({ kind: "disableUser", session, userId, disabled });
    return disabled;
  }

  /** An order update as subscribers see it: its sequence, the order as committed, and the fill that caused it. */
  orderUpdate(event: OrderEvent): { sequence: string; order: Order; fill: Fill | null } {
    const order = event.order as unknown as Order & { createdAt: string; updatedAt: string; expiresAt: string | null };
    const fill = event.fill as unknown as (Fill & { executedAt: string }) | null;
    return {
      sequence: event.sequence,
      order: { ...order, createdAt: new Date(order.createdAt), updatedAt: new Date(order.updatedAt), expiresAt: order.expiresAt ? new Date(order.expiresAt) : null },
      fill: fill && { ...fill, executedAt: new Date(fill.executedAt) },
    };
  }

  /** A book's depth: from the book here, or (ROLE=api) from the active sequencer's. */
  async orderBook(symbol: string, depth: number): Promise<OrderBookSnapshot> {
    if (this.remote) return this.remote.book((await this.stepsFor(symbol)).symbol, depth);
    return this.publisher.snapshot(this.desk(symbol), depth);
  }

  async findOrder(session: Session, id: string): Promise<Order | null> {
    const row = isUuid(id) ? await this.dataSource.getRepository(OrderRow).findOneBy({ id }) : null;
    if (!row || row.userId !== session.requireUser()) return null;
    session.assertPortfolioInReach(row.portfolioId);
    return toOrder(row);
  }

  /** The caller's orders, newest first, paged both ways, by portfolio, status, symbol and time. */
  orders(session: Session, filter: OrderFilter): Promise<OrderConnection> {
    if (filter.portfolioId) session.assertPortfolioInReach(filter.portfolioId);
    return this.queries.orders(session.requireUser(), { ...filter, reach: session.portfolioLimit });
  }

  /** The caller's fills, newest first, by portfolio, symbol and time. */
  fills(session: Session, filter: FillFilter): Promise<FillConnection> {
    if (filter.portfolioId) session.assertPortfolioInReach(filter.portfolioId);
    return this.queries.fills(session.requireUser(), { ...filter, reach: session.portfolioLimit });
  }

  /**
   * `orderUpdates(afterSequence:)`: what the caller missed after `after`, from the journal,
   * then `live` (already subscribed, so nothing published meanwhile is lost).
   */
  resumeOrderUpdates(userId: string, after: bigint, portfolioId: string | null, live: AsyncIterableIterator<OrderEvent>): Promise<AsyncIterableIterator<OrderEvent>> {
    return this.stream.resume(userId, after, portfolioId, live);
  }

  private feesFor(symbol: string): Fees {
    return this.config.fees.get(symbol) ?? this.config.fees.get("*") ?? { makerBps: 0, takerBps: 0 };
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
    await this.gateway.submit({ kind: "expire", now: now.getTime() });
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
    await this.gateway.submit({ kind: "expireDay" });
  }
}

