import { randomUUID } from "node:crypto";
import type { BulkColumn, Journal } from "../infra/database/bulk";
import { type Fixed, formatFixed, ZERO } from "../infra/fixed";
import type { InstrumentDesk } from "./instrument-desk";
import type { CommandOutcome } from "./order-persistence";
import type { PlaceRequest } from "./sequence-step";
import { type FillRow, OrderClass, OrderRow, OrderStatus, type TradeRow } from "./trading.entities";

/**
 * The rows of orders, trades and fills as the sequencer journals them: a new order's row, and
 * the batch's orders (new ones inserted, the rest updated in what a command can change), trades
 * and fills as parts of its one journal statement.
 */
export function journalOrders(journal: Journal, created: OrderRow[], outcome: CommandOutcome): Journal {
  const fresh = new Set(created);
  const changed = [...outcome.orders.values()].filter((row) => !fresh.has(row));
  return journal
    .insert("orders", ORDER_COLUMNS, created)
    .update("orders", ORDER_ID, ORDER_STATE, changed)
    .insert("trades", TRADE_COLUMNS, outcome.trades)
    .insert(
      "fills",
      FILL_COLUMNS,
      outcome.fills.map(({ fill }) => fill),
    );
}

/** A placed order's row as it enters the book: NEW, nothing filled, its reservation held. */
export function newOrderRow(engineId: number, request: PlaceRequest, desk: InstrumentDesk, now: Date): OrderRow {
  const { order } = request;
  return Object.assign(new OrderRow(), {
    id: randomUUID(),
    engineId: String(engineId),
    userId: request.userId,
    portfolioId: request.portfolioId,
    clientOrderId: order.clientOrderId,
    symbol: desk.steps.symbol,
    side: order.side,
    type: order.type,
    timeInForce: order.tif,
    quantity: formatFixed(order.quantity),
    limitPrice: order.limitPrice === null ? null : formatFixed(order.limitPrice),
    stopPrice: order.stopPrice === null ? null : formatFixed(order.stopPrice),
    protectionPrice: request.protection === null ? null : formatFixed(request.protection),
    postOnly: order.postOnly === true,
    displayQuantity: order.displayLots === undefined ? null : formatFixed(BigInt(order.displayLots) * desk.steps.lot),
    trailAmount: order.trailAmount === undefined ? null : formatFixed(order.trailAmount),
    trailPercent: order.trailPercent === undefined ? null : formatFixed(order.trailPercent),
    trailMark: null,
    expiresAt: order.expiresAt ?? null,
    orderClass: request.family?.orderClass ?? OrderClass.SIMPLE,
    parentOrderId: null,
    takeProfitPrice: optionalFixed(request.family?.takeProfit),
    stopLossPrice: optionalFixed(request.family?.stopLoss?.stopPrice),
    stopLossLimitPrice: optionalFixed(request.family?.stopLoss?.limitPrice),
    stopLossProtection: optionalFixed(request.family?.stopLoss?.protection),
    filledQuantity: "0",
    filledNotional: "0",
    status: OrderStatus.NEW,
    rejectReason: null,
    reservedCash: formatFixed(request.reservedCash),
    reservedQuantity: formatFixed(order.side === "SELL" ? order.quantity : ZERO),
    queuedSeq: null,
    lastSeq: String(desk.book.sequence),
    createdAt: now,
    updatedAt: now,
  });
}

const optionalFixed = (value: Fixed | null | undefined) => (value === null || value === undefined ? null : formatFixed(value));

const ORDER_ID: BulkColumn<OrderRow> = ["id", "uuid", (o) => o.id];
/** What a command can change of an order. */
const ORDER_STATE: Array<BulkColumn<OrderRow>> = [
  ["quantity", "numeric", (o) => o.quantity],
  ["limit_price", "numeric", (o) => o.limitPrice],
  ["stop_price", "numeric", (o) => o.stopPrice],
  ["protection_price", "numeric", (o) => o.protectionPrice],
  ["trail_amount", "numeric", (o) => o.trailAmount],
  ["trail_percent", "numeric", (o) => o.trailPercent],
  ["trail_mark", "numeric", (o) => o.trailMark],
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
  ["post_only", "boolean", (o) => o.postOnly],
  ["display_quantity", "numeric", (o) => o.displayQuantity],
  ["expires_at", "timestamptz", (o) => o.expiresAt],
  ["order_class", "varchar", (o) => o.orderClass],
  ["parent_order_id", "uuid", (o) => o.parentOrderId],
  ["take_profit_price", "numeric", (o) => o.takeProfitPrice],
  ["stop_loss_price", "numeric", (o) => o.stopLossPrice],
  ["stop_loss_limit_price", "numeric", (o) => o.stopLossLimitPrice],
  ["stop_loss_protection", "numeric", (o) => o.stopLossProtection],
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
