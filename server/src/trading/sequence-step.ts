import { In, type EntityManager } from "typeorm";
import { AUDIT_COLUMNS, type AuditEventInput, type AuditLogRow } from "../audit";
import type { CashMovementGuard } from "../compliance";
import type { Session } from "../identity";
import { Journal } from "../infra/database/bulk";
import { AppError, notFound } from "../infra/errors";
import { type Fixed, formatFixed, mulFixed, parseFixed, ZERO } from "../infra/fixed";
import { type Accounts, type CashCommand, checkCurrencyPrecision, type FillInput, insufficientFunds, type TransactionRow, TransactionStatus, TransactionType } from "../portfolio";
import type { Command } from "./engine";
import type { Instrument } from "../market";
import { InstrumentDesk } from "./instrument-desk";
import { journalOrders, newOrderRow } from "./order-journal";
import { type CommandOutcome, emptyOutcome, type Fees, recordEvents } from "./order-persistence";
import { type Amendment, fromTicks, riskRejected, stepsOf, toLots, toTicks, trailForEngine, type ValidatedOrder } from "./order-validation";
import { buyReservation, checkAccount } from "./pre-trade-risk";
import { OPEN_STATUSES, OrderClass, OrderRow, OrderStatus, OrderType, TimeInForce } from "./trading.entities";
import { afterEvents, beforeFill, type Family, type FamilyStep, idsForExits, register, resettle, reservationFor } from "./order-classes";
import { isUuid } from "../infra/graphql/text";
import type { OrderEvent } from "../infra/pubsub";
import { numberOrderEvents, ORDER_EVENT_COLUMNS, type OrderSequences } from "./order-events";
import { journalWebhookNotices, type WebhookNotice } from "../webhooks";
import { batchNotices, transactionNotice } from "./webhook-notices";

const ENGINE_ID_BLOCK = 1_000;
/** What stale market data refuses: orders that would trade at, or trigger on, a price nobody has seen. */
const STALE_REFUSED: readonly string[] = [OrderType.MARKET, OrderType.STOP, OrderType.STOP_LIMIT, OrderType.TRAILING_STOP];

/** A new order that passed the gateway's checks, with what they worked out. */
export interface PlaceRequest {
  /** Who places it: the portfolio must be theirs (checked in sequence, where accounts live). */
  session: Session;
  userId: string;
  portfolioId: string;
  symbol: string;
  order: ValidatedOrder;
  /** The worst price a market order (or a triggered stop) may fill at. */
  protection: Fixed | null;
  /** What a buy reserves: its worst cost with the highest fee. */
  reservedCash: Fixed;
  /** TRAILING_STOP: the reference its mark starts at when the book has no trade yet. */
  mark?: Fixed | null;
  /** OCO, OTO, BRACKET: the rest of the family (docs/trading.md, "Order classes"). */
  family?: FamilyRequest;
}

/** An order's family as the gateway checked it; `reservedCash` already covers an OCO pair. */
export interface FamilyRequest {
  orderClass: OrderClass;
  /** OCO: the second order (same side and quantity), with its protection. */
  sibling?: { order: ValidatedOrder; protection: Fixed | null };
  /** OTO/BRACKET: the take-profit LIMIT's price. */
  takeProfit?: Fixed;
  /** OTO/BRACKET: the stop-loss, a STOP (with the protection it fills within) or a STOP_LIMIT. */
  stopLoss?: { stopPrice: Fixed; limitPrice: Fixed | null; protection: Fixed | null };
}

/** An amend that passed the gateway's checks, with the protection its new stop price gives. */
export interface AmendRequest {
  session: Session;
  orderId: string;
  amendment: Amendment;
  /** A STOP's worst fill price once triggered, from its (new) stop price; null for limits. */
  protection: Fixed | null;
}

/** One level of a market maker's ladder. */
export interface QuoteLevel {
  side: "BUY" | "SELL";
  price: Fixed;
  quantity: Fixed;
}

/** A market maker's stock to sell from: topped up to `target` at `price` when below half of it. */
export interface Inventory {
  target: Fixed;
  price: Fixed;
}

