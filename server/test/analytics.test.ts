import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { fitGarch11, garchVariancePath } from "../src/analytics/garch";
import { simpleReturns } from "../src/analytics/metrics";
import type { RunningServer } from "../src/app/server";
import { Role } from "../src/identity";
import { bearer, codeOf, gql, grantRole, registerUser, startTestServer, type TestUser } from "./helpers";

const IMPORT = `mutation ($symbol: String!, $bars: [PriceBarInput!]!) { importPriceBars(symbol: $symbol, interval: DAY_1, bars: $bars) { stored } }`;
const MINUTE_IMPORT = `mutation ($symbol: String!, $bars: [PriceBarInput!]!) { importPriceBars(symbol: $symbol, interval: MINUTE_1, bars: $bars) { stored } }`;
const LIST = `mutation ($input: ListInstrumentInput!) { listInstrument(input: $input) { symbol } }`;
const PERFORMANCE = `query ($symbol: String!, $benchmark: String) {
  instrumentPerformance(symbol: $symbol, from: "2024-01-01T00:00:00Z", to: "2024-01-05T00:00:00Z", interval: DAY_1, benchmarkSymbol: $benchmark) {
    startValue endValue periodsPerYear series { time value cumulativeReturn drawdown }
    metrics { observations totalReturn volatility sharpeRatio maxDrawdown valueAtRisk95 expectedShortfall95 beta correlation } } }`;

const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString();
const bars = (closes: string[]) => closes.map((close, i) => ({ time: day(i), open: close, high: close, low: close, close, volume: "1" }));

