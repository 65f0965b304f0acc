import { randomUUID } from "node:crypto";
import { In, type EntityManager } from "typeorm";
import { AppError } from "../infra/errors";
import { type Fixed, formatFixed, ZERO } from "../infra/fixed";
import type { Session } from "../identity";
import { LedgerBatch } from "../portfolio";
import type { Command } from "./engine";
import type { InstrumentDesk } from "./instrument-desk";
import { type CommandOutcome, type Fees, recordEvents } from "./order-persistence";
import { riskRejected, toTicks, type ValidatedOrder } from "./order-validation";
import { FillRow, OrderRow, OrderStatus, TradeRow } from "./trading.entities";

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
    const createdIds = new Set(this.created.map((row) => row.id));
    if (this.created.length > 0) await this.manager.insert(OrderRow, this.created);
    const changed = [...this.outcome.orders.values()].filter((row) => !createdIds.has(row.id));
    if (changed.length > 0) {
      const column = <K extends keyof OrderRow>(key: K) => changed.map((row) => row[key]);
      await this.manager.query(
        `UPDATE orders o
            SET status = v.status, reject_reason = v.reject_reason, filled_quantity = v.filled_quantity, filled_notional = v.filled_notional,
                reserved_cash = v.reserved_cash, reserved_quantity = v.reserved_quantity, queued_seq = v.queued_seq, last_seq = v.last_seq, updated_at = v.updated_at
           FROM unnest($1::uuid[], $2::varchar[], $3::text[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[], $8::bigint[], $9::bigint[], $10::timestamptz[])
             AS v(id, status, reject_reason, filled_quantity, filled_notional, reserved_cash, reserved_quantity, queued_seq, last_seq, updated_at)
          WHERE o.id = v.id`,
        [
          column("id"),
          column("status"),
          column("rejectReason"),
          column("filledQuantity"),
          column("filledNotional"),
          column("reservedCash"),
          column("reservedQuantity"),
          column("queuedSeq"),
          column("lastSeq"),
          column("updatedAt"),
        ],
      );
    }
    if (this.outcome.trades.length > 0) await this.manager.insert(TradeRow, this.outcome.trades);
    if (this.outcome.fills.length > 0) await this.manager.insert(FillRow, this.outcome.fills.map(({ fill }) => fill));
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