/** Everything that moves money or orders, as the sequencer takes it. */
export type SequencerCommand =
  | { kind: "place"; request: PlaceRequest }
  | { kind: "cancel"; session: Session; orderId: string }
  | { kind: "amend"; request: AmendRequest }
  | { kind: "cancelAll"; session: Session; portfolioId: string | null; symbol: string | null }
  | { kind: "expireDay" }
  /** GTD orders whose expiresAt is at or before `now` (epoch milliseconds) expire. */
  | { kind: "expire"; now: number }
  | { kind: "cash"; command: CashCommand }
  | { kind: "bookFill"; fill: FillInput }
  | { kind: "requote"; session: Session; portfolioId: string; symbol: string; levels: QuoteLevel[]; inventory: Inventory | null }
  | { kind: "halt"; session: Session; symbol: string; halted: boolean }
  /** The market-data service found the symbol's prices stale (or fresh again). */
  | { kind: "marketData"; symbol: string; stale: boolean }
  | { kind: "disableUser"; session: Session; userId: string; disabled: boolean }
  | { kind: "openBook"; instrument: Instrument };

/** What a command answers: the order(s) it concerns, a cash movement, a flag, or nothing. */
export type SequencerResult = OrderRow | OrderRow[] | TransactionRow | boolean | undefined;

/** What the sequencer keeps between batches, besides the books and accounts. */
export interface SequencerState {
  desks: Map<string, InstrumentDesk>;
  accounts: Accounts;
  halted: Set<string>;
  disabledUsers: Set<string>;
  /** System accounts (the market maker): their quote churn is summarised, not audited order by order. */
  systemUsers: Set<string>;
  /** Orders placed and cancelled, fills, by symbol, of system accounts since the last summary. */
  systemActivity: Map<string, { placed: number; cancelled: number; fills: number }>;
  /** Engine ids drawn from the database's sequence and not used yet (a gap on restart is harmless). */
  engineIds: number[];
  /** Each user's last order-event sequence (the resumable `orderUpdates` stream). */
  sequences: OrderSequences;
  fees(symbol: string): Fees;
}

/** What the step needs of other features inside its transaction. */
export interface StepPorts {
  compliance?: CashMovementGuard;
  setTradable(manager: EntityManager, symbol: string, tradable: boolean): Promise<void>;
  setTradingDisabled(manager: EntityManager, userId: string, disabled: boolean): Promise<boolean>;
}

/**
 * One batch of commands inside one database transaction (group commit), across every
 * instrument and portfolio. Each command runs in arrival order against the state the commands
 * before it left: buying power, holdings and the books all see earlier commands of the batch.
 * Checks that can refuse a command run before it touches anything, so a refused command leaves
 * the batch unharmed. The journal is written by `commit`: a handful of set-based statements for
 * the whole batch, and no row is locked to read it (the sequencer is the only writer).
 */
export class SequenceStep {
  readonly outcome: CommandOutcome = emptyOutcome();
  /** Books a command of this batch changed: rebuilt when the commit fails. */
  readonly touchedDesks = new Set<InstrumentDesk>();
  /** `userId|clientOrderId` -> the order it already names (committed, or placed earlier in the batch). */
  private readonly byClientOrderId = new Map<string, OrderRow>();
  private readonly created: OrderRow[] = [];
  /** Webhook notices of this batch's cash movements (orders and fills come from the outcome). */
  private readonly cashNotices: WebhookNotice[] = [];
  readonly now = new Date();
  /** What order families (order-classes.ts) may do in this step. */
  private readonly families: FamilyStep = {
    accounts: this.state.accounts,
    outcome: this.outcome,
    now: this.now,
    fees: (symbol) => this.state.fees(symbol),
    apply: (desk, command, fresh) => this.apply(desk, command, fresh),
    engineId: () => this.state.engineIds.shift()!,
    created: (row) => this.created.push(row),
  };
  /** The batch's order updates of customers, numbered per user by `commit`: what the publisher sends. */
  orderEvents: OrderEvent[] = [];

