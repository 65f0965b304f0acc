import { Ctx, Query, Resolver, Root, Subscription } from "type-graphql";
import type { Context } from "../app/context";
import { type MarketDataStatusEvent, topics } from "../infra/pubsub";
import { MarketDataStatusType } from "./market-data-status.type";
import { byInstruments, rows } from "../infra/graphql/rows";

@Resolver(() => MarketDataStatusType)
export class MarketDataStatusResolver {
  @Query(() => [MarketDataStatusType], { description: "Every instrument's market data status: its source, last update, stale and halted.", complexity: rows(byInstruments) })
  async marketDataStatus(@Ctx() ctx: Context): Promise<MarketDataStatusType[]> {
    const instruments = await ctx.services.instruments.list();
    return instruments.map((instrument) => {
      const status = ctx.services.marketData.statusOf(instrument.symbol);
      // The admin's kill switch as committed is the instrument's own flag.
      return MarketDataStatusType.from({ ...status, adminHalted: !instrument.isTradable });
    });
  }

  @Subscription(() => MarketDataStatusType, {
    name: "marketDataStatus",
    description: "An instrument's market data status whenever it goes stale or fresh, or an admin halts or resumes it.",
    subscribe: ({ context }) => (context as Context).subscribe([topics.marketDataStatus()]),
  })
  marketDataStatusChanged(@Root() event: MarketDataStatusEvent): MarketDataStatusType {
    return MarketDataStatusType.from({ ...event, lastUpdateAt: event.lastUpdateAt ? new Date(event.lastUpdateAt) : null });
  }
}
