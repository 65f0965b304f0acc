import type { Session } from "../identity";
import { badUserInput, notFound } from "../infra/errors";
import { type Fixed, formatFixed, parseFixed } from "../infra/fixed";
import { type BarService, BarInterval, type CloseSeries, type InstrumentService } from "../market";
import type { PortfolioService } from "../portfolio";
import { backtestValues, type RebalanceFrequency } from "./backtest";
import { correlationMatrix } from "./correlation";
import { drawdowns, riskMetrics, simpleReturns } from "./metrics";
import { type PerformanceReport, type VolatilityForecast, VolatilityModel } from "./analytics.types";
import { GARCH_MIN_RETURNS } from "./garch";
import { timeWeightedDaily } from "./time-weighted";
import { ewmaForecast, garchForecast } from "./volatility";

/** Longest series one computation takes; a longer window is refused. */
export const MAX_POINTS = 10_000;
const DEFAULT_PERIODS = 252;
const DAY_MS = 86_400_000;

interface Window {
  from: Date;
  to: Date;
}

/** The I/O around the pure analytics: bars in, reports out. */
export class AnalyticsService {
  constructor(
    private readonly bars: BarService,
    private readonly instruments: InstrumentService,
    private readonly portfolios: PortfolioService,
  ) {}

  /**
   * Time-weighted return of a portfolio on DAY_1 (its value of a day is the day's last
   * snapshot), flows chain-linked out; the owner's, or anyone's for an analyst or admin (audited).
   */
  async portfolioPerformance(session: Session, portfolioId: string, window: Window, benchmarkSymbol: string | null): Promise<PerformanceReport> {
    if (window.from >= window.to) throw badUserInput("from must be before to", "from");
    if (window.to.getTime() - window.from.getTime() > MAX_POINTS * DAY_MS) throw badUserInput(`The window holds more than ${MAX_POINTS} days: shorten it`, "from");
    if (benchmarkSymbol) await this.instruments.requireSymbols([benchmarkSymbol]);
    const portfolio = await this.portfolios.findReadable(session, portfolioId, "performance");
    if (!portfolio) throw notFound("Portfolio");
    const history = await this.portfolios.history(portfolio, window.from, window.to);
    const points = timeWeightedDaily(
      history.snapshots.map((snapshot) => ({ time: snapshot.time.getTime(), value: Number(snapshot.value) })),
      history.flows.map((flow) => ({ time: flow.time.getTime(), amount: Number(flow.amount) })),
    );
    if (points.length === 0) throw badUserInput("The portfolio has no value snapshot in the window", "from");
    const exact = new Map(history.snapshots.map((snapshot) => [snapshot.time.getTime(), formatFixed(parseFixed(snapshot.value))]));
    const values = points.map((point) => exact.get(point.time)!);
    return this.report(points.map((point) => point.day), values, window, BarInterval.DAY_1, DEFAULT_PERIODS, 0, benchmarkSymbol, points.map((point) => point.index));
  }

  async instrumentPerformance(symbol: string, window: Window, interval: BarInterval, options: { benchmarkSymbol?: string | null; periodsPerYear?: number | null; riskFreeRate?: number | null }): Promise<PerformanceReport> {
    const P = periods(options.periodsPerYear);
    const [{ times, closes }] = await this.closes([symbol], interval, window);
    return this.report(times, closes, window, interval, P, options.riskFreeRate ?? 0, options.benchmarkSymbol ?? null);
  }

  async backtest(input: { targets: Array<{ symbol: string; weight: string }>; from: Date; to: Date; initialValue: string; rebalance: RebalanceFrequency; benchmarkSymbol?: string | null; periodsPerYear?: number | null }): Promise<PerformanceReport> {
    const P = periods(input.periodsPerYear);
    if (input.targets.length === 0) throw badUserInput("Give at least one target", "targets");
    const weights = input.targets.map((target) => positive(target.weight, "weight", true));
    if (weights.reduce((sum, w) => sum + w, 0n) !== parseFixed("1")) throw badUserInput("Target weights must add up to 1", "targets");
    const initial = positive(input.initialValue, "initialValue", false);
    const series = (await this.closes(input.targets.map((target) => target.symbol), BarInterval.DAY_1, input)).map(byTime);
    const times = [...series[0].keys()].filter((time) => series.every((closes) => closes.has(time)));
    if (times.length === 0) throw badUserInput("The symbols share no daily bar in the window", "from");
    const closes = series.map((byTime) => times.map((time) => parseFixed(byTime.get(time)!)));
    const values = backtestValues(times, closes, weights, initial, input.rebalance);
    return this.report(times, values.map(formatFixed), input, BarInterval.DAY_1, P, 0, input.benchmarkSymbol ?? null);
  }

