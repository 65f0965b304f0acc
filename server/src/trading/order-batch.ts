import { randomUUID } from "node:crypto";
import { In, type EntityManager } from "typeorm";
import { type BulkColumn, bulkInsert, bulkUpdate } from "../infra/database/bulk";
import { AppError } from "../infra/errors";
import { type Fixed, formatFixed, ZERO } from "../infra/fixed";
import type { Session } from "../identity";
import { LedgerBatch } from "../portfolio";
import type { Command } from "./engine";
import type { InstrumentDesk } from "./instrument-desk";
import { type CommandOutcome, type Fees, recordEvents } from "./order-persistence";
import { riskRejected, toTicks, type ValidatedOrder } from "./order-validation";
import { type FillRow, OrderRow, OrderStatus, type TradeRow } from "./trading.entities";

/** A new order that passed the checks needing no lock, with what they worked out. */
export interface PlaceRequest {
  kind: "place";
  /** Who places it: the portfolio must be theirs (checked under the portfolio's lock). */
  session: Session;
  userId: string;
  portfolioId: string;
  order: ValidatedOrder;
  /** The worst price a market order (or a triggered stop) may fill at. */
  protection: Fixed | null;
  /** What a buy reserves: its worst cost with the highest fee. */
  reservedCash: Fixed;
}

export type DeskRequest = PlaceRequest | { kind: "cancel"; engineId: number } | { kind: "expireDay" };

/** A desk as trading runs it: requests in, the order they concern out. */
export type TradingDesk = InstrumentDesk<DeskRequest, OrderRow | undefined>;

/**
 * One group of commands on one desk, inside one database transaction (group commit). Each
 * command runs in arrival order against the state the commands before it left: buying power,
 * holdings and the book all see earlier commands of the group. Checks that can refuse a command
 * run before it touches anything, so a refused command leaves the group unharmed. Everything is
 * written by `commit`, a handful of set-based statements for the whole group.
 */
export class OrderBatch {
  readonly ledger: LedgerBatch;
  private engineIds: number[] = [];
  private readonly tradingDisabled = new Set<string>();
  private tradable = true;
  /** `userId|clientOrderId` -> the order it already names (committed, or placed earlier in the group). */
  private readonly byClientOrderId = new Map<string, OrderRow>();
  private readonly created: OrderRow[] = [];
  private readonly now = new Date();

  constructor(
    private readonly manager: EntityManager,
    private readonly desk: TradingDesk,
    private readonly fees: Fees,
    readonly outcome: CommandOutcome,
  ) {
    this.ledger = new LedgerBatch(manager);
  }

  /** Reads what the group's new orders need, a statement per concern rather than per order. */
  async prepare(requests: DeskRequest[]): Promise<void> {
    const places = requests.filter((request): request is PlaceRequest => request.kind === "place");
    if (places.length === 0) return;
    const userIds = [...new Set(places.map((p) => p.userId))];
    const [{ ids, disabled, tradable }] = await this.manager.query(
      `SELECT (SELECT array_agg(nextval('order_engine_ids')) FROM generate_series(1, $1)) AS ids,
              (SELECT array_agg(id) FROM users WHERE id = ANY($2::uuid[]) AND trading_disabled) AS disabled,
              (SELECT is_tradable FROM instruments WHERE symbol = $3) AS tradable`,
      [places.length, userIds, this.desk.steps.symbol],
    );
    this.engineIds = ids.map(Number);
    for (const userId of disabled ?? []) this.tradingDisabled.add(userId);
    this.tradable = Boolean(tradable);
    const clientIds = places.flatMap((p) => (p.order.clientOrderId ? [p.order.clientOrderId] : []));
    if (clientIds.length > 0) {
      const existing = await this.manager.getRepository(OrderRow).find({ where: { userId: In(userIds), clientOrderId: In(clientIds) } });
      for (const row of existing) this.byClientOrderId.set(`${row.userId}|${row.clientOrderId}`, row);
    }
    await this.ledger.lock(
      places.map((p) => p.portfolioId),
      this.desk.steps.symbol,
    );
  }