  constructor(
    private readonly manager: EntityManager,
    private readonly state: SequencerState,
    private readonly ports: StepPorts,
  ) {}

  /** Reads what the batch needs, a statement per concern rather than per command. */
  async prepare(commands: SequencerCommand[]): Promise<void> {
    const places = commands.flatMap((c) => (c.kind === "place" ? [c.request] : []));
    const levels = commands.reduce((n, c) => n + (c.kind === "requote" ? c.levels.length : 0), 0);
    const portfolioIds = commands.flatMap((c) => {
      switch (c.kind) {
        case "place":
          return [c.request.portfolioId];
        case "cash":
          return [c.command.portfolioId];
        case "bookFill":
          return [c.fill.portfolioId];
        case "requote":
          return [c.portfolioId];
        default:
          return [];
      }
    });
    await this.state.accounts.load(this.manager, portfolioIds.filter(isUuid));
    // Places of a family take an id per member; fills may place the exits of waiting entries.
    const members = places.reduce((n, p) => n + (p.family?.sibling ? 1 : 0) + (p.family?.takeProfit ? 1 : 0) + (p.family?.stopLoss ? 1 : 0), 0);
    const needed = places.length + levels + members + idsForExits(this.state.desks.values());
    const pool = this.state.engineIds;
    if (pool.length < needed) {
      // Ids come from a sequence, a block at a time: one round trip per thousand orders, not per batch.
      const [{ ids }] = await this.manager.query(`SELECT array_agg(nextval('order_engine_ids')) AS ids FROM generate_series(1, $1)`, [Math.max(needed - pool.length, ENGINE_ID_BLOCK)]);
      pool.push(...ids.map(Number));
    }
    const withClientId = places.filter((p) => p.order.clientOrderId);
    if (withClientId.length > 0) {
      const existing = await this.manager.getRepository(OrderRow).find({
        where: { userId: In([...new Set(withClientId.map((p) => p.userId))]), clientOrderId: In(withClientId.map((p) => p.order.clientOrderId!)) },
      });
      for (const row of existing) this.byClientOrderId.set(`${row.userId}|${row.clientOrderId}`, row);
    }
  }

  /** Runs one command in memory (a cash movement also writes its row, for the AML rules to see). */
  async run(command: SequencerCommand): Promise<SequencerResult> {
    switch (command.kind) {
      case "place":
        return this.place(command.request);
      case "cancel":
        return this.cancel(command.session, command.orderId);
      case "cancelAll":
        return this.cancelAll(command);
      case "amend":
        return this.amend(command.request);
      case "expireDay":
        for (const desk of this.state.desks.values()) this.apply(desk, { type: "expireDay" }, new Map());
        return undefined;
      case "expire":
        for (const desk of this.state.desks.values()) this.apply(desk, { type: "expire", now: command.now }, new Map());
        return undefined;
      case "cash":
        return this.moveCash(command.command);
      case "bookFill":
        return this.bookFill(command.fill);
      case "requote":
        return this.requote(command);
      case "halt":
        await this.ports.setTradable(this.manager, command.symbol, !command.halted);
        if (command.halted) this.state.halted.add(command.symbol);
        else this.state.halted.delete(command.symbol);
        this.outcome.audit.push({ eventType: command.halted ? "trading.halted" : "trading.resumed", userId: command.session.userId, entityType: "instrument", entityId: command.symbol });
        return command.halted;
      case "marketData":
        return this.marketData(command.symbol, command.stale);
      case "openBook": {
        const { symbol } = command.instrument;
        if (!this.state.desks.has(symbol)) {
          const desk = new InstrumentDesk(stepsOf(command.instrument));
          await desk.recover(this.manager);
          this.state.desks.set(symbol, desk);
          this.touchedDesks.add(desk);
        }
        if (!command.instrument.isTradable) this.state.halted.add(symbol);
        return undefined;
      }
      case "disableUser": {
        if (!isUuid(command.userId) || !(await this.ports.setTradingDisabled(this.manager, command.userId, command.disabled))) throw notFound("User");
        if (command.disabled) this.state.disabledUsers.add(command.userId);
        else this.state.disabledUsers.delete(command.userId);
        this.outcome.audit.push({ eventType: command.disabled ? "trading.user_disabled" : "trading.user_enabled", userId: command.session.userId, entityType: "user", entityId: command.userId });
        return command.disabled;
      }
    }
  }