  async correlationMatrix(symbols: string[], window: Window, interval: BarInterval): Promise<number[][]> {
    if (symbols.length < 2 || symbols.length > 100) throw badUserInput("Give between 2 and 100 symbols", "symbols");
    const series = await this.closes(symbols, interval, window);
    const matrix = correlationMatrix(series.map(({ times, closes }) => ({ times, values: closes.map(Number) })));
    const constant = symbols.filter((_, i) => matrix[i][i] === null);
    if (constant.length > 0) throw badUserInput(`No correlation over a constant series (or fewer than 3 shared bars): ${constant.join(", ")}`, "symbols");
    return matrix as number[][];
  }

  async volatilityForecast(symbol: string, model: VolatilityModel, window: Partial<Window>, horizon: number, periodsPerYear?: number | null): Promise<VolatilityForecast> {
    if (!Number.isInteger(horizon) || horizon < 1 || horizon > 252) throw badUserInput("horizon must be between 1 and 252 periods", "horizon");
    const to = window.to ?? new Date();
    const from = window.from ?? new Date(to.getTime() - 365 * 86_400_000);
    const [{ closes }] = await this.closes([symbol], BarInterval.DAY_1, { from, to });
    const returns = simpleReturns(closes.map(Number));
    if (model === VolatilityModel.GARCH_1_1) {
      const garch = garchForecast(returns, horizon, periods(periodsPerYear));
      if (!garch) throw badUserInput(`GARCH(1,1) needs at least ${GARCH_MIN_RETURNS} daily returns in the window, not all zero`, "from");
      const { logLikelihood: _, ...estimate } = garch;
      return { symbol, model, horizon, ...estimate };
    }
    const estimate = ewmaForecast(returns, horizon, periods(periodsPerYear));
    if (!estimate) throw badUserInput("Need at least two daily bars in the window", "from");
    return { symbol, model, horizon, ...estimate };
  }

  /** The closes of each symbol, in the order given, read in one query; refuses unknown symbols and windows over MAX_POINTS. */
  private async closes(symbols: readonly string[], interval: BarInterval, window: Window): Promise<CloseSeries[]> {
    if (window.from >= window.to) throw badUserInput("from must be before to", "from");
    await this.instruments.requireSymbols(symbols);
    const bySymbol = await this.bars.closes(symbols, interval, window.from, window.to, MAX_POINTS + 1);
    const series = symbols.map((symbol) => bySymbol.get(symbol)!);
    const long = symbols.find((_, i) => series[i].times.length > MAX_POINTS);
    if (long) throw badUserInput(`The window holds more than ${MAX_POINTS} bars of ${long}: shorten it or take a longer interval`, "from");
    return series;
  }

  /** `growth`: the index the metrics run on when it is not the values themselves (a portfolio's, flows taken out). */
  private async report(times: number[], values: string[], window: Window, interval: BarInterval, P: number, rf: number, benchmarkSymbol: string | null, growth?: number[]): Promise<PerformanceReport> {
    if (values.length === 0) throw badUserInput("No bars in the window", "from");
    const numbers = growth ?? values.map(Number);
    let benchmark: { own: number[]; returns: number[] } | undefined;
    if (benchmarkSymbol) {
      const other = byTime((await this.closes([benchmarkSymbol], interval, window))[0]);
      const shared = times.filter((time) => other.has(time));
      const own = new Map(times.map((time, i) => [time, numbers[i]]));
      benchmark = { own: simpleReturns(shared.map((time) => own.get(time)!)), returns: simpleReturns(shared.map((time) => Number(other.get(time)))) };
    }
    const downs = drawdowns(numbers);
    return {
      from: window.from,
      to: window.to,
      interval,
      periodsPerYear: P,
      benchmarkSymbol,
      startValue: values[0],
      endValue: values.at(-1)!,
      metrics: riskMetrics(numbers, { periodsPerYear: P, riskFreeRate: rf }, benchmark),
      series: times.map((time, i) => ({ time: new Date(time), value: values[i], cumulativeReturn: numbers[i] / numbers[0] - 1, drawdown: downs[i] })),
    };
  }
}

function byTime({ times, closes }: CloseSeries): Map<number, string> {
  return new Map(times.map((time, i) => [time, closes[i]]));
}

function periods(value: number | null | undefined): number {
  const P = value ?? DEFAULT_PERIODS;
  if (!Number.isInteger(P) || P < 1 || P > 525_600) throw badUserInput("periodsPerYear must be a whole number between 1 and 525600", "periodsPerYear");
  return P;
}

function positive(text: string, field: string, allowZero: boolean): Fixed {
  let value: Fixed;
  try {
    value = parseFixed(text);
  } catch {
    throw badUserInput(`${field} is not a decimal with at most 10 places`, field);
  }
  if (value < 0n || (!allowZero && value === 0n)) throw badUserInput(`${field} must be ${allowZero ? "zero or more" : "greater than zero"}`, field);
  return value;
}