  /** Risk under lock, reservation, matching: the order as it stands after its command. */
  async place(request: PlaceRequest): Promise<OrderRow> {
    const { userId, portfolioId, order } = request;
    const key = order.clientOrderId ? `${userId}|${order.clientOrderId}` : null;
    const known = key ? this.byClientOrderId.get(key) : undefined;
    if (known) return known;
    request.session.assertOwns(this.ledger.has(portfolioId) ? this.ledger.account(portfolioId) : null, "Portfolio");
    if (this.tradingDisabled.has(userId)) throw riskRejected("KILL_SWITCH", "Trading is disabled for this account");
    if (!this.tradable) throw riskRejected("TRADING_HALTED", `Trading in ${this.desk.steps.symbol} is halted`);
    this.reserve(request);
    const engineId = this.engineIds.shift()!;
    const row = Object.assign(new OrderRow(), {
      id: randomUUID(),
      engineId: String(engineId),
      userId,
      portfolioId,
      clientOrderId: order.clientOrderId,
      symbol: this.desk.steps.symbol,
      side: order.side,
      type: order.type,
      timeInForce: order.tif,
      quantity: formatFixed(order.quantity),
      limitPrice: order.limitPrice === null ? null : formatFixed(order.limitPrice),
      stopPrice: order.stopPrice === null ? null : formatFixed(order.stopPrice),
      protectionPrice: request.protection === null ? null : formatFixed(request.protection),
      filledQuantity: "0",
      filledNotional: "0",
      status: OrderStatus.NEW,
      rejectReason: null,
      reservedCash: formatFixed(request.reservedCash),
      reservedQuantity: formatFixed(order.side === "SELL" ? order.quantity : ZERO),
      queuedSeq: null,
      lastSeq: String(this.desk.book.sequence),
      createdAt: this.now,
      updatedAt: this.now,
    });
    this.created.push(row);
    if (key) this.byClientOrderId.set(key, row);
    const steps = this.desk.steps;
    await this.apply(
      {
        type: "submit",
        id: engineId,
        account: this.desk.account(userId),
        side: order.side,
        kind: order.type,
        tif: order.tif,
        quantity: order.lots,
        price: order.limitPrice === null ? undefined : toTicks(order.limitPrice, steps),
        stopPrice: order.stopPrice === null ? undefined : toTicks(order.stopPrice, steps),
        protection: request.protection === null ? undefined : toTicks(request.protection, steps),
      },
      new Map([[engineId, row]]),
    );
    this.outcome.orders.set(engineId, row);
    this.outcome.audit.push({ eventType: "order.placed", userId, entityType: "order", entityId: row.id, payload: { symbol: row.symbol, side: row.side, type: row.type, quantity: row.quantity, status: row.status } });
    return row;
  }

  /** A user's cancel of an open order of this desk. */
  async cancel(engineId: number): Promise<OrderRow> {
    const row = this.desk.openOrders.get(engineId);
    if (!row) {
      // Not open any more: say what became of it (a fill earlier in this group, or long ago).
      const earlier = [...this.outcome.orders.values()].find((order) => Number(order.engineId) === engineId);
      const status = earlier?.status ?? (await this.manager.getRepository(OrderRow).findOneBy({ engineId: String(engineId) }))?.status;
      throw new AppError("CONFLICT", `The order is already ${status}`);
    }
    await this.apply({ type: "cancel", id: engineId }, new Map());
    return row;
  }

  async expireDay(): Promise<void> {
    await this.apply({ type: "expireDay" }, new Map());
  }

  /** Writes the group: orders, trades, fills, cash and positions, the audit events. */
  async commit(appendAudit: (manager: EntityManager) => Promise<void>): Promise<void> {
    const created = new Set(this.created);
    await bulkInsert(this.manager, "orders", ORDER_COLUMNS, this.created);
    const changed = [...this.outcome.orders.values()].filter((row) => !created.has(row));
    await bulkUpdate(this.manager, "orders", ORDER_ID, ORDER_STATE, changed);
    await bulkInsert(this.manager, "trades", TRADE_COLUMNS, this.outcome.trades);
    await bulkInsert(
      this.manager,
      "fills",
      FILL_COLUMNS,
      this.outcome.fills.map(({ fill }) => fill),
    );
    await this.ledger.flush();
    await appendAudit(this.manager);
  }

  /** Buying power and holdings as the group has left them, and the reservation that holds them. */
  private reserve(request: PlaceRequest): void {
    const { portfolioId, order } = request;
    const symbol = this.desk.steps.symbol;
    if (order.side === "BUY") {
      const available = this.ledger.availableCash(portfolioId);
      if (request.reservedCash > available) {
        throw riskRejected("INSUFFICIENT_BUYING_POWER", `Buying power ${formatFixed(available)} is less than the ${formatFixed(request.reservedCash)} this order may cost`);
      }
      this.ledger.reserveCash(portfolioId, request.reservedCash);
      return;
    }
    const free = this.ledger.freeQuantity(portfolioId, symbol);
    if (order.quantity > free) throw riskRejected("INSUFFICIENT_POSITION", `Only ${formatFixed(free)} ${symbol} is free to sell; short selling is not allowed`);
    this.ledger.reserveQuantity(portfolioId, symbol, order.quantity);
  }

