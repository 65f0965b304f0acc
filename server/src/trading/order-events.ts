import type { EntityManager } from "typeorm";
import type { BulkColumn } from "../infra/database/bulk";
import type { OrderEvent } from "../infra/pubsub";
import type { CommandOutcome } from "./order-persistence";
import type { FillRow, OrderRow } from "./trading.entities";
import { toFill, toOrder } from "./trading.mappers";

/**
 * Each user's last order-event sequence, kept by the sequencer: a user's events are numbered
 * 1, 2, 3, ... in the order the sequencer commits them, across every portfolio and instrument.
 * Recovered from the journal at start and after a failed commit, so a number is never issued
 * twice (the journal keeps each user's last event whatever its age for this).
 */
export class OrderSequences {
  private readonly last = new Map<string, bigint>();

  async recover(manager: EntityManager): Promise<void> {
    const rows: Array<{ user_id: string; last: string }> = await manager.query(`SELECT user_id, max(sequence)::text AS last FROM order_events GROUP BY user_id`);
    this.last.clear();
    for (const row of rows) this.last.set(row.user_id, BigInt(row.last));
  }

  next(userId: string): string {
    const value = (this.last.get(userId) ?? 0n) + 1n;
    this.last.set(userId, value);
    return String(value);
  }
}

/**
 * A committed batch's order updates, numbered: one per fill of an order, or one for its new
 * state when it changed without filling. Built inside the batch's transaction, so the journal
 * and the publisher carry the same events with the same numbers.
 */
export function numberOrderEvents(outcome: CommandOutcome, sequences: OrderSequences): OrderEvent[] {
  const fillsByOrder = new Map<string, FillRow[]>();
  for (const { fill, order } of outcome.fills) fillsByOrder.set(order.id, [...(fillsByOrder.get(order.id) ?? []), fill]);
  const events: OrderEvent[] = [];
  for (const row of outcome.orders.values()) {
    const order = orderJson(row);
    for (const fill of fillsByOrder.get(row.id) ?? [null]) {
      events.push({
        userId: row.userId,
        portfolioId: row.portfolioId,
        orderId: row.id,
        fillId: fill?.id ?? null,
        sequence: sequences.next(row.userId),
        order,
        fill: fill && { ...toFill(fill), executedAt: fill.executedAt.toISOString() },
      });
    }
  }
  return events;
}

/** The order as JSON carries it over pub/sub (times as ISO strings), so a replayed event equals the live one. */
function orderJson(row: OrderRow): Record<string, unknown> {
  const order = toOrder(row);
  return { ...order, createdAt: order.createdAt.toISOString(), updatedAt: order.updatedAt.toISOString(), expiresAt: order.expiresAt?.toISOString() ?? null };
}

export const ORDER_EVENT_COLUMNS = (now: Date): Array<BulkColumn<OrderEvent>> => [
  ["user_id", "uuid", (e) => e.userId],
  ["sequence", "bigint", (e) => e.sequence],
  ["portfolio_id", "uuid", (e) => e.portfolioId],
  ["order_id", "uuid", (e) => e.orderId],
  ["fill_id", "uuid", (e) => e.fillId],
  ["payload", "jsonb", (e) => JSON.stringify({ order: e.order, fill: e.fill })],
  ["created_at", "timestamptz", () => now],
];
