import type { EntityManager } from "typeorm";
import type { AuditService } from "../audit";
import { type Fixed, formatFixed, mulFixed, parseFixed, roundTo, ZERO } from "../infra/fixed";
import type { LedgerService } from "../portfolio";
import type { EngineEvent } from "./engine";
import { fromLots, fromTicks, type InstrumentSteps } from "./order-validation";
import { FillRow, Liquidity, OrderRow, OrderStatus, TradeRow } from "./trading.entities";

export interface Fees {
  makerBps: number;
  takerBps: number;
}

/** What one command changed, for publishing after the commit. */
export interface CommandOutcome {
  /** Every order whose state changed, by engine id. */
  orders: Map<number, OrderRow>;
  /** Fills in event order, with the order they belong to. */
  fills: Array<{ fill: FillRow; order: OrderRow }>;
  trades: TradeRow[];
  portfolios: Set<string>;
}

const CANCEL_STATUSES: Record<string, OrderStatus> = { cancelled: OrderStatus.CANCELLED, expired: OrderStatus.EXPIRED, rejected: OrderStatus.REJECTED };

/**
 * Writes one command's engine events in the caller's transaction: order states, trades, fills,
 * the ledger (cash, positions, BUY/SELL/FEE transactions) and the release of reservations.
 * Nothing here is visible until the command's single commit.
 */
export class OrderPersistence {
  constructor(
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
  ) {}

  async persist(manager: EntityManager, events: EngineEvent[], steps: InstrumentSteps, fees: Fees, known: Map<number, OrderRow>, now: Date): Promise<CommandOutcome> {
    const outcome: CommandOutcome = { orders: new Map(), fills: [], trades: [], portfolios: new Set() };
    const order = async (engineId: number): Promise<OrderRow> => {
      let row = known.get(engineId) ?? outcome.orders.get(engineId);
      if (!row) {
        row = await manager.getRepository(OrderRow).createQueryBuilder("o").setLock("pessimistic_write").where("o.engine_id = :id", { id: String(engineId) }).getOneOrFail();
      }
      outcome.orders.set(engineId, row);
      return row;
    };
    for (const event of events) {
      switch (event.type) {
        case "accepted": {
          const row = await order(event.id);
          row.status = event.pendingTrigger ? OrderStatus.PENDING_TRIGGER : OrderStatus.NEW;
          row.queuedSeq = String(event.seq);
          row.lastSeq = String(event.seq);
          break;
        }
        case "triggered": {
          const row = await order(event.id);
          row.status = OrderStatus.NEW;
          // A triggered stop-limit takes its place in the queue now.
          row.queuedSeq = String(event.seq);
          row.lastSeq = String(event.seq);
          break;
        }
        case "fill":
          await this.fill(manager, event, await order(event.makerId), await order(event.takerId), steps, fees, now, outcome);
          break;
        default: {
          // A cancel that found nothing to cancel changes nothing (the service checked first).
          if (event.type === "rejected" && event.reason === "UNKNOWN_ORDER") break;
          const row = await order(event.id);
          row.status = CANCEL_STATUSES[event.type];
          row.rejectReason = event.type === "expired" || event.reason === "USER" ? null : event.reason;
          row.lastSeq = String(event.seq);
          await this.releaseAll(manager, row);
          outcome.portfolios.add(row.portfolioId);
        }
      }
    }
    for (const row of outcome.orders.values()) {
      row.updatedAt = now;
      await manager.update(OrderRow, { id: row.id }, {
        status: row.status,
        rejectReason: row.rejectReason,
        filledQuantity: row.filledQuantity,
        filledNotional: row.filledNotional,
        reservedCash: row.reservedCash,
        reservedQuantity: row.reservedQuantity,
        queuedSeq: row.queuedSeq,
        lastSeq: row.lastSeq,
        updatedAt: now,
      });
    }
    return outcome;
  }

