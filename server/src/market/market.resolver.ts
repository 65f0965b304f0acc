import { Arg, Ctx, Query, Resolver, Root, Subscription } from "type-graphql";
import type { Context } from "../app/context";
import { badUserInput } from "../infra/errors";
import { type QuoteEvent, topics } from "../infra/pubsub";
import { Instrument } from "./instrument.entity";
import { Quote } from "./quote.type";

/** How many symbols one `quotes` subscription may watch; more is a fan-out cost, not a need. */
const MAX_QUOTE_SYMBOLS = 50;

@Resolver()
export class MarketResolver {
  @Query(() => [Instrument], { description: "Every instrument the platform lists." })
  instruments(@Ctx() ctx: Context): Promise<Instrument[]> {
    return ctx.services.instruments.list();
  }

  @Subscription(() => Quote, {
    description: "Quotes of the given symbols as they change.",
    subscribe: async ({ args, context }) => {
      const { symbols } = args as { symbols: string[] };
      const ctx = context as Context;
      if (symbols.length === 0 || symbols.length > MAX_QUOTE_SYMBOLS) {
        throw badUserInput(`Subscribe to between 1 and ${MAX_QUOTE_SYMBOLS} symbols`, "symbols");
      }
      const known = await ctx.services.instruments.requireSymbols(symbols);
      return ctx.subscribe(known.map(topics.quotes));
    },
  })
  quotes(@Arg("symbols", () => [String]) _symbols: string[], @Root() event: QuoteEvent): Quote {
    return Quote.fromEvent(event);
  }
}