  /**
   * Writes the batch in one statement: orders, trades, fills, cash and positions, transactions,
   * the numbered order events, the audit events, linked to the chain's head by `link` (which
   * takes the chain's lock), and the webhook deliveries they cause. System accounts' order
   * events (the market maker's quote churn) are published but not journalled: nobody resumes
   * their stream.
   */
  async commit(link: (manager: EntityManager, events: AuditEventInput[]) => Promise<AuditLogRow[]>): Promise<void> {
    const journal = journalOrders(new Journal(), this.created, this.outcome);
    // A system account's quote churn is neither journalled as order updates nor published: nobody
    // can subscribe as the market maker, and its activity is summarised in the audit log.
    this.orderEvents = numberOrderEvents(this.outcome, this.state.sequences).filter((event) => !this.state.systemUsers.has(event.userId));
    journal.insert("order_events", ORDER_EVENT_COLUMNS(this.now), this.orderEvents);
    this.state.accounts.journal(journal);
    journal.insert("audit_logs", AUDIT_COLUMNS, await link(this.manager, this.outcome.audit));
    // The webhook outbox, in the same statement: a notice exists exactly when its change does.
    journalWebhookNotices(journal, [...batchNotices(this.outcome, this.state.systemUsers), ...this.cashNotices]);
    await journal.write(this.manager);
  }

  private desk(symbol: string): InstrumentDesk {
    const desk = this.state.desks.get(symbol);
    if (!desk) throw new AppError("BAD_USER_INPUT", `Unknown symbol: ${symbol}`, { field: "symbol" });
    return desk;
  }

  /** Risk in sequence, reservation, matching: the order as it stands after its command. */
  private place(request: PlaceRequest): OrderRow {
    const { userId, portfolioId, order } = request;
    const key = order.clientOrderId ? `${userId}|${order.clientOrderId}` : null;
    const known = key ? this.byClientOrderId.get(key) : undefined;
    if (known) return known;
    const accounts = this.state.accounts;
    request.session.assertOwns(accounts.has(portfolioId) ? accounts.account(portfolioId) : null, "Portfolio");
    const desk = this.desk(request.symbol);
    const symbol = desk.steps.symbol;
    if (desk.stale && STALE_REFUSED.includes(order.type)) {
      throw riskRejected("MARKET_DATA_STALE", `The market data of ${symbol} is stale: market and stop orders are refused until prices resume (limit orders are accepted)`);
    }
    checkAccount(
      order,
      request.reservedCash,
      {
        availableCash: accounts.availableCash(portfolioId),
        freeQuantity: accounts.freeQuantity(portfolioId, symbol),
        tradingDisabled: this.state.disabledUsers.has(userId),
        tradable: !this.state.halted.has(symbol),
      },
      symbol,
    );
    if (order.side === "BUY") accounts.reserveCash(portfolioId, request.reservedCash);
    else accounts.reserveQuantity(portfolioId, symbol, order.quantity);
    const row = newOrderRow(this.state.engineIds.shift()!, request, desk, this.now);
    this.created.push(row);
    if (key) this.byClientOrderId.set(key, row);
    const family: Family | null = request.family && request.family.orderClass !== OrderClass.SIMPLE ? { orderClass: request.family.orderClass, root: row, legs: [] } : null;
    if (family) register(desk, family);
    this.submit(desk, row, order, request);
    const sibling = request.family?.sibling;
    if (family && sibling) {
      // OCO: the sibling is a leg of the first order; it never reaches the book when the first
      // has already filled, triggered or closed.
      const leg = newOrderRow(this.state.engineIds.shift()!, { ...request, order: sibling.order, protection: sibling.protection, reservedCash: ZERO, mark: null, family: undefined }, desk, this.now);
      Object.assign(leg, { clientOrderId: null, orderClass: OrderClass.OCO, parentOrderId: row.id, reservedQuantity: "0" });
      this.created.push(leg);
      if (family.winner || !OPEN_STATUSES.includes(row.status)) {
        Object.assign(leg, { status: OrderStatus.CANCELLED, rejectReason: "OCO_SIBLING" });
        this.outcome.orders.set(Number(leg.engineId), leg);
      } else {
        family.legs.push(leg);
        register(desk, family);
        this.submit(desk, leg, sibling.order, { ...request, protection: sibling.protection, mark: null });
      }
    }
    return row;
  }

