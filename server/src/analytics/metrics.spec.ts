import { expect } from "chai";
import { formatFixed, parseFixed } from "../infra/fixed";
import { backtestValues, RebalanceFrequency } from "./backtest";
import { correlationMatrix } from "./correlation";
import { drawdowns, quantile, riskMetrics, simpleReturns } from "./metrics";
import { ewmaForecast } from "./volatility";

const close = (a: number, b: number) => (x: number | null) => expect(x).to.be.closeTo(a, b);

describe("analytics metrics (figures worked by hand)", () => {
  // Closes 100, 110, 99, 108.9: returns +10%, -10%, +10%.
  const values = [100, 110, 99, 108.9];
  const r = [0.1, -0.1, 0.1];

  it("when closes are given, then returns are simple periodic returns with the first close as base", () => {
    simpleReturns(values).forEach((x, i) => close(r[i], 1e-12)(x));
  });

  it("when metrics are computed with P = 252 and rf = 0, then every figure equals the definition worked by hand", () => {
    const m = riskMetrics(values, { periodsPerYear: 252, riskFreeRate: 0 });
    expect(m.observations).to.equal(3);
    close(0.089, 1e-12)(m.totalReturn); // 1.1 * 0.9 * 1.1 - 1
    close(1.089 ** (252 / 3) - 1, 1e-9)(m.annualizedReturn);
    // mean 1/30, sample variance ((2/30)^2 * 2 + (4/30)^2) / 2 = 0.0133..., stdev 0.11547
    const sd = Math.sqrt(0.04 / 3);
    close(sd * Math.sqrt(252), 1e-12)(m.volatility);
    close((1 / 30 / sd) * Math.sqrt(252), 1e-12)(m.sharpeRatio);
    // downside deviation sqrt(0.01 / 3)
    close((1 / 30 / Math.sqrt(0.01 / 3)) * Math.sqrt(252), 1e-12)(m.sortinoRatio);
    close(0.1, 1e-12)(m.maxDrawdown); // 99 / 110
    close(m.annualizedReturn! / 0.1, 1e-9)(m.calmarRatio);
    // sorted -0.1, 0.1, 0.1: position 0.1 -> -0.1 + 0.1 * 0.2 = -0.08
    close(0.08, 1e-12)(m.valueAtRisk95);
    close(0.1, 1e-12)(m.expectedShortfall95);
    expect([m.beta, m.alpha, m.correlation]).to.deep.equal([null, null, null]);
  });

  it("when a risk-free rate is given, then Sharpe subtracts rf / P from every return", () => {
    const m = riskMetrics(values, { periodsPerYear: 252, riskFreeRate: 0.0252 });
    close(((1 / 30 - 0.0001) / Math.sqrt(0.04 / 3)) * Math.sqrt(252), 1e-12)(m.sharpeRatio);
  });

  it("when a benchmark is given, then beta, alpha and correlation follow the sample definitions", () => {
    const b = [0.05, -0.05, 0.05];
    const m = riskMetrics(values, { periodsPerYear: 252, riskFreeRate: 0 }, { own: r, returns: b });
    close(2, 1e-12)(m.beta); // r = 2 b exactly
    close(0, 1e-12)(m.alpha);
    close(1, 1e-12)(m.correlation);
  });

  it("when there are fewer than two returns or no deviation, then those figures are null", () => {
    const one = riskMetrics([100, 105], { periodsPerYear: 252, riskFreeRate: 0 });
    expect(one.observations).to.equal(1);
    expect([one.volatility, one.sharpeRatio, one.valueAtRisk95]).to.deep.equal([null, null, null]);
    const flat = riskMetrics([100, 100, 100], { periodsPerYear: 252, riskFreeRate: 0 });
    expect([flat.sharpeRatio, flat.sortinoRatio, flat.calmarRatio]).to.deep.equal([null, null, null]);
  });

  it("when quantiles and drawdowns are taken, then they match numpy's default and the running peak", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).to.equal(2.5);
    expect(quantile([5, 1, 3], 0.25)).to.equal(2);
    expect(drawdowns([1, 2, 1, 3])).to.deep.equal([0, 0, 0.5, 0]);
  });
});

describe("EWMA volatility forecast", () => {
  it("when returns are given, then the variance is seeded with the first squared return and decays by 0.94", () => {
    const forecast = ewmaForecast([0.01, -0.02, 0.03], 4, 252)!;
    const variance = 0.94 * (0.94 * 0.0001 + 0.06 * 0.0004) + 0.06 * 0.0009;
    close(Math.sqrt(variance) * 2, 1e-15)(forecast.periodVolatility);
    close(Math.sqrt(252 * variance), 1e-15)(forecast.annualizedVolatility);
    close(1.6448536 * Math.sqrt(variance) * 2, 1e-15)(forecast.valueAtRisk95);
    expect(forecast.parameters).to.deep.equal([0.94]);
    expect(ewmaForecast([], 1, 252)).to.equal(null);
  });
});

describe("correlation matrix", () => {
  it("when series share only some times, then returns are taken on the shared times", () => {
    const a = { times: [1, 2, 3, 4], values: [100, 110, 99, 50] };
    const b = { times: [1, 2, 3], values: [10, 11, 9.9] };
    const c = { times: [0, 1, 2, 3], values: [7, 10, 9, 9.9] };
    const matrix = correlationMatrix([a, b, c]);
    expect(matrix[0][0]).to.equal(1);
    close(1, 1e-12)(matrix[0][1]);
    close(-1, 1e-12)(matrix[0][2]);
    expect(correlationMatrix([a, { times: [1, 2, 3], values: [5, 5, 5] }])[0][1]).to.equal(null);
  });
});

describe("backtest", () => {
  const day = 86_400_000;
  // Thursday 2024-02-29 to Monday 2024-03-04: a month end after the first bar and a week end after the third.
  const times = [0, 1, 2, 3, 4].map((i) => Date.UTC(2024, 1, 29) + i * day);
  const closes = [["10", "20", "10", "20", "10"].map(parseFixed), ["10", "10", "10", "10", "10"].map(parseFixed)];
  const weights = ["0.5", "0.5"].map(parseFixed);
  const run = (frequency: RebalanceFrequency) => backtestValues(times, closes, weights, parseFixed("1000"), frequency).map(formatFixed);

  it("when held without rebalancing, then units bought at the first close ride the prices", () => {
    expect(run(RebalanceFrequency.NEVER)).to.deep.equal(["1000", "1500", "1000", "1500", "1000"]);
  });

  it("when rebalanced daily, then the weights are restored at every close", () => {
    // 1500 -> 750/750 at 20 and 10 -> 37.5 and 75 units -> 1125; -> 56.25/112.5 ... each up day +50% of half
    expect(run(RebalanceFrequency.DAILY)).to.deep.equal(["1000", "1500", "1125", "1687.5", "1265.625"]);
  });

  it("when rebalanced monthly, then it happens only at the close of February's last bar", () => {
    // 2024-02-29 is the first bar; the first rebalance is at the last February close, which is the base itself.
    expect(run(RebalanceFrequency.MONTHLY)).to.deep.equal(["1000", "1500", "1000", "1500", "1000"]);
  });

  it("when rebalanced weekly, then it happens at Sunday's close only", () => {
    // Bars: Thu, Fri, Sat, Sun, Mon. Sunday closes at 20: 1500 split 750/750 -> 37.5 units at 20 and 75 at 10 -> Monday 1125.
    expect(run(RebalanceFrequency.WEEKLY)).to.deep.equal(["1000", "1500", "1000", "1500", "1125"]);
  });
});