describe("analytics over GraphQL on imported bars", () => {
  let server: RunningServer;
  let analyst: TestUser;
  let trader: TestUser;
  const tag = Date.now().toString(36).toUpperCase();
  const [A, B, FLAT] = [`A${tag}`, `B${tag}`, `F${tag}`];

  before(async () => {
    server = await startTestServer();
    const admin = await registerUser(server);
    [analyst, trader] = await Promise.all([registerUser(server), registerUser(server)]);
    await grantRole(server, admin.email, Role.ADMIN);
    await grantRole(server, analyst.email, Role.ANALYST);
    for (const symbol of [A, B, FLAT]) {
      const listed = await gql(server, LIST, { input: { symbol, name: symbol, assetClass: "EQUITY", currency: "USD", tickSize: "0.01", lotSize: "1" } }, bearer(admin.accessToken));
      expect(listed.errors).to.equal(undefined);
    }
    // A: +10%, -10%, +10%; B: +5%, -5%, +5% (so beta 2, correlation 1); FLAT never moves.
    for (const [symbol, closes] of [[A, ["100", "110", "99", "108.9"]], [B, ["100", "105", "99.75", "104.7375"]], [FLAT, ["50", "50", "50", "50"]]] as const) {
      const { data } = await gql(server, IMPORT, { symbol, bars: bars([...closes]) }, bearer(analyst.accessToken));
      expect(data!.importPriceBars.stored).to.equal(4);
    }
  });
  after(() => server?.stop());

  it("when a trader asks for analytics, then it is FORBIDDEN; an analyst gets them", async () => {
    expect(codeOf(await gql(server, PERFORMANCE, { symbol: A }, bearer(trader.accessToken)))).to.equal("FORBIDDEN");
    expect((await gql(server, PERFORMANCE, { symbol: A }, bearer(analyst.accessToken))).errors).to.equal(undefined);
  });

  it("when an analyst asks for an instrument's performance against a benchmark, then the figures follow the definitions", async () => {
    const { data } = await gql(server, PERFORMANCE, { symbol: A, benchmark: B }, bearer(analyst.accessToken));
    const report = data!.instrumentPerformance;
    expect(report).to.include({ startValue: "100", endValue: "108.9", periodsPerYear: 252 });
    expect(report.series.map((p: { value: string }) => p.value)).to.deep.equal(["100", "110", "99", "108.9"]);
    expect(report.series[2].drawdown).to.be.closeTo(0.1, 1e-12);
    const m = report.metrics;
    expect(m.observations).to.equal(3);
    expect(m.totalReturn).to.be.closeTo(0.089, 1e-12);
    expect(m.volatility).to.be.closeTo(Math.sqrt(0.04 / 3) * Math.sqrt(252), 1e-12);
    expect(m.maxDrawdown).to.be.closeTo(0.1, 1e-12);
    expect(m.valueAtRisk95).to.be.closeTo(0.08, 1e-12);
    expect(m.expectedShortfall95).to.be.closeTo(0.1, 1e-12);
    expect(m.beta).to.be.closeTo(2, 1e-9);
    expect(m.correlation).to.be.closeTo(1, 1e-9);
  });

  it("when an analyst backtests a 50/50 mix held without rebalancing, then the series is the units bought at the first close", async () => {
    const { data, errors } = await gql(
      server,
      `query ($input: BacktestInput!) { backtest(input: $input) { startValue endValue series { value } metrics { observations } } }`,
      { input: { targets: [{ symbol: A, weight: "0.5" }, { symbol: FLAT, weight: "0.5" }], from: day(0), to: day(4), initialValue: "1000", rebalance: "NEVER" } },
      bearer(analyst.accessToken),
    );
    expect(errors).to.equal(undefined);
    expect(data!.backtest.series.map((p: { value: string }) => p.value)).to.deep.equal(["1000", "1050", "995", "1044.5"]);
  });

  it("when a correlation matrix is asked, then it is symmetric with ones on the diagonal; a constant series is BAD_USER_INPUT", async () => {
    const Q = `query ($s: [String!]!) { correlationMatrix(symbols: $s, from: "2024-01-01T00:00:00Z", to: "2024-01-05T00:00:00Z", interval: DAY_1) }`;
    const { data } = await gql(server, Q, { s: [A, B] }, bearer(analyst.accessToken));
    expect(data!.correlationMatrix[0][0]).to.equal(1);
    expect(data!.correlationMatrix[0][1]).to.be.closeTo(1, 1e-9);
    expect(codeOf(await gql(server, Q, { s: [A, FLAT] }, bearer(analyst.accessToken)))).to.equal("BAD_USER_INPUT");
  });

  it("when one of the symbols has more than 10,000 bars in the window, then the matrix is refused as BAD_USER_INPUT naming it", async () => {
    const M = `M${tag}`;
    const admin = await registerUser(server);
    await grantRole(server, admin.email, Role.ADMIN);
    await gql(server, LIST, { input: { symbol: M, name: M, assetClass: "EQUITY", currency: "USD", tickSize: "0.01", lotSize: "1" } }, bearer(admin.accessToken));
    const start = Date.UTC(2024, 0, 1);
    const minutes = Array.from({ length: 10_001 }, (_, i) => ({ time: new Date(start + i * 60_000).toISOString(), open: "10", high: "10", low: "10", close: "10", volume: "1" }));
    const imported = await gql(server, MINUTE_IMPORT, { symbol: M, bars: minutes }, bearer(analyst.accessToken));
    expect(imported.data!.importPriceBars.stored).to.equal(10_001);
    const Q = `query ($s: [String!]!) { correlationMatrix(symbols: $s, from: "2024-01-01T00:00:00Z", to: "2024-01-09T00:00:00Z", interval: MINUTE_1) }`;
    const refused = await gql(server, Q, { s: [A, M] }, bearer(analyst.accessToken));
    expect(codeOf(refused)).to.equal("BAD_USER_INPUT");
    expect(refused.errors![0].message).to.contain(M);
  });

  it("when an EWMA forecast is asked, then it is the decayed variance of the returns; GARCH on four returns is refused as BAD_USER_INPUT", async () => {
    const Q = `query ($m: VolatilityModel!, $s: String!) { volatilityForecast(symbol: $s, model: $m, from: "2024-01-01T00:00:00Z", to: "2024-01-05T00:00:00Z") { periodVolatility annualizedVolatility parameters } }`;
    const { data } = await gql(server, Q, { m: "EWMA", s: A }, bearer(analyst.accessToken));
    const variance = 0.94 * (0.94 * 0.01 + 0.06 * 0.01) + 0.06 * 0.01;
    expect(data!.volatilityForecast.periodVolatility).to.be.closeTo(Math.sqrt(variance), 1e-12);
    expect(data!.volatilityForecast.parameters).to.deep.equal([0.94]);
    expect(codeOf(await gql(server, Q, { m: "GARCH_1_1", s: A }, bearer(analyst.accessToken)))).to.equal("BAD_USER_INPUT");
  });

  it("when a GARCH(1,1) forecast is asked on a year of imported bars, then it reports the maximum-likelihood fit of their returns and its 5-day variance path", async () => {
    const G = `G${tag}`;
    const admin = await registerUser(server);
    await grantRole(server, admin.email, Role.ADMIN);
    await gql(server, LIST, { input: { symbol: G, name: G, assetClass: "EQUITY", currency: "USD", tickSize: "0.01", lotSize: "1" } }, bearer(admin.accessToken));
    // Closes walked by the first 250 returns of the GARCH fixture (the one held against fGarch).
    const simulated = fs.readFileSync(path.join(__dirname, "fixtures/garch/returns.csv"), "utf8").trim().split("\n").slice(1, 251).map(Number);
    const closes = simulated.reduce((list, r) => [...list, list[list.length - 1] * (1 + r)], [100]).map((c) => c.toFixed(6));
    const imported = await gql(server, IMPORT, { symbol: G, bars: bars(closes) }, bearer(analyst.accessToken));
    expect(imported.data!.importPriceBars.stored).to.equal(251);
    const Q = `query ($s: String!) { volatilityForecast(symbol: $s, model: GARCH_1_1, from: "2024-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z", horizon: 5) { model horizon periodVolatility annualizedVolatility valueAtRisk95 parameters } }`;
    const { data, errors } = await gql(server, Q, { s: G }, bearer(analyst.accessToken));
    expect(errors).to.equal(undefined);
    const forecast = data!.volatilityForecast;
    const fit = fitGarch11(simpleReturns(closes.map(Number)))!;
    expect(forecast).to.include({ model: "GARCH_1_1", horizon: 5 });
    expect(forecast.parameters).to.deep.equal([fit.omega, fit.alpha, fit.beta]);
    const total = garchVariancePath(fit, 5).reduce((a, b) => a + b, 0);
    expect(forecast.periodVolatility).to.be.closeTo(Math.sqrt(total), 1e-15);
    expect(forecast.annualizedVolatility).to.be.closeTo(Math.sqrt((252 * total) / 5), 1e-12);
    expect(forecast.valueAtRisk95).to.be.closeTo(1.6448536 * Math.sqrt(total), 1e-15);
  });
});
