import { Arg, Authorized, Ctx, Float, ID, Int, Query, Resolver } from "type-graphql";
import type { Context } from "../app/context";
import { Role, Scope, scope } from "../infra/auth";
import { DateTimeScalar } from "../infra/graphql/scalars";
import { BarInterval } from "../market";
import { BacktestInput, PerformanceReport, VolatilityForecast, VolatilityModel } from "./analytics.types";

/** Market analytics read market data only (no personal data): for analysts and admins. */
const ANALYSTS = [Role.ANALYST, Role.ADMIN];

@Resolver()
export class AnalyticsResolver {
  @Authorized(...ANALYSTS)
  @Query(() => PerformanceReport, { description: "ANALYST: returns and risk of one instrument over a window of bars." })
  instrumentPerformance(
    @Arg("symbol") symbol: string,
    @Arg("from", () => DateTimeScalar) from: Date,
    @Arg("to", () => DateTimeScalar) to: Date,
    @Arg("interval", () => BarInterval) interval: BarInterval,
    @Ctx() ctx: Context,
    @Arg("benchmarkSymbol", () => String, { nullable: true }) benchmarkSymbol?: string | null,
    @Arg("periodsPerYear", () => Int, { nullable: true }) periodsPerYear?: number | null,
    @Arg("riskFreeRate", () => Float, { nullable: true }) riskFreeRate?: number | null,
  ): Promise<PerformanceReport> {
    return ctx.services.analytics.instrumentPerformance(symbol, { from, to }, interval, { benchmarkSymbol, periodsPerYear, riskFreeRate });
  }

  @Authorized(scope(Scope.READ_PORTFOLIOS))
  @Query(() => PerformanceReport, { description: "Time-weighted return of a portfolio on daily values, deposits and withdrawals chain-linked out. The owner's; ANALYST, COMPLIANCE_OFFICER, ADMIN: anyone's, audited." })
  portfolioPerformance(
    @Arg("portfolioId", () => ID) portfolioId: string,
    @Arg("from", () => DateTimeScalar) from: Date,
    @Arg("to", () => DateTimeScalar) to: Date,
    @Ctx() ctx: Context,
    @Arg("benchmarkSymbol", () => String, { nullable: true }) benchmarkSymbol?: string | null,
  ): Promise<PerformanceReport> {
    return ctx.services.analytics.portfolioPerformance(ctx.session, portfolioId, { from, to }, benchmarkSymbol ?? null);
  }

  @Authorized(...ANALYSTS)
  @Query(() => PerformanceReport, { description: "ANALYST: a target-weight portfolio simulated on daily closes." })
  backtest(@Arg("input", () => BacktestInput) input: BacktestInput, @Ctx() ctx: Context): Promise<PerformanceReport> {
    return ctx.services.analytics.backtest(input);
  }

  @Authorized(...ANALYSTS)
  @Query(() => [[Float]], { description: "ANALYST: Pearson correlation of returns on the bar times all symbols share." })
  correlationMatrix(
    @Arg("symbols", () => [String]) symbols: string[],
    @Arg("from", () => DateTimeScalar) from: Date,
    @Arg("to", () => DateTimeScalar) to: Date,
    @Arg("interval", () => BarInterval) interval: BarInterval,
    @Ctx() ctx: Context,
  ): Promise<number[][]> {
    return ctx.services.analytics.correlationMatrix(symbols, { from, to }, interval);
  }

  @Authorized(...ANALYSTS)
  @Query(() => VolatilityForecast, { description: "ANALYST: volatility of the next horizon periods from daily returns: EWMA (lambda 0.94) or zero-mean GARCH(1,1) fitted by maximum likelihood." })
  async volatilityForecast(
    @Arg("symbol") symbol: string,
    @Arg("model", () => VolatilityModel) model: VolatilityModel,
    @Ctx() ctx: Context,
    @Arg("from", () => DateTimeScalar, { nullable: true }) from?: Date | null,
    @Arg("to", () => DateTimeScalar, { nullable: true }) to?: Date | null,
    @Arg("horizon", () => Int, { nullable: true }) horizon?: number | null,
  ): Promise<VolatilityForecast> {
    return ctx.services.analytics.volatilityForecast(symbol, model, { from: from ?? undefined, to: to ?? undefined }, horizon ?? 1);
  }
}
