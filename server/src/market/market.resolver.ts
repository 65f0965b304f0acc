import { Arg, Ctx, Field, FieldResolver, Int, ObjectType, Query, Resolver, Root, Subscription } from "type-graphql";
import type { Context } from "../app/context";
import { badUserInput } from "../infra/errors";
import { formatFixed } from "../infra/fixed";
import { DateTimeScalar, DecimalScalar } from "../infra/graphql/scalars";
import { type QuoteEvent, topics } from "../infra/pubsub";
import { BarInterval, INTERVAL_MS } from "./bar-interval";
import { LAST_DAY_HOURS } from "./bar.service";
import { Instrument } from "./instrument.entity";
import { Quote } from "./quote.type";
import type { ComplexityEstimatorArgs } from "graphql-query-complexity";
import { byInstruments, rows, sizeArgument } from "../infra/graphql/rows";

/** How many symbols one `quotes` subscription may watch; more is a fan-out cost, not a need. */
const MAX_QUOTE_SYMBOLS = 50;

/** Longest priceHistory answer: a day of minute bars, or about four years of daily ones. */
const MAX_BARS = 1_440;
/** Bars answered when neither from nor limit is given. */
const DEFAULT_BARS = 60;

@ObjectType({ description: "One bar of trading at its interval: open, high, low, close and traded volume." })
export class PriceBar {
  @Field(() => DateTimeScalar, { description: "Start of the bar." })
  time!: Date;

  @Field(() => DecimalScalar)
  open!: string;

  @Field(() => DecimalScalar)
  high!: string;

  @Field(() => DecimalScalar)
  low!: string;

  @Field(() => DecimalScalar)
  close!: string;

  @Field(() => DecimalScalar)
  volume!: string;
}

@ObjectType({ description: `An instrument's last ${LAST_DAY_HOURS} hours in hourly bars, the current hour forming: what a markets table shows per row.` })
export class MarketDay {
  @Field(() => DecimalScalar, { nullable: true, description: "The first hour's open; null when nothing traded and no bar was imported in the window." })
  open!: string | null;

  @Field(() => DecimalScalar, { description: "The volume traded in the window." })
  volume!: string;

  @Field(() => [DecimalScalar], { description: `Each hour's close, oldest first (at most ${LAST_DAY_HOURS}).` })
  closes!: string[];
}

/**
 * The bars priceHistory may return, each a row of its price: `limit` when given; else, with
 * `from`, the interval's bar starts in [from, to) (to: now), at most MAX_BARS; else the default 60.
 */
function barsAsked(options: ComplexityEstimatorArgs): number {
  if (options.args.limit !== undefined && options.args.limit !== null) return sizeArgument(options, "limit", DEFAULT_BARS, MAX_BARS);
  const from = options.args.from as Date | undefined;
  if (!from) return DEFAULT_BARS;
  const to = (options.args.to as Date | undefined) ?? new Date();
  const every = INTERVAL_MS[(options.args.interval as BarInterval | undefined) ?? BarInterval.MINUTE_1];
  return Math.min(MAX_BARS, Math.max(1, Math.ceil((to.getTime() - from.getTime()) / every) + 1));
}

@Resolver(() => Instrument)
export class MarketResolver {
  @Query(() => [Instrument], { description: "Every instrument the platform lists.", complexity: rows(byInstruments) })
  instruments(@Ctx() ctx: Context): Promise<Instrument[]> {
    return ctx.services.instruments.list();
  }

  @FieldResolver(() => DecimalScalar, { nullable: true, description: "The last traded or reference price; null before the first." })
  lastPrice(@Root() instrument: Instrument, @Ctx() ctx: Context): string | null {
    return ctx.services.marketData.lastPrice(instrument.symbol) ?? instrument.lastPrice;
  }

  @FieldResolver(() => MarketDay, { description: `The last ${LAST_DAY_HOURS} hours: open, volume and hourly closes, for every instrument asked in one statement.` })
  last24Hours(@Root() instrument: Instrument, @Ctx() ctx: Context): Promise<MarketDay> {
    return ctx.loaders.lastDay.load(instrument.symbol);
  }

  @Query(() => [PriceBar], {
    description:
      "Bars of a symbol starting in [from, to) (default: the last 60 bars), oldest first. MINUTE_1 (the default) is recorded live; longer intervals are resampled on UTC boundaries; an imported bar takes precedence.",
    complexity: (options) => barsAsked(options) * (1 + options.childComplexity),
  })
  async priceHistory(
    @Arg("symbol") symbol: string,
    @Ctx() ctx: Context,
    @Arg("from", () => DateTimeScalar, { nullable: true }) from?: Date,
    @Arg("to", () => DateTimeScalar, { nullable: true }) to?: Date,
    @Arg("limit", () => Int, { nullable: true }) limit?: number,
    @Arg("interval", () => BarInterval, { nullable: true }) interval?: BarInterval,
  ): Promise<PriceBar[]> {
    await ctx.services.instruments.requireSymbols([symbol]);
    const every = interval ?? BarInterval.MINUTE_1;
    const until = to ?? new Date();
    const since = from ?? new Date(until.getTime() - DEFAULT_BARS * INTERVAL_MS[every]);
    const max = limit ?? MAX_BARS;
    if (max < 1 || max > MAX_BARS) throw badUserInput(`limit must be between 1 and ${MAX_BARS}`, "limit");
    const bars = await ctx.services.bars.history(symbol, every, since, until, max);
    return bars.map((bar) => ({
      time: bar.bucket,
      open: formatFixed(bar.open),
      high: formatFixed(bar.high),
      low: formatFixed(bar.low),
      close: formatFixed(bar.close),
      volume: formatFixed(bar.volume),
    }));
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