  /** A new order (or an OCO sibling) into its book. */
  private submit(desk: InstrumentDesk, row: OrderRow, order: ValidatedOrder, request: PlaceRequest): void {
    const { steps } = desk;
    const engineId = Number(row.engineId);
    this.apply(
      desk,
      {
        type: "submit",
        id: engineId,
        account: desk.account(row.userId),
        side: order.side,
        kind: order.type,
        tif: order.tif,
        quantity: order.lots,
        price: order.limitPrice === null ? undefined : toTicks(order.limitPrice, steps),
        stopPrice: order.stopPrice === null ? undefined : toTicks(order.stopPrice, steps),
        protection: request.protection === null ? undefined : toTicks(request.protection, steps),
        postOnly: order.postOnly || undefined,
        display: order.displayLots,
        ...trailForEngine(order, steps),
        expiresAt: order.expiresAt?.getTime(),
        mark: request.mark ? toTicks(request.mark, steps) : undefined,
      },
      new Map([[engineId, row]]),
    );
    this.outcome.orders.set(engineId, row);
    if (this.state.systemUsers.has(row.userId)) this.activity(steps.symbol).placed++;
    else
      this.outcome.audit.push({
        eventType: "order.placed",
        userId: row.userId,
        entityType: "order",
        entityId: row.id,
        payload: { symbol: steps.symbol, side: row.side, type: row.type, quantity: row.quantity, status: row.status, ...(row.orderClass === OrderClass.SIMPLE ? {} : { orderClass: row.orderClass, parentOrderId: row.parentOrderId }) },
      });
  }

  /** A user's cancel of one of their open orders. */
  private async cancel(session: Session, orderId: string): Promise<OrderRow> {
    const open = await this.openOrder(session, orderId);
    this.apply(open.desk, { type: "cancel", id: Number(open.row.engineId) }, new Map());
    if (this.state.systemUsers.has(open.row.userId)) this.activity(open.desk.steps.symbol).cancelled++;
    return open.row;
  }

  /** The caller's open order and its desk; NOT_FOUND for anyone else's, CONFLICT once it is closed. */
  private async openOrder(session: Session, orderId: string): Promise<{ desk: InstrumentDesk; row: OrderRow }> {
    for (const desk of this.state.desks.values()) {
      const row = desk.openOrder(orderId);
      if (row) {
        session.assertOwns(row, "Order");
        return { desk, row };
      }
    }
    // Not open (any more): say what became of it, to its owner only.
    const earlier = [...this.outcome.orders.values()].find((order) => order.id === orderId);
    const row = earlier ?? (isUuid(orderId) ? await this.manager.getRepository(OrderRow).findOneBy({ id: orderId }) : null);
    session.assertOwns(row, "Order");
    throw new AppError("CONFLICT", `The order is already ${row.status}`);
  }

