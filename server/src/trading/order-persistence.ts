import { randomUUID } from "node:crypto";
import type { AuditEventInput } from "../audit";
import { type Fixed, formatFixed, mulFixed, parseFixed, roundTo, ZERO } from "../infra/fixed";
import type { Accounts } from "../portfolio";
import type { EngineEvent } from "./engine";
import { fromLots, fromTicks, type InstrumentSteps } from "./order-validation";
import { FillRow, Liquidity, type OrderRow, OrderStatus, TradeRow } from "./trading.entities";

export interface Fees {
  makerBps: number;
  takerBps: number;
}

/** What a group of commands changed, for writing at the commit and publishing after it. */
export interface CommandOutcome {
  /** Every order whose state changed, by engine id. */
  orders: Map<number, OrderRow>;
  /** Fills in event order, with the order they belong to. */
  fills: Array<{ fill: FillRow; order: OrderRow }>;
  trades: TradeRow[];
  portfolios: Set<string>;
  audit: AuditEventInput[];
}

export const emptyOutcome = (): CommandOutcome => ({ orders: new Map(), fills: [], trades: [], portfolios: new Set(), audit: [] });

const CANCEL_STATUSES: Record<string, OrderStatus> = { cancelled: OrderStatus.CANCELLED, expired: OrderStatus.EXPIRED, rejected: OrderStatus.REJECTED };

/**
 * Turns one command's engine events into row changes in memory: order states, trades, fills,
 * the ledger (cash, positions, BUY/SELL/FEE transactions through Accounts) and the release
 * of reservations. Nothing is written here: the group's commit writes it all at once.
 * `orders` resolves an engine id to its row; every portfolio it names must already be loaded.
 */
export function recordEvents(
  events: EngineEvent[],
  orders: (engineId: number) => OrderRow,
  ledger: Accounts,
  steps: InstrumentSteps,
  fees: Fees,
  now: Date,
  outcome: CommandOutcome,
  /** Called with each side of a fill before it settles (an order family hands its shared reservation to the leg that fills). */
  beforeFill?: (row: OrderRow) => void,
): void {
  const touch = (engineId: number) => {
    const row = orders(engineId);
    outcome.orders.set(engineId, row);
    row.updatedAt = now;
    return row;
  };
  for (const event of events) {
    switch (event.type) {
      case "accepted": {
        const row = touch(event.id);
        row.status = event.pendingTrigger ? OrderStatus.PENDING_TRIGGER : OrderStatus.NEW;
        // A trailing stop's starting mark: recovery moves it by the trades since queued_seq.
        if (event.mark !== undefined) row.trailMark = formatFixed(fromTicks(event.mark, steps));
        row.queuedSeq = String(event.seq);
        row.lastSeq = String(event.seq);
        break;
      }
      case "triggered": {
        const row = touch(event.id);
        row.status = OrderStatus.NEW;
        // A triggered stop-limit takes its place in the queue now.
        row.queuedSeq = String(event.seq);
        row.lastSeq = String(event.seq);
        break;
      }
      case "fill":
        beforeFill?.(orders(event.makerId));
        beforeFill?.(orders(event.takerId));
        recordFill(event, touch(event.makerId), touch(event.takerId), ledger, steps, fees, now, outcome);
        break;
      case "amended": {
        // The sequencer has already set the row's quantity and reservation for the amend.
        const row = touch(event.id);
        if (event.requeued) row.queuedSeq = String(event.seq);
        row.lastSeq = String(event.seq);
        break;
      }
      case "replenished": {
        // An iceberg's next part queues at the back: recovery puts it there by queued_seq.
        const row = touch(event.id);
        row.queuedSeq = String(event.seq);
        row.lastSeq = String(event.seq);
        break;
      }
      default: {
        // A cancel that found nothing to cancel changes nothing (the service checked first).
        if (event.type === "rejected" && event.reason === "UNKNOWN_ORDER") break;
        const row = touch(event.id);
        row.status = CANCEL_STATUSES[event.type];
        row.rejectReason = event.type === "expired" || event.reason === "USER" ? null : event.reason;
        row.lastSeq = String(event.seq);
        releaseAll(ledger, row);
        outcome.portfolios.add(row.portfolioId);
      }
    }
  }
}

