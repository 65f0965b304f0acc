import { formatFixed, parseFixed, ZERO } from "../infra/fixed";
import { type FillRow, OrderClass, type OrderRow } from "./trading.entities";
import type { Fill, Order } from "./trading.types";

/** Rows as the API shows them. */
export const toFill = (row: FillRow): Fill => ({
  id: row.id,
  orderId: row.orderId,
  symbol: row.symbol,
  side: row.side as Fill["side"],
  price: row.price,
  quantity: row.quantity,
  fee: row.fee,
  liquidity: row.liquidity,
  executedAt: row.executedAt,
});

export function toOrder(row: OrderRow): Order {
  const filled = parseFixed(row.filledQuantity);
  const average = filled > ZERO ? formatFixed((parseFixed(row.filledNotional) * 10n ** 10n) / filled) : null;
  return {
    id: row.id,
    clientOrderId: row.clientOrderId,
    portfolioId: row.portfolioId,
    symbol: row.symbol,
    side: row.side as Order["side"],
    type: row.type,
    timeInForce: row.timeInForce,
    quantity: formatFixed(parseFixed(row.quantity)),
    limitPrice: row.limitPrice === null ? null : formatFixed(parseFixed(row.limitPrice)),
    stopPrice: row.stopPrice === null ? null : formatFixed(parseFixed(row.stopPrice)),
    filledQuantity: formatFixed(filled),
    averageFillPrice: average,
    status: row.status,
    rejectReason: row.rejectReason,
    orderClass: row.orderClass ?? OrderClass.SIMPLE,
    parentOrderId: row.parentOrderId ?? null,
    postOnly: row.postOnly ?? false,
    displayQuantity: row.displayQuantity === null || row.displayQuantity === undefined ? null : formatFixed(parseFixed(row.displayQuantity)),
    expiresAt: row.expiresAt ?? null,
    trailAmount: optionalFixed(row.trailAmount),
    trailPercent: optionalFixed(row.trailPercent),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    userId: row.userId,
  };
}

const optionalFixed = (value: string | null | undefined) => (value === null || value === undefined ? null : formatFixed(parseFixed(value)));
