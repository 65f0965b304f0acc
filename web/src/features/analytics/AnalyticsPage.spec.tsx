import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import { graphqlError, scriptedClient } from "../../test/client";
import { AnalyticsPage } from "./AnalyticsPage";

// A report as the server sends it: closes 100, 110, 99, 108.9 (returns +10%, -10%, +10%).
const report = (benchmarkSymbol: string | null) => ({
  __typename: "PerformanceReport",
  from: "2024-01-01T00:00:00.000Z",
  to: "2024-01-05T00:00:00.000Z",
  periodsPerYear: 252,
  benchmarkSymbol,
  startValue: "100",
  endValue: "108.9",
  metrics: {
    __typename: "RiskMetrics",
    observations: 3,
    totalReturn: 0.089,
    annualizedReturn: 0.5,
    volatility: 1.833,
    sharpeRatio: 4.58,
    sortinoRatio: 9.17,
    maxDrawdown: 0.1,
    calmarRatio: 5,
    valueAtRisk95: 0.08,
    expectedShortfall95: 0.1,
    beta: benchmarkSymbol ? 2 : null,
    alpha: benchmarkSymbol ? 0 : null,
    correlation: benchmarkSymbol ? 1 : null,
  },
  series: [
    ["2024-01-01", "100", 0, 0],
    ["2024-01-02", "110", 0.1, 0],
    ["2024-01-03", "99", -0.01, 0.1],
    ["2024-01-04", "108.9", 0.089, 0.01],
  ].map(([day, value, cumulativeReturn, drawdown]) => ({ __typename: "PerformancePoint", time: `${day}T00:00:00.000Z`, value, cumulativeReturn, drawdown })),
});

function setup(overrides: Record<string, (variables: Record<string, unknown>) => unknown> = {}) {
  const api = scriptedClient({
    AnalyticsInstruments: () => ({ data: { instruments: ["AAPL", "MSFT", "BTC-USD"].map((symbol) => ({ __typename: "Instrument", symbol, name: symbol })) } }),
    AnalyticsPortfolios: () => ({
      data: {
        allPortfolios: {
          __typename: "PortfolioConnection",
          totalCount: 1,
          pageInfo: { __typename: "PageInfo", hasNextPage: false, endCursor: "c1" },
          edges: [{ __typename: "PortfolioEdge", cursor: "c1", node: { __typename: "Portfolio", id: "p-1", name: "Portfolio 0a1b2c3d", currency: "USD", totalValue: "12500.5", riskLevel: "MODERATE" } }],
        },
      },
    }),
    InstrumentPerformance: (v) => ({ data: { instrumentPerformance: report((v.benchmarkSymbol as string | null) ?? null) } }),
    PortfolioPerformance: () => ({ data: { portfolioPerformance: report(null) } }),
    Backtest: () => ({ data: { backtest: report(null) } }),
    CorrelationMatrix: () => ({ data: { correlationMatrix: [[1, -0.35], [-0.35, 1]] } }),
    ...(overrides as Record<string, never>),
  });
  render(
    <MemoryRouter>
      <AnalyticsPage />
    </MemoryRouter>,
    { wrapper: api.wrapper },
  );
  return { api, user: userEvent.setup() };
}

