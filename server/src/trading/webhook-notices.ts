import { formatFixed, parseFixed } from "../infra/fixed";
import type { NewTransaction } from "../portfolio";
import { WebhookEvent, type WebhookNotice } from "../webhooks";
import type { CommandOutcome } from "./order-persistence";
import { toOrder } from "./trading.mappers";

const decimal = (value: string) => formatFixed(parseFixed(value));

/**
 * What a batch tells its users' webhooks: each order whose state changed (as `order` would
 * show it), each fill. System accounts (the market maker) are left out: nobody subscribes for
 * them, and their quote churn would only lengthen the journal's statement.
 */
export function batchNotices(outcome: CommandOutcome, systemUsers: Set<string>): WebhookNotice[] {
  const notices: WebhookNotice[] = [];
  for (const row of outcome.orders.values()) {
    if (systemUsers.has(row.userId)) continue;
    const { userId: _userId, ...order } = toOrder(row) as ReturnType<typeof toOrder> & { userId?: string };
    notices.push({ userId: row.userId, event: WebhookEvent.ORDER_UPDATED, data: { order } });
  }
  for (const { fill, order } of outcome.fills) {
    if (systemUsers.has(order.userId)) continue;
    const data = {
      id: fill.id,
      orderId: fill.orderId,
      portfolioId: order.portfolioId,
      symbol: fill.symbol,
      side: fill.side,
      price: decimal(fill.price),
      quantity: decimal(fill.quantity),
      fee: decimal(fill.fee),
      liquidity: fill.liquidity,
      executedAt: fill.executedAt,
    };
    notices.push({ userId: order.userId, event: WebhookEvent.FILL, data: { fill: data } });
  }
  return notices;
}

/** A deposit or withdrawal as `transactions` would show it (its internal metadata left out). */
export function transactionNotice(transaction: NewTransaction, status: string, createdAt: Date): WebhookNotice {
  const { id, transactionId, portfolioId, type, totalAmount, fees, currency } = transaction;
  return {
    userId: transaction.userId,
    event: WebhookEvent.TRANSACTION,
    data: { transaction: { id, transactionId, portfolioId, type, totalAmount: decimal(totalAmount), fees: decimal(fees), currency, status, createdAt } },
  };
}
