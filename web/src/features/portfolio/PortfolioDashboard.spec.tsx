import { render, screen, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { describe, expect, it } from "vitest";
import { graphqlError, scriptedClient } from "../../test/client";
import { PortfolioDashboard } from "./PortfolioDashboard";

const detail = (readOnly: boolean) => ({
  __typename: "Portfolio",
  id: "p-1",
  name: readOnly ? "Portfolio 0a1b2c3d" : "Main",
  currency: "USD",
  cashBalance: "900",
  availableCash: "900",
  totalValue: "900",
  unrealizedPnl: "0",
  realizedPnl: "0",
  investedAmount: "0",
  riskLevel: "MODERATE",
  readOnly,
  rebalanceThreshold: "0.05",
  targetAllocation: [],
  rebalanceProposal: { __typename: "RebalanceProposal", needed: false, maxDrift: "0", orders: [] },
  positions: [],
});

// Time-weighted: 1000 -> 1650 (a 500 deposit: +13.4375%) -> 900 (a 650 withdrawal: -10%).
const returns = {
  __typename: "PerformanceReport",
  startValue: "1000",
  endValue: "900",
  metrics: { __typename: "RiskMetrics", observations: 2, totalReturn: 0.0209375, annualizedReturn: null, volatility: 2.35, maxDrawdown: 0.1 },
  series: [
    ["2024-01-01", "1000", 0],
    ["2024-01-02", "1650", 0.134375],
    ["2024-01-03", "900", 0.0209375],
  ].map(([day, value, cumulativeReturn]) => ({ __typename: "PerformancePoint", time: `${day}T00:00:00.000Z`, value, cumulativeReturn })),
};

function setup(readOnly: boolean, performance: () => unknown = () => ({ data: { portfolioPerformance: returns } })) {
  const api = scriptedClient({
    PortfolioDetail: () => ({ data: { portfolio: detail(readOnly) } }),
    PortfolioReturns: performance as never,
    AllocationInstruments: () => ({ data: { instruments: [] } }),
    PortfolioTransactions: () => ({ data: { portfolio: { __typename: "Portfolio", id: "p-1", transactions: { __typename: "TransactionConnection", edges: [], pageInfo: { __typename: "PageInfo", endCursor: null, hasNextPage: false } } } } }),
  });
  render(
    <MemoryRouter initialEntries={["/portfolios/p-1"]}>
      <Routes>
        <Route path="/portfolios/:id" element={<PortfolioDashboard />} />
      </Routes>
    </MemoryRouter>,
    { wrapper: api.wrapper },
  );
  return api;
}

describe("portfolio page", () => {
  it("when the portfolio has daily values, then the time-weighted return and the day change show, deposits not counted", async () => {
    setup(false);
    const kpis = await screen.findByTestId("portfolio-returns");
    expect(within(kpis).getByTestId("twr").textContent).toBe("+2.09%");
    // (1 + 0.0209375) / (1 + 0.134375) - 1 = -10%: the withdrawal is not a loss of 45%.
    expect(within(kpis).getByTestId("day-change").textContent).toBe("-10.00%");
    expect(within(kpis).getByTestId("day-change").className).toBe("down");
  });

  it("when an analyst reads someone else's portfolio, then it says read-only and offers no cash, target, trade or transaction action, nor live feeds", async () => {
    const api = setup(true);
    await screen.findByTestId("read-only");
    await screen.findByTestId("portfolio-returns");
    expect(screen.queryByRole("link", { name: "Trade" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Deposit" })).toBeNull();
    expect(screen.queryByRole("heading", { name: "Target allocation" })).toBeNull();
    expect(screen.queryByRole("heading", { name: "Transactions" })).toBeNull();
    expect(api.sent("PortfolioTransactions")).toHaveLength(0);
    expect(api.subscribed("PortfolioValuation")).toBe(false);
    expect(api.subscribed("PortfolioOrderActivity")).toBe(false);
  });

  it("when the owner opens it, then cash and transactions are offered", async () => {
    setup(false);
    expect(await screen.findByRole("button", { name: "Deposit" })).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Transactions" })).toBeTruthy();
  });

  it("when the portfolio has no daily value yet, then performance says so instead of failing", async () => {
    setup(false, () => graphqlError("The portfolio has no value snapshot in the window", "BAD_USER_INPUT"));
    expect(await screen.findByText(/No daily value yet/)).toBeTruthy();
  });
});
