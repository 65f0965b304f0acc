import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { Context } from "../app/context";
import { Role, Scope, scope } from "../infra/auth";
import { badUserInput } from "../infra/errors";
import { type BookEvent, type OrderEvent, type TradeEvent, topics } from "../infra/pubsub";
import { OrderStatus } from "./trading.entities";
import { AmendOrderInput, Fill, Order, OrderBookSnapshot, OrderConnection, OrderUpdate, PlaceOrderInput, Trade } from "./trading.types";

const TRADERS = [Role.TRADER, Role.PARTNER];
const MAX_DEPTH = 100;

const depthOf = (depth: number | null | undefined) => {
  const value = depth ?? 10;
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
  @Mutation(() => [Order])
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
  @Query(() => OrderConnection, { description: "The caller's orders, newest first." })
  orders(
    @Ctx() ctx: Context,
    @Arg("portfolioId", () => ID, { nullable: true }) portfolioId?: string,
    @Arg("status", () => [OrderStatus], { nullable: true }) status?: OrderStatus[],
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
  ): Promise<OrderConnection> {
    return ctx.services.trading.orders(ctx.session, { portfolioId, status, first, after });
  }

  @Authorized(scope(Scope.READ_ORDERS))
  @Query(() => Order, { nullable: true, description: "Null for an unknown id or someone else's order." })
  order(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Order | null> {
    return ctx.services.trading.findOrder(ctx.session, id);
  }

  @Query(() => OrderBookSnapshot, { description: "Aggregated depth from the matching engine's memory." })
  orderBook(@Arg("symbol") symbol: string, @Ctx() ctx: Context, @Arg("depth", () => Int, { nullable: true }) depth?: number): OrderBookSnapshot {
    return ctx.services.trading.orderBook(symbol, depthOf(depth));
  }

  @FieldResolver(() => [Order])
  legs(@Root() order: Order, @Ctx() ctx: Context): Promise<Order[]> {
    return ctx.loaders.legs.load(order.id);
  }

  @FieldResolver(() => [Fill])
  fills(@Root() order: Order, @Ctx() ctx: Context): Promise<Fill[]> {
    return ctx.loaders.fills.load(order.id);
  }

  @Authorized(scope(Scope.READ_ORDERS))
  @Subscription(() => OrderUpdate, {
    description: "The caller's order changes (all portfolios, or one).",
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const userId = ctx.session.requireUser();
      const { portfolioId } = args as { portfolioId?: string };
      if (portfolioId) await ctx.services.portfolios.requireOwned(ctx.session, portfolioId);
      const source = ctx.subscribe([topics.orders(userId)]);
      return filtered(source, (event) => event.userId === userId && (!portfolioId || event.portfolioId === portfolioId));
    },
  })
  orderUpdates(@Root() event: OrderEvent, @Ctx() ctx: Context, @Arg("portfolioId", () => ID, { nullable: true }) _portfolioId?: string): OrderUpdate {
    return ctx.services.trading.orderUpdate(event);
  }

  @Subscription(() => Trade, {
    description: "Trades of a symbol as they happen.",
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const { symbol } = args as { symbol: string };
      ctx.services.trading.desk(symbol);
      return ctx.subscribe([topics.trades(symbol)]);
    },
  })
  trades(@Arg("symbol") _symbol: string, @Root() event: TradeEvent): Trade {
    return { ...event, aggressorSide: event.aggressorSide as Trade["aggressorSide"], executedAt: new Date(event.executedAt) };
  }

  @Subscription(() => OrderBookSnapshot, {
    name: "orderBook",
    description: "Depth snapshots of a symbol, a few per second at most.",
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const { symbol } = args as { symbol: string };
      ctx.services.trading.desk(symbol);
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