function recordFill(
  event: Extract<EngineEvent, { type: "fill" }>,
  maker: OrderRow,
  taker: OrderRow,
  ledger: Accounts,
  steps: InstrumentSteps,
  fees: Fees,
  now: Date,
  outcome: CommandOutcome,
): void {
  const price = fromTicks(event.price, steps);
  const quantity = fromLots(event.quantity, steps);
  const notional = mulFixed(price, quantity, "half-even");
  const trade = Object.assign(new TradeRow(), {
    id: randomUUID(),
    symbol: steps.symbol,
    price: formatFixed(price),
    quantity: formatFixed(quantity),
    aggressorSide: event.takerSide,
    makerOrderId: maker.id,
    takerOrderId: taker.id,
    seq: String(event.seq),
    executedAt: now,
  });
  outcome.trades.push(trade);
  for (const [row, liquidity, remainingLots] of [
    [maker, Liquidity.MAKER, event.makerRemaining],
    [taker, Liquidity.TAKER, event.takerRemaining],
  ] as const) {
    // Fees are cents, rounded half-even, from the notional and the side's rate.
    const fee = roundTo((notional * BigInt(liquidity === Liquidity.MAKER ? fees.makerBps : fees.takerBps)) / 10_000n, 2, "half-even");
    const fill = Object.assign(new FillRow(), {
      id: randomUUID(),
      orderId: row.id,
      tradeId: trade.id,
      symbol: steps.symbol,
      side: row.side,
      price: formatFixed(price),
      quantity: formatFixed(quantity),
      fee: formatFixed(fee),
      liquidity,
      seq: String(event.seq),
      executedAt: now,
    });
    outcome.fills.push({ fill, order: row });
    row.filledQuantity = formatFixed(parseFixed(row.filledQuantity) + quantity);
    row.filledNotional = formatFixed(parseFixed(row.filledNotional) + notional);
    row.status = remainingLots === 0 ? OrderStatus.FILLED : OrderStatus.PARTIALLY_FILLED;
    row.lastSeq = String(event.seq);
    // Reservations go first: cash or quantity promised to this order pays for its fill.
    release(ledger, row, quantity, remainingLots === 0);
    ledger.applyFill({
      portfolioId: row.portfolioId,
      userId: row.userId,
      symbol: steps.symbol,
      assetName: steps.symbol,
      side: row.side as "BUY" | "SELL",
      quantity,
      price,
      fee,
      reference: { orderId: row.id, fillId: fill.id, tradeId: trade.id },
    });
    outcome.portfolios.add(row.portfolioId);
  }
  outcome.audit.push({
    eventType: "trade.executed",
    entityType: "trade",
    entityId: trade.id,
    payload: { symbol: steps.symbol, price: trade.price, quantity: trade.quantity, makerOrderId: maker.id, takerOrderId: taker.id, seq: trade.seq },
  });
}

/** Releases the share of the order's reservation that `filled` used (all of it when done). */
function release(ledger: Accounts, row: OrderRow, filled: Fixed, done: boolean): void {
  if (row.side === "BUY") {
    const reserved = parseFixed(row.reservedCash);
    const remainingBefore = parseFixed(row.quantity) - parseFixed(row.filledQuantity) + filled;
    // Proportional, rounded up: the reservation covers the worst price plus fees, so what is
    // released always covers what the fill costs.
    const share = done || remainingBefore === ZERO ? reserved : minFixed(reserved, ceilDiv(reserved * filled, remainingBefore));
    releaseCash(ledger, row, share);
  } else {
    releaseQuantity(ledger, row, done ? parseFixed(row.reservedQuantity) : filled);
  }
}

function releaseAll(ledger: Accounts, row: OrderRow): void {
  releaseCash(ledger, row, parseFixed(row.reservedCash));
  releaseQuantity(ledger, row, parseFixed(row.reservedQuantity));
}

function releaseCash(ledger: Accounts, row: OrderRow, amount: Fixed): void {
  if (amount === ZERO) return;
  row.reservedCash = formatFixed(parseFixed(row.reservedCash) - amount);
  ledger.reserveCash(row.portfolioId, -amount);
}

function releaseQuantity(ledger: Accounts, row: OrderRow, amount: Fixed): void {
  if (amount === ZERO) return;
  row.reservedQuantity = formatFixed(parseFixed(row.reservedQuantity) - amount);
  ledger.reserveQuantity(row.portfolioId, row.symbol, -amount);
}

const minFixed = (a: Fixed, b: Fixed) => (a < b ? a : b);
const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;