  private async fill(
    manager: EntityManager,
    event: Extract<EngineEvent, { type: "fill" }>,
    maker: OrderRow,
    taker: OrderRow,
    steps: InstrumentSteps,
    fees: Fees,
    now: Date,
    outcome: CommandOutcome,
  ): Promise<void> {
    const price = fromTicks(event.price, steps);
    const quantity = fromLots(event.quantity, steps);
    const notional = mulFixed(price, quantity, "half-even");
    const trade = manager.create(TradeRow, {
      symbol: steps.symbol,
      price: formatFixed(price),
      quantity: formatFixed(quantity),
      aggressorSide: event.takerSide,
      makerOrderId: maker.id,
      takerOrderId: taker.id,
      seq: String(event.seq),
      executedAt: now,
    });
    await manager.insert(TradeRow, trade);
    outcome.trades.push(trade);
    for (const [row, liquidity, remainingLots] of [
      [maker, Liquidity.MAKER, event.makerRemaining],
      [taker, Liquidity.TAKER, event.takerRemaining],
    ] as const) {
      // Fees are cents, rounded half-even, from the notional and the side's rate.
      const fee = roundTo((notional * BigInt(liquidity === Liquidity.MAKER ? fees.makerBps : fees.takerBps)) / 10_000n, 2, "half-even");
      const fill = manager.create(FillRow, {
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
      await manager.insert(FillRow, fill);
      outcome.fills.push({ fill, order: row });
      row.filledQuantity = formatFixed(parseFixed(row.filledQuantity) + quantity);
      row.filledNotional = formatFixed(parseFixed(row.filledNotional) + notional);
      row.status = remainingLots === 0 ? OrderStatus.FILLED : OrderStatus.PARTIALLY_FILLED;
      row.lastSeq = String(event.seq);
      // Reservations go first: the database refuses reserved cash above cash, or reserved
      // quantity above quantity, at any moment.
      await this.release(manager, row, quantity, remainingLots === 0);
      await this.ledger.applyFill(manager, {
        portfolioId: row.portfolioId,
        userId: row.userId,
        symbol: steps.symbol,
        assetName: steps.symbol,
        side: row.side,
        quantity,
        price,
        fee,
        reference: { orderId: row.id, fillId: fill.id, tradeId: trade.id },
      });
      outcome.portfolios.add(row.portfolioId);
    }
    await this.audit.append(manager, {
      eventType: "trade.executed",
      entityType: "trade",
      entityId: trade.id,
      payload: { symbol: steps.symbol, price: trade.price, quantity: trade.quantity, makerOrderId: maker.id, takerOrderId: taker.id, seq: trade.seq },
    });
  }

  /** Releases the share of the order's reservation that `filled` used (all of it when done). */
  private async release(manager: EntityManager, row: OrderRow, filled: Fixed, done: boolean): Promise<void> {
    if (row.side === "BUY") {
      const reserved = parseFixed(row.reservedCash);
      const remainingBefore = parseFixed(row.quantity) - parseFixed(row.filledQuantity) + filled;
      // Proportional, rounded up: the reservation covers the worst price plus fees, so what is
      // released always covers what the fill costs.
      const share = done || remainingBefore === ZERO ? reserved : minFixed(reserved, ceilDiv(reserved * filled, remainingBefore));
      await this.releaseCash(manager, row, share);
    } else {
      const share = done ? parseFixed(row.reservedQuantity) : filled;
      await this.releaseQuantity(manager, row, share);
    }
  }

  private async releaseAll(manager: EntityManager, row: OrderRow): Promise<void> {
    if (parseFixed(row.reservedCash) > ZERO) await this.releaseCash(manager, row, parseFixed(row.reservedCash));
    if (parseFixed(row.reservedQuantity) > ZERO) await this.releaseQuantity(manager, row, parseFixed(row.reservedQuantity));
  }

  private async releaseCash(manager: EntityManager, row: OrderRow, amount: Fixed): Promise<void> {
    if (amount === ZERO) return;
    row.reservedCash = formatFixed(parseFixed(row.reservedCash) - amount);
    await manager.query(`UPDATE portfolios SET reserved_cash = reserved_cash - $1 WHERE id = $2`, [formatFixed(amount), row.portfolioId]);
  }

  private async releaseQuantity(manager: EntityManager, row: OrderRow, amount: Fixed): Promise<void> {
    if (amount === ZERO) return;
    row.reservedQuantity = formatFixed(parseFixed(row.reservedQuantity) - amount);
    await manager.query(`UPDATE positions SET reserved_quantity = reserved_quantity - $1 WHERE portfolio_id = $2 AND symbol = $3`, [formatFixed(amount), row.portfolioId, row.symbol]);
  }
}

const minFixed = (a: Fixed, b: Fixed) => (a < b ? a : b);
const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;