  /**
   * Changes an open order in place. Every refusal comes before anything changes: below what
   * has filled, a stop that has already triggered, kill switches, and the buying power or
   * holding the larger reservation needs. Then the reservation is re-priced for what remains
   * (the worst price times the new remaining quantity, with the higher fee) and the engine
   * decides the queue: a lower quantity keeps its place, a new price or a larger quantity
   * loses it and meets the book like a new order. Amending to what has filled closes the order.
   */
  private async amend(request: AmendRequest): Promise<OrderRow> {
    const { desk, row } = await this.openOrder(request.session, request.orderId);
    const { amendment } = request;
    const { steps } = desk;
    const accounts = this.state.accounts;
    const filled = parseFixed(row.filledQuantity);
    const total = amendment.quantity ?? parseFixed(row.quantity);
    if (total < filled) throw new AppError("BAD_USER_INPUT", `quantity ${formatFixed(total)} is below the ${formatFixed(filled)} already filled`, { field: "quantity" });
    if (amendment.stopPrice !== null && row.status !== OrderStatus.PENDING_TRIGGER) throw new AppError("CONFLICT", "The stop has already triggered: its stop price can no longer change");
    const remaining = total - filled;
    const limitPrice = amendment.limitPrice ?? (row.limitPrice === null ? null : parseFixed(row.limitPrice));
    const protection = request.protection ?? (row.protectionPrice === null ? null : parseFixed(row.protectionPrice));
    if (amendment.quantity !== null && desk.families.has(row.id) && (row.parentOrderId !== null || row.orderClass === OrderClass.OCO)) {
      throw new AppError("BAD_USER_INPUT", "The quantity of an OCO order or of an exit is set by its family: amend its price, or cancel it", { field: "quantity" });
    }
    const fees = this.state.fees(steps.symbol);
    // A member of an OCO pair or of a bracket's exits reserves with its family (once for the group).
    const { cash: reservedCash, quantity: reservedQuantity } = reservationFor(
      desk,
      row,
      {
        cash: row.side === "BUY" && remaining > ZERO ? buyReservation(mulFixed(remaining, (limitPrice ?? protection)!, "up"), fees) : ZERO,
        quantity: row.side === "SELL" ? remaining : ZERO,
      },
      fees,
    );
    const extraCash = reservedCash - parseFixed(row.reservedCash);
    const extraQuantity = reservedQuantity - parseFixed(row.reservedQuantity);
    checkAccount(
      { side: row.side, quantity: extraQuantity },
      extraCash,
      {
        availableCash: accounts.availableCash(row.portfolioId),
        freeQuantity: accounts.freeQuantity(row.portfolioId, steps.symbol),
        tradingDisabled: this.state.disabledUsers.has(row.userId),
        tradable: !this.state.halted.has(steps.symbol),
      },
      steps.symbol,
    );
    if (extraCash !== ZERO) accounts.reserveCash(row.portfolioId, extraCash);
    if (extraQuantity !== ZERO) accounts.reserveQuantity(row.portfolioId, steps.symbol, extraQuantity);
    const before = { quantity: row.quantity, limitPrice: row.limitPrice, stopPrice: row.stopPrice, trailAmount: row.trailAmount, trailPercent: row.trailPercent };
    const trail = amendment.trail;
    Object.assign(row, {
      // Closing an unfilled order by amending it to zero keeps the quantity it was asked for.
      quantity: formatFixed(total === ZERO ? parseFixed(row.quantity) : total),
      trailAmount: trail === null ? row.trailAmount : trail.trailAmount === undefined ? null : formatFixed(trail.trailAmount),
      trailPercent: trail === null ? row.trailPercent : trail.trailPercent === undefined ? null : formatFixed(trail.trailPercent),
      limitPrice: limitPrice === null ? null : formatFixed(limitPrice),
      stopPrice: amendment.stopPrice === null ? row.stopPrice : formatFixed(amendment.stopPrice),
      protectionPrice: protection === null ? null : formatFixed(protection),
      reservedCash: formatFixed(reservedCash),
      reservedQuantity: formatFixed(reservedQuantity),
    });
    this.apply(
      desk,
      {
        type: "amend",
        id: Number(row.engineId),
        quantity: toLots(remaining, steps),
        price: amendment.limitPrice === null ? undefined : toTicks(amendment.limitPrice, steps),
        stopPrice: amendment.stopPrice === null ? undefined : toTicks(amendment.stopPrice, steps),
        protection: request.protection === null || row.status !== OrderStatus.PENDING_TRIGGER ? undefined : toTicks(request.protection, steps),
        ...(trail === null ? {} : trailForEngine(trail, steps)),
      },
      new Map(),
    );
    // A trailing stop that lost its place keeps its mark: recovery starts from it at the new queued_seq.
    const mark = desk.book.trailingMark(Number(row.engineId));
    if (mark !== undefined) row.trailMark = formatFixed(fromTicks(mark, steps));
    resettle(desk, row, this.families);
    this.outcome.orders.set(Number(row.engineId), row);
    this.outcome.portfolios.add(row.portfolioId);
    this.outcome.audit.push({ eventType: "order.amended", userId: row.userId, entityType: "order", entityId: row.id, payload: { before, after: { quantity: row.quantity, limitPrice: row.limitPrice, stopPrice: row.stopPrice, trailAmount: row.trailAmount, trailPercent: row.trailPercent }, status: row.status } });
    return row;
  }

