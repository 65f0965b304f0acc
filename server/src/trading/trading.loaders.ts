import DataLoader from "dataloader";
import { type DataSource, In } from "typeorm";
import { FillRow } from "./trading.entities";
import type { Fill } from "./trading.types";

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

/** Fills of many orders in one statement per request. */
export function createTradingLoaders(dataSource: DataSource) {
  return {
    fills: new DataLoader<string, Fill[]>(async (orderIds) => {
      const rows = await dataSource.getRepository(FillRow).find({ where: { orderId: In([...orderIds]) }, order: { seq: "ASC" } });
      return orderIds.map((id) => rows.filter((row) => row.orderId === id).map(toFill));
    }),
  };
}

export type TradingLoaders = ReturnType<typeof createTradingLoaders>;
