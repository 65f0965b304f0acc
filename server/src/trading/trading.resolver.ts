import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { Context } from "../app/context";
import { Role, Scope, scope } from "../infra/auth";
import { badUserInput } from "../infra/errors";
import { type BookEvent, type OrderEvent, type TradeEvent, topics } from "../infra/pubsub";
import { OrderStatus } from "./trading.entities";
import { DateTimeScalar } from "../infra/graphql/scalars";
import { parseAfterSequence } from "./order-stream";
import { AmendOrderInput, Fill, FillConnection, Order, OrderBookSnapshot, OrderConnection, OrderUpdate, PlaceOrderInput, Trade } from "./trading.types";
import type { ComplexityEstimator } from "graphql-query-complexity";
import { rows, sizeArgument } from "../infra/graphql/rows";
import { MAX_ORDER_FILLS } from "./trading.loaders";

/** An order's legs at most: a bracket's two exits. */
const MAX_LEGS = 2;
const CANCEL_ALL_ESTIMATE = 20;

const TRADERS = [Role.TRADER, Role.PARTNER];
const MAX_DEPTH = 100;
const DEFAULT_DEPTH = 10;

/** A book costs a row per level it may show on each side. */
const bookCost: ComplexityEstimator = (options) => 1 + sizeArgument(options, "depth", DEFAULT_DEPTH, MAX_DEPTH) * options.childComplexity;
const depthOf = (depth: number | null | undefined) => {
  const value = depth ?? DEFAULT_DEPTH;
  if (!Number.isInteger(value) || value < 1 || value > MAX_DEPTH) throw badUserInput(`depth must be between 1 and ${MAX_DEPTH}`, "depth");
  return value;
};

@Resolver(() => Order)
export class TradingResolver {
  @Authorized(...TRADERS, scope(Scope.TRADE))
  @Mutation(() => Order, { description: "Validated, risk-checked, matched and committed before it answers." })
  placeOrder(@Arg("input", () => PlaceOrderInput) input: PlaceOrderInput, @Ctx() ctx: Context): Promise<Order> {
    return ctx.services.trading.placeOrder(ctx.session, input);
  }

  @Authorized(...TRADERS, scope(Scope.TRADE))
  @Mutation(() => Order, { description: "Changes an open order in place, keeping its id; answered once committed." })
  amendOrder(@Arg("input", () => AmendOrderInput) input: AmendOrderInput, @Ctx() ctx: Context): Promise<Order> {
    return ctx.services.trading.amendOrder(ctx.session, input);
  }