  /** Every open order of the caller (in a portfolio, a symbol, or both), cancelled in one step. */
  private cancelAll(command: Extract<SequencerCommand, { kind: "cancelAll" }>): OrderRow[] {
    const userId = command.session.requireUser();
    const cancelled: OrderRow[] = [];
    for (const desk of this.state.desks.values()) {
      if (command.symbol !== null && desk.steps.symbol !== command.symbol) continue;
      for (const row of [...desk.openOrders.values()]) {
        if (row.userId !== userId || (command.portfolioId !== null && row.portfolioId !== command.portfolioId) || !command.session.reaches(row.portfolioId)) continue;
        this.apply(desk, { type: "cancel", id: Number(row.engineId) }, new Map());
        cancelled.push(row);
      }
    }
    return cancelled;
  }

  /**
   * A market maker's requote in one step: its open orders in the symbol are cancelled and the
   * new ladder placed, so no order ever meets a book with one side missing. Levels that risk
   * refuses (buying power, inventory) are left out.
   */
  private requote(command: Extract<SequencerCommand, { kind: "requote" }>): undefined {
    const desk = this.desk(command.symbol);
    for (const row of [...desk.openOrders.values()]) {
      if (row.portfolioId !== command.portfolioId) continue;
      this.apply(desk, { type: "cancel", id: Number(row.engineId) }, new Map());
      this.activity(command.symbol).cancelled++;
    }
    // No quotes on a stale price: the ladder stays pulled until the market data is fresh.
    if (desk.stale) return undefined;
    const userId = command.session.requireUser();
    const held = this.state.accounts.has(command.portfolioId) ? this.state.accounts.held(command.portfolioId, command.symbol) : null;
    if (command.inventory && held !== null && held * 2n < command.inventory.target) {
      this.bookFill({
        portfolioId: command.portfolioId,
        userId,
        symbol: command.symbol,
        assetName: command.symbol,
        side: "BUY",
        quantity: command.inventory.target - held,
        price: command.inventory.price,
        fee: ZERO,
        reference: { inventory: "market-maker" },
      });
    }
    for (const level of command.levels) {
      const lots = Number(level.quantity / desk.steps.lot);
      const order: ValidatedOrder = { side: level.side, type: OrderType.LIMIT, tif: TimeInForce.GTC, quantity: level.quantity, lots, limitPrice: level.price, stopPrice: null, clientOrderId: null };
      const reservedCash = level.side === "BUY" ? buyReservation(mulFixed(level.quantity, level.price, "up"), this.state.fees(command.symbol)) : ZERO;
      try {
        this.place({ session: command.session, userId, portfolioId: command.portfolioId, symbol: command.symbol, order, protection: null, reservedCash });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
      }
    }
    return undefined;
  }

  /**
   * Stale market data, in sequence: the book's stops stop triggering and the system accounts'
   * quotes (the market maker's ladder) are pulled in the same step; fresh again, stops resume
   * (the market maker requotes by its own command). Customers' resting orders stay.
   */
  private marketData(symbol: string, stale: boolean): boolean {
    const desk = this.state.desks.get(symbol);
    if (!desk || desk.stale === stale) return stale;
    desk.setStale(stale);
    if (stale) {
      for (const row of [...desk.openOrders.values()]) {
        if (!this.state.systemUsers.has(row.userId)) continue;
        this.apply(desk, { type: "cancel", id: Number(row.engineId) }, new Map());
        this.activity(symbol).cancelled++;
      }
    }
    this.outcome.audit.push({ eventType: stale ? "market_data.stale" : "market_data.fresh", entityType: "instrument", entityId: symbol });
    return stale;
  }

