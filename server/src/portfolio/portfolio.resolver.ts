import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { Context } from "../app/context";
import { Role, Scope, scope } from "../infra/auth";
import { formatFixed } from "../infra/fixed";
import { forwardPageInfo, pageSize } from "../infra/graphql/pagination";
import { DecimalScalar } from "../infra/graphql/scalars";
import { type ValuationEvent } from "../infra/pubsub";
import { AppError } from "../infra/errors";
import { transactionCursor } from "./portfolio.loaders";
import { portfolioCursor } from "./portfolio.service";
import {
  AllocationTarget,
  AllocationTargetInput,
  CreatePortfolioInput,
  Portfolio,
  PortfolioConnection,
  PortfolioValuation,
  Position,
  PositionSource,
  RebalanceProposal,
  Transaction,
  TransactionConnection,
} from "./portfolio.types";
import { byInstruments, rows } from "../infra/graphql/rows";
import { MAX_PORTFOLIOS_PER_USER } from "./portfolio.service";

const TRADERS = [Role.TRADER, Role.PARTNER];

@Resolver(() => Portfolio)
export class PortfolioResolver {
  @Authorized(scope(Scope.READ_PORTFOLIOS))
  @Query(() => [Portfolio], { description: "The caller's portfolios, oldest first.", complexity: rows(MAX_PORTFOLIOS_PER_USER) })
  portfolios(@Ctx() ctx: Context): Promise<Portfolio[]> {
    return ctx.services.portfolios.list(ctx.session);
  }