  @Authorized(...TRADERS, scope(Scope.TRADE))
  @Mutation(() => Order)
  cancelOrder(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Order> {
    return ctx.services.trading.cancelOrder(ctx.session, id);
  }

  @Authorized(...TRADERS, scope(Scope.TRADE))
  // The platform does not bound how many orders are open: the answer is priced as a default page.
  @Mutation(() => [Order], { complexity: rows(CANCEL_ALL_ESTIMATE) })
  cancelAllOrders(
    @Arg("portfolioId", () => ID, { nullable: true }) portfolioId: string | null,
    @Arg("symbol", () => String, { nullable: true }) symbol: string | null,
    @Ctx() ctx: Context,
  ): Promise<Order[]> {
    return ctx.services.trading.cancelAllOrders(ctx.session, portfolioId ?? null, symbol ?? null);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Boolean, { description: "ADMIN kill switch: halt (or resume) new orders in an instrument." })
  setTradingHalted(@Arg("symbol") symbol: string, @Arg("halted") halted: boolean, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.trading.setTradingHalted(ctx.session, symbol, halted);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Boolean, { description: "ADMIN kill switch: stop (or allow) new orders from one user." })
  setUserTradingDisabled(@Arg("userId", () => ID) userId: string, @Arg("disabled") disabled: boolean, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.trading.setUserTradingDisabled(ctx.session, userId, disabled);
  }

  @Authorized(scope(Scope.READ_ORDERS))
  @Query(() => OrderConnection, { description: "The caller's orders, newest first: first/after pages to older ones, last/before to newer ones. from is included, to excluded." })
  orders(
    @Ctx() ctx: Context,
    @Arg("portfolioId", () => ID, { nullable: true }) portfolioId?: string,
    @Arg("status", () => [OrderStatus], { nullable: true }) status?: OrderStatus[],
    @Arg("symbol", () => String, { nullable: true }) symbol?: string,
    @Arg("from", () => DateTimeScalar, { nullable: true }) from?: Date,
    @Arg("to", () => DateTimeScalar, { nullable: true }) to?: Date,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("last", () => Int, { nullable: true }) last?: number,
    @Arg("before", () => String, { nullable: true }) before?: string,
  ): Promise<OrderConnection> {
    return ctx.services.trading.orders(ctx.session, { portfolioId, status, symbol, from, to, first, after, last, before });
  }

  @Authorized(scope(Scope.READ_ORDERS))
  @Query(() => FillConnection, { name: "fills", description: "The caller's fills, newest first. from is included, to excluded." })
  fillList(
    @Ctx() ctx: Context,
    @Arg("portfolioId", () => ID, { nullable: true }) portfolioId?: string,
    @Arg("symbol", () => String, { nullable: true }) symbol?: string,
    @Arg("from", () => DateTimeScalar, { nullable: true }) from?: Date,
    @Arg("to", () => DateTimeScalar, { nullable: true }) to?: Date,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
  ): Promise<FillConnection> {
    return ctx.services.trading.fills(ctx.session, { portfolioId, symbol, from, to, first, after });
  }

  @Authorized(scope(Scope.READ_ORDERS))
  @Query(() => Order, { nullable: true, description: "Null for an unknown id or someone else's order." })
  order(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Order | null> {
    return ctx.services.trading.findOrder(ctx.session, id);
  }

  @Query(() => OrderBookSnapshot, { description: "Aggregated depth from the matching engine's memory.", complexity: bookCost })
  orderBook(@Arg("symbol") symbol: string, @Ctx() ctx: Context, @Arg("depth", () => Int, { nullable: true }) depth?: number): Promise<OrderBookSnapshot> {
    return ctx.services.trading.orderBook(symbol, depthOf(depth));
  }

  @FieldResolver(() => [Order], { complexity: rows(MAX_LEGS) })
  legs(@Root() order: Order, @Ctx() ctx: Context): Promise<Order[]> {
    return ctx.loaders.legs.load(order.id);
  }

  @FieldResolver(() => [Fill], { description: `Oldest first: the first ${MAX_ORDER_FILLS} (the fills query pages through all of a portfolio's).`, complexity: rows(MAX_ORDER_FILLS) })
  fills(@Root() order: Order, @Ctx() ctx: Context): Promise<Fill[]> {
    return ctx.loaders.fills.load(order.id);
  }

  @Authorized(scope(Scope.READ_ORDERS))
  @Subscription(() => OrderUpdate, {
    description:
      "The caller's order changes (all portfolios, or one). With afterSequence, first every update after it that the caller missed " +
      "(kept for a retention of days, see the partner guide), then live ones, with no gap and no duplicate; past the retention, CONFLICT " +
      "(extensions.reason SEQUENCE_EXPIRED): reconcile with orders and fills, then subscribe without afterSequence.",
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const userId = ctx.session.requireUser();
      const { portfolioId, afterSequence } = args as { portfolioId?: string; afterSequence?: string };
      const after = parseAfterSequence(afterSequence);
      if (portfolioId) await ctx.services.portfolios.requireOwned(ctx.session, portfolioId);
      if (after === null) {
        const source = ctx.subscribe([topics.orders(userId)]);
        return filtered(source, (event) => event.userId === userId && (!portfolioId || event.portfolioId === portfolioId) && ctx.session.reaches(event.portfolioId));
      }
      // Live first, so that what is published while the journal is read waits in its buffer.
      const live = await ctx.listen([topics.orders(userId)]);
      try {
        const resumed = await ctx.services.trading.resumeOrderUpdates(userId, after, portfolioId ?? null, live);
        return filtered(resumed, (event) => ctx.session.reaches(event.portfolioId));
      } catch (error) {
        await live.return?.();
        throw error;
      }
    },
  })
  orderUpdates(
    @Root() event: OrderEvent,
    @Ctx() ctx: Context,
    @Arg("portfolioId", () => ID, { nullable: true }) _portfolioId?: string,
    @Arg("afterSequence", () => String, { nullable: true, description: "The last sequence received: resume after it." }) _afterSequence?: string,
  ): OrderUpdate {
    return ctx.services.trading.orderUpdate(event);
  }

  @Subscription(() => Trade, {
    description: "Trades of a symbol as they happen.",
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const { symbol } = args as { symbol: string };
      ctx.services.trading.assertSymbol(symbol);
      return ctx.subscribe([topics.trades(symbol)]);
    },
  })
  trades(@Arg("symbol") _symbol: string, @Root() event: TradeEvent): Trade {
    return { ...event, aggressorSide: event.aggressorSide as Trade["aggressorSide"], executedAt: new Date(event.executedAt) };
  }

  @Subscription(() => OrderBookSnapshot, {
    complexity: bookCost,
    name: "orderBook",
    description: "Depth snapshots of a symbol, a few per second at most.",
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const { symbol } = args as { symbol: string };
      ctx.services.trading.assertSymbol(symbol);
      return ctx.subscribe([topics.book(symbol)]);
    },
  })
  orderBookUpdates(@Arg("symbol") _symbol: string, @Root() event: BookEvent, @Arg("depth", () => Int, { nullable: true }) depth?: number): OrderBookSnapshot {
    const levels = depthOf(depth);
    return { ...event, bids: event.bids.slice(0, levels), asks: event.asks.slice(0, levels), timestamp: new Date(event.timestamp) };
  }
}

/** Only the events `keep` accepts: the topic is per user, and this is the per-event check. */
function filtered<T>(source: AsyncIterableIterator<T>, keep: (event: T) => boolean): AsyncIterableIterator<T> {
  return {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done || keep(result.value)) return result;
      }
    },
    return: (value?: unknown) => source.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
    throw: (error?: unknown) => source.throw?.(error) ?? Promise.reject(error),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