  private async moveCash(command: CashCommand): Promise<TransactionRow> {
    const { portfolioId, type, amount, userId } = command;
    const accounts = this.state.accounts;
    const account = accounts.has(portfolioId) ? accounts.account(portfolioId) : null;
    command.session.assertOwns(account, "Portfolio");
    checkCurrencyPrecision(amount, account.currency);
    await this.ports.compliance?.beforeCashMovement(this.manager, { userId, type, amount });
    const available = accounts.availableCash(portfolioId);
    if (type === TransactionType.WITHDRAWAL && amount > available) throw insufficientFunds(available, account.currency);
    const transaction = accounts.moveCash(portfolioId, type, amount);
    // Written now, not at the commit: KYC limits and AML rules read the day's movements,
    // this one included, and so must later commands of the batch.
    await accounts.flush(this.manager);
    this.outcome.audit.push({
      eventType: type === TransactionType.DEPOSIT ? "ledger.deposit" : "ledger.withdrawal",
      userId,
      entityType: "transaction",
      entityId: transaction.transactionId,
      payload: { portfolioId, amount: formatFixed(amount), currency: account.currency },
    });
    await this.ports.compliance?.afterCashMovement(this.manager, { userId, transactionId: transaction.transactionId });
    this.outcome.portfolios.add(portfolioId);
    this.cashNotices.push(transactionNotice(transaction, TransactionStatus.COMPLETED, this.now));
    return { ...transaction, status: TransactionStatus.COMPLETED, createdAt: this.now, updatedAt: this.now, settlementDate: null } as unknown as TransactionRow;
  }

  private bookFill(fill: FillInput): undefined {
    const accounts = this.state.accounts;
    if (!accounts.has(fill.portfolioId)) throw notFound("Portfolio");
    if (fill.side === "SELL" && fill.quantity > accounts.freeQuantity(fill.portfolioId, fill.symbol)) {
      throw new AppError("BAD_USER_INPUT", `sell of ${formatFixed(fill.quantity)} ${fill.symbol} exceeds the free holding`);
    }
    accounts.applyFill(fill);
    this.outcome.portfolios.add(fill.portfolioId);
    return undefined;
  }

  /** Runs a command through a book and settles its events in memory. */
  private apply(desk: InstrumentDesk, command: Command, fresh: Map<number, OrderRow>): void {
    const events = desk.book.apply(command);
    if (events.length === 0) return;
    this.touchedDesks.add(desk);
    const row = (engineId: number) => {
      const found = fresh.get(engineId) ?? desk.openOrders.get(engineId);
      if (!found) throw new Error(`engine order ${engineId} has no open row`);
      return found;
    };
    const touched = new Set<number>(fresh.keys());
    for (const event of events) {
      if (event.type === "fill") {
        touched.add(event.makerId);
        if (this.state.systemUsers.has(row(event.makerId).userId)) this.activity(desk.steps.symbol).fills++;
      } else if (event.type !== "rejected" || event.reason !== "UNKNOWN_ORDER") touched.add(event.id);
    }
    const handOver = desk.families.size === 0 ? undefined : (filled: OrderRow) => beforeFill(desk, filled);
    recordEvents(events, row, this.state.accounts, desk.steps, this.state.fees(desk.steps.symbol), this.now, this.outcome, handOver);
    for (const engineId of touched) desk.track(row(engineId));
    // OCO siblings, bracket exits: in this same step (order-classes.ts).
    afterEvents(desk, events, this.families);
  }

  private activity(symbol: string) {
    let counts = this.state.systemActivity.get(symbol);
    if (!counts) this.state.systemActivity.set(symbol, (counts = { placed: 0, cancelled: 0, fills: 0 }));
    return counts;
  }
}