  /** Runs a command through the engine and records its events; locks the makers' portfolios first. */
  private async apply(command: Command, fresh: Map<number, OrderRow>): Promise<void> {
    const events = this.desk.book.apply(command);
    const row = (engineId: number) => {
      const found = fresh.get(engineId) ?? this.desk.openOrders.get(engineId);
      if (!found) throw new Error(`engine order ${engineId} has no open row`);
      return found;
    };
    const touched = new Set<number>(fresh.keys());
    for (const event of events) {
      if (event.type === "fill") touched.add(event.makerId);
      else if (event.type !== "rejected" || event.reason !== "UNKNOWN_ORDER") touched.add(event.id);
    }
    await this.ledger.lock(
      [...touched].map((engineId) => row(engineId).portfolioId),
      this.desk.steps.symbol,
    );
    recordEvents(events, row, this.ledger, this.desk.steps, this.fees, this.now, this.outcome);
    for (const engineId of touched) this.desk.track(row(engineId));
  }
}

const ORDER_ID: BulkColumn<OrderRow> = ["id", "uuid", (o) => o.id];
/** What a command can change of an order. */
const ORDER_STATE: Array<BulkColumn<OrderRow>> = [
  ["status", "varchar", (o) => o.status],
  ["reject_reason", "text", (o) => o.rejectReason],
  ["filled_quantity", "numeric", (o) => o.filledQuantity],
  ["filled_notional", "numeric", (o) => o.filledNotional],
  ["reserved_cash", "numeric", (o) => o.reservedCash],
  ["reserved_quantity", "numeric", (o) => o.reservedQuantity],
  ["queued_seq", "bigint", (o) => o.queuedSeq],
  ["last_seq", "bigint", (o) => o.lastSeq],
  ["updated_at", "timestamptz", (o) => o.updatedAt],
];
const ORDER_COLUMNS: Array<BulkColumn<OrderRow>> = [
  ORDER_ID,
  ["engine_id", "bigint", (o) => o.engineId],
  ["user_id", "uuid", (o) => o.userId],
  ["portfolio_id", "uuid", (o) => o.portfolioId],
  ["client_order_id", "varchar", (o) => o.clientOrderId],
  ["symbol", "varchar", (o) => o.symbol],
  ["side", "varchar", (o) => o.side],
  ["order_type", "varchar", (o) => o.type],
  ["time_in_force", "varchar", (o) => o.timeInForce],
  ["quantity", "numeric", (o) => o.quantity],
  ["limit_price", "numeric", (o) => o.limitPrice],
  ["stop_price", "numeric", (o) => o.stopPrice],
  ["protection_price", "numeric", (o) => o.protectionPrice],
  ["created_at", "timestamptz", (o) => o.createdAt],
  ...ORDER_STATE,
];
const TRADE_COLUMNS: Array<BulkColumn<TradeRow>> = [
  ["id", "uuid", (t) => t.id],
  ["symbol", "varchar", (t) => t.symbol],
  ["price", "numeric", (t) => t.price],
  ["quantity", "numeric", (t) => t.quantity],
  ["aggressor_side", "varchar", (t) => t.aggressorSide],
  ["maker_order_id", "uuid", (t) => t.makerOrderId],
  ["taker_order_id", "uuid", (t) => t.takerOrderId],
  ["seq", "bigint", (t) => t.seq],
  ["executed_at", "timestamptz", (t) => t.executedAt],
];
const FILL_COLUMNS: Array<BulkColumn<FillRow>> = [
  ["id", "uuid", (f) => f.id],
  ["order_id", "uuid", (f) => f.orderId],
  ["trade_id", "uuid", (f) => f.tradeId],
  ["symbol", "varchar", (f) => f.symbol],
  ["side", "varchar", (f) => f.side],
  ["price", "numeric", (f) => f.price],
  ["quantity", "numeric", (f) => f.quantity],
  ["fee", "numeric", (f) => f.fee],
  ["liquidity", "varchar", (f) => f.liquidity],
  ["seq", "bigint", (f) => f.seq],
  ["executed_at", "timestamptz", (f) => f.executedAt],
];