describe("analytics screen", () => {
  it("when an instrument is analysed against a benchmark, then the window and benchmark are sent and the server's figures fill the metrics table", async () => {
    const { api, user } = setup();
    await user.selectOptions(await screen.findByLabelText("Benchmark"), "MSFT");
    // A date input takes a whole date at once (typing digit by digit is not how a picker works).
    fireEvent.change(screen.getByLabelText("From"), { target: { value: "2024-01-01" } });
    fireEvent.change(screen.getByLabelText("To"), { target: { value: "2024-01-04" } });
    await user.selectOptions(screen.getByLabelText("Symbol"), "AAPL");
    await user.click(screen.getByRole("button", { name: "Analyse" }));
    const metrics = await screen.findByTestId("metrics");
    // [from, to): the last chosen day is included.
    expect(api.sent("InstrumentPerformance")[0].variables).toEqual({ symbol: "AAPL", from: "2024-01-01T00:00:00.000Z", to: "2024-01-05T00:00:00.000Z", benchmarkSymbol: "MSFT" });
    const row = (key: string) => within(metrics.querySelector(`[data-metric="${key}"]`) as HTMLElement);
    expect(row("totalReturn").getByText("8.90%")).toBeTruthy();
    expect(row("maxDrawdown").getByText("10.00%")).toBeTruthy();
    expect(row("beta").getByText("2.00")).toBeTruthy();
    expect(within(metrics).getByText("3 daily returns, against MSFT")).toBeTruthy();
    expect(screen.getByTestId("performance-summary").textContent).toContain("100.00 to 108.90");
  });

  it("when the returns are drawn, then the histogram holds every return and says so in words", async () => {
    const { user } = setup();
    await user.click(await screen.findByRole("button", { name: "Analyse" }));
    const histogram = await screen.findByTestId("return-histogram");
    const counts = [...histogram.querySelectorAll("rect")].map((bar) => Number(bar.getAttribute("data-count")));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(within(histogram).getByRole("img").getAttribute("aria-label")).toMatch(/^Histogram of 3 daily returns from -10\.00% to 10\.00%/);
  });

  it("when backtest weights do not add up to 1, then nothing is sent; once they do, the targets go with the window", async () => {
    const { api, user } = setup();
    const form = await screen.findByTestId("backtest-form");
    await user.clear(within(form).getByLabelText("Weight 2"));
    await user.type(within(form).getByLabelText("Weight 2"), "0.4");
    await user.click(within(form).getByRole("button", { name: "Run backtest" }));
    expect(within(form).getByTestId("form-error").textContent).toBe("Weights add up to 0.9, not 1.");
    expect(api.sent("Backtest")).toHaveLength(0);
    await user.clear(within(form).getByLabelText("Weight 2"));
    await user.type(within(form).getByLabelText("Weight 2"), "0.5");
    await user.click(within(form).getByRole("button", { name: "Run backtest" }));
    await screen.findByTestId("metrics");
    const input = api.sent("Backtest")[0].variables.input as Record<string, unknown>;
    expect(input).toMatchObject({ targets: [{ symbol: "AAPL", weight: "0.5" }, { symbol: "MSFT", weight: "0.5" }], initialValue: "10000", rebalance: "MONTHLY", benchmarkSymbol: null });
  });

  it("when correlations are computed, then every coefficient is a readable cell of the heat map", async () => {
    const { api, user } = setup();
    const panel = (await screen.findByRole("heading", { name: "Correlation" })).closest("section") as HTMLElement;
    await user.click(within(panel).getByLabelText("BTC-USD"));
    await user.click(within(panel).getByRole("button", { name: "Compute correlation" }));
    const map = await screen.findByTestId("correlation-heatmap");
    expect(api.sent("CorrelationMatrix")[0].variables.symbols).toEqual(["AAPL", "MSFT"]);
    expect((map.querySelector('[data-cell="AAPL/MSFT"]') as HTMLElement).textContent).toBe("-0.35");
    expect(within(map).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["AAPL", "MSFT"]);
  });

  it("when fewer than two symbols are chosen, then the correlation is not asked", async () => {
    const { api, user } = setup();
    const panel = (await screen.findByRole("heading", { name: "Correlation" })).closest("section") as HTMLElement;
    for (const symbol of ["AAPL", "MSFT"]) await user.click(within(panel).getByLabelText(symbol));
    await user.click(within(panel).getByRole("button", { name: "Compute correlation" }));
    expect(within(panel).getByTestId("form-error").textContent).toBe("Choose at least two symbols.");
    expect(api.sent("CorrelationMatrix")).toHaveLength(0);
  });

  it("when an analyst picks a portfolio from the read-only list, then its time-weighted performance is asked by id", async () => {
    const { api, user } = setup();
    const list = await screen.findByTestId("all-portfolios");
    expect(within(list).getByRole("link", { name: "Portfolio 0a1b2c3d" }).getAttribute("href")).toBe("/portfolios/p-1");
    await user.click(within(list).getByRole("button", { name: "Analyse Portfolio 0a1b2c3d" }));
    await screen.findByRole("heading", { name: "Portfolio 0a1b2c3d (time-weighted): equity curve and drawdown" });
    expect(api.sent("PortfolioPerformance")[0].variables.portfolioId).toBe("p-1");
  });

  it("when the server refuses a window, then its reason is shown", async () => {
    const { user } = setup({ InstrumentPerformance: () => graphqlError("No bars in the window", "BAD_USER_INPUT") });
    await user.click(await screen.findByRole("button", { name: "Analyse" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("No bars in the window"));
  });
});