  @Authorized(scope(Scope.READ_PORTFOLIOS))
  @Query(() => Portfolio, { nullable: true, description: "Null for an unknown id or someone else's portfolio (ANALYST, COMPLIANCE_OFFICER, ADMIN: anyone's, read-only, audited)." })
  portfolio(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Portfolio | null> {
    return ctx.services.portfolios.findReadable(ctx.session, id, "portfolio");
  }

  @Authorized(Role.ANALYST, Role.COMPLIANCE_OFFICER, Role.ADMIN)
  @Query(() => PortfolioConnection, { description: "ANALYST, COMPLIANCE_OFFICER, ADMIN: every portfolio, oldest first, read-only and audited; no owner, name or transactions." })
  async allPortfolios(
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
  ): Promise<PortfolioConnection> {
    const page = await ctx.services.portfolios.page(ctx.session, pageSize(first, 20, 100), after ?? null);
    const edges = page.rows.map((node) => ({ cursor: portfolioCursor(node), node }));
    return { edges, pageInfo: forwardPageInfo(page.hasNextPage, edges, after), totalCount: page.totalCount };
  }

  @Authorized(...TRADERS, scope(Scope.TRADE))
  @Mutation(() => Portfolio)
  createPortfolio(@Arg("input", () => CreatePortfolioInput) input: CreatePortfolioInput, @Ctx() ctx: Context): Promise<Portfolio> {
    return ctx.services.portfolios.create(ctx.session, input);
  }

  @Authorized(...TRADERS, scope(Scope.TRANSFER))
  @Mutation(() => Transaction)
  deposit(@Arg("portfolioId", () => ID) portfolioId: string, @Arg("amount", () => DecimalScalar) amount: string, @Ctx() ctx: Context): Promise<Transaction> {
    return ctx.services.ledger.deposit(ctx.session, portfolioId, amount);
  }

  @Authorized(...TRADERS, scope(Scope.TRANSFER))
  @Mutation(() => Transaction, { description: "API keys need the `transfer` scope: `trade` never moves money." })
  withdraw(@Arg("portfolioId", () => ID) portfolioId: string, @Arg("amount", () => DecimalScalar) amount: string, @Ctx() ctx: Context): Promise<Transaction> {
    return ctx.services.ledger.withdraw(ctx.session, portfolioId, amount);
  }

  @Authorized(...TRADERS, scope(Scope.TRADE))
  @Mutation(() => Portfolio, { description: "Replaces the targets; weights must sum to exactly 1 (an empty list clears them)." })
  setTargetAllocation(
    @Arg("portfolioId", () => ID) portfolioId: string,
    @Arg("targets", () => [AllocationTargetInput]) targets: AllocationTargetInput[],
    @Ctx() ctx: Context,
  ): Promise<Portfolio> {
    return ctx.services.portfolios.setTargetAllocation(ctx.session, portfolioId, targets);
  }

  @FieldResolver(() => DecimalScalar, { description: "Cash plus positions at the last prices." })
  async totalValue(@Root() portfolio: Portfolio, @Ctx() ctx: Context): Promise<string> {
    return formatFixed((await this.valuation(portfolio, ctx)).totalValue);
  }

  @FieldResolver(() => DecimalScalar)
  async unrealizedPnl(@Root() portfolio: Portfolio, @Ctx() ctx: Context): Promise<string> {
    return formatFixed((await this.valuation(portfolio, ctx)).unrealizedPnl);
  }

  @FieldResolver(() => [Position], { complexity: rows(byInstruments) })
  async positions(@Root() portfolio: Portfolio, @Ctx() ctx: Context): Promise<Position[]> {
    const [valuation, instruments] = await Promise.all([this.valuation(portfolio, ctx), ctx.services.instruments.bySymbol()]);
    return valuation.positions.map((position) => ({
      symbol: position.symbol,
      source: position.source === "WALLET" ? PositionSource.WALLET : PositionSource.LEDGER,
      instrument: instruments.get(position.symbol)!,
      quantity: formatFixed(position.quantity),
      averageCost: formatFixed(position.averageCost),
      marketPrice: formatFixed(position.marketPrice),
      marketValue: formatFixed(position.marketValue),
      unrealizedPnl: formatFixed(position.unrealizedPnl),
      weight: formatFixed(position.weight),
    }));
  }

  @FieldResolver(() => [AllocationTarget], { complexity: rows(byInstruments) })
  targetAllocation(@Root() portfolio: Portfolio, @Ctx() ctx: Context): AllocationTarget[] {
    return ctx.services.portfolios.targets(portfolio);
  }

  @FieldResolver(() => RebalanceProposal)
  async rebalanceProposal(@Root() portfolio: Portfolio, @Ctx() ctx: Context): Promise<RebalanceProposal> {
    return ctx.services.portfolios.rebalanceProposal(portfolio, await ctx.loaders.positions.load(portfolio.id));
  }

  @FieldResolver(() => TransactionConnection, { description: "Newest first." })
  async transactions(
    @Root() portfolio: Portfolio,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
  ): Promise<TransactionConnection> {
    if (portfolio.readOnly) throw new AppError("FORBIDDEN", "A portfolio's transactions are for its owner");
    const page = await ctx.loaders.transactions.load({ portfolioId: portfolio.id, first: pageSize(first, 20, 100), after: after ?? null });
    const edges = page.rows.map((row) => ({ cursor: transactionCursor(row), node: row }));
    return { edges, pageInfo: forwardPageInfo(page.hasNextPage, edges, after), portfolioId: portfolio.id };
  }

  @Authorized(scope(Scope.READ_PORTFOLIOS))
  @Subscription(() => PortfolioValuation, {
    description: "The portfolio's value now, then every change, at most a few times a second.",
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const portfolio = await ctx.services.portfolios.requireOwned(ctx.session, (args as { portfolioId: string }).portfolioId);
      return ctx.services.valuation.watch(portfolio.id, portfolio.userId, (topicsList) => ctx.subscribe(topicsList));
    },
  })
  portfolioValuation(@Arg("portfolioId", () => ID) _portfolioId: string, @Root() event: ValuationEvent): PortfolioValuation {
    return { ...event, timestamp: new Date(event.timestamp) };
  }

  /** Ledger positions and linked wallets' balances (the rebalancer sees only the ledger: it cannot trade a wallet). */
  private async valuation(portfolio: Portfolio, ctx: Context) {
    const [positions, wallet] = await Promise.all([ctx.loaders.positions.load(portfolio.id), ctx.loaders.walletHoldings.load(portfolio.id)]);
    return ctx.services.portfolios.value(portfolio, positions, wallet);
  }
}
