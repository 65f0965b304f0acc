import DataLoader from "dataloader";
import { type DataSource, In } from "typeorm";
import { FillRow, OrderRow } from "./trading.entities";
import type { Fill, Order } from "./trading.types";
import { toFill, toOrder } from "./trading.mappers";

/** Fills of an order listed with it, oldest first; the fills query pages through all. */
export const MAX_ORDER_FILLS = 50;

/** Fills of many orders in one statement per request. */
export function createTradingLoaders(dataSource: DataSource) {
  return {
    fills: new DataLoader<string, Fill[]>(async (orderIds) => {
      // The first MAX_ORDER_FILLS of each order, cut in SQL: an order filled in ten thousand pieces reads fifty.
      const rows = await dataSource
        .getRepository(FillRow)
        .createQueryBuilder("f")
        .where(
          `f.id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY order_id ORDER BY seq) AS n FROM fills WHERE order_id = ANY(:ids)) r WHERE r.n <= :max)`,
          { ids: [...orderIds], max: MAX_ORDER_FILLS },
        )
        .orderBy("f.seq", "ASC")
        .getMany();
      return orderIds.map((id) => rows.filter((row) => row.orderId === id).map(toFill));
    }),
    /** An order's legs (the orders whose parent it is), oldest first; they share its owner. */
    legs: new DataLoader<string, Order[]>(async (orderIds) => {
      const rows = await dataSource.getRepository(OrderRow).find({ where: { parentOrderId: In([...orderIds]) }, order: { createdAt: "ASC", engineId: "ASC" } });
      return orderIds.map((id) => rows.filter((row) => row.parentOrderId === id).map(toOrder));
    }),
  };
}

export type TradingLoaders = ReturnType<typeof createTradingLoaders>;
