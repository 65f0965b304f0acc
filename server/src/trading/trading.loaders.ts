import DataLoader from "dataloader";
import { type DataSource, In } from "typeorm";
import { FillRow } from "./trading.entities";
import type { Fill } from "./trading.types";
import { toFill } from "./trading.mappers";

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
