import { Field, ObjectType } from "type-graphql";
import { DateTimeScalar } from "../infra/graphql/scalars";
import type { MarketDataStatus } from "./market-data.service";

@ObjectType("MarketDataStatus", { description: "Where an instrument's reference prices come from, and whether trading on them is halted." })
export class MarketDataStatusType {
  @Field()
  symbol!: string;

  @Field({ description: '"simulator", "coinbase", "binance", or "none" (no feed prices it in this deployment).' })
  source!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the feed last priced it (null before the first price since the feed started)." })
  lastUpdateAt!: Date | null;

  @Field({ description: "No price for MARKET_STALE_AFTER_SECONDS: market and stop orders are refused, stops do not trigger, the market maker's quotes are pulled." })
  stale!: boolean;

  @Field({ description: "Stale, or halted by an admin (setTradingHalted): no new order of the refused kinds." })
  halted!: boolean;

  static from(status: MarketDataStatus): MarketDataStatusType {
    return Object.assign(new MarketDataStatusType(), {
      symbol: status.symbol,
      source: status.source,
      lastUpdateAt: status.lastUpdateAt,
      stale: status.stale,
      halted: status.stale || status.adminHalted,
    });
  }
}
