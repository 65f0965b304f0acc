import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { PortfolioDetailQuery } from "../../gql/graphql";
import { scriptedClient } from "../../test/client";
import { AllocationEditor } from "./AllocationEditor";

type Portfolio = NonNullable<PortfolioDetailQuery["portfolio"]>;

const portfolio = {
  __typename: "Portfolio",
  id: "p1",
  rebalanceThreshold: "0.05",
  targetAllocation: [
    { __typename: "AllocationTarget", symbol: "AAPL", weight: "0.6" },
    { __typename: "AllocationTarget", symbol: "ETH-USD", weight: "0.4" },
  ],
  rebalanceProposal: {
    __typename: "RebalanceProposal",
    needed: true,
    maxDrift: "0.12",
    orders: [
      { __typename: "ProposedOrder", symbol: "AAPL", side: "BUY", quantity: "3", estimatedPrice: "230.10" },
      { __typename: "ProposedOrder", symbol: "ETH-USD", side: "SELL", quantity: "0.25", estimatedPrice: "3000.00" },
    ],
  },
} as unknown as Portfolio;

function setup() {
  const api = scriptedClient({
    AllocationInstruments: () => ({
      data: { instruments: ["AAPL", "ETH-USD", "TBILL"].map((symbol) => ({ __typename: "Instrument", symbol, name: symbol, isTradable: true })) },
    }),
    SetTargetAllocation: () => ({ data: { setTargetAllocation: portfolio } }),
    SubmitRebalanceOrder: (variables) => {
      const input = variables.input as Record<string, string>;
      return { data: { placeOrder: { __typename: "Order", id: `o-${input.symbol}`, symbol: input.symbol, side: input.side, status: "FILLED", filledQuantity: input.quantity, rejectReason: null } } };
    },
  });
  render(<AllocationEditor portfolio={portfolio} onOrdersDone={() => {}} />, { wrapper: api.wrapper });
  return { api, user: userEvent.setup() };
}

describe("target allocation", () => {
  it("when the targets do not add up to 100%, then saving is refused; when they do, then exact weights are sent", async () => {
    const { api, user } = setup();
    const aapl = screen.getByLabelText("Target percent for AAPL");
    await user.clear(aapl);
    await user.type(aapl, "50.5");
    expect(screen.getByText("Total 90.5% (must be 100%)")).toBeTruthy();
    expect((screen.getByRole("button", { name: "Save targets" }) as HTMLButtonElement).disabled).toBe(true);
    const eth = screen.getByLabelText("Target percent for ETH-USD");
    await user.clear(eth);
    await user.type(eth, "49.5");
    await user.click(screen.getByRole("button", { name: "Save targets" }));
    await waitFor(() => expect(api.sent("SetTargetAllocation")).toHaveLength(1));
    expect(api.sent("SetTargetAllocation")[0].variables.targets).toEqual([
      { symbol: "AAPL", weight: "0.505" },
      { symbol: "ETH-USD", weight: "0.495" },
    ]);
  });

  it("when the proposal is sent, then its orders go out as market orders, sells first so the buys have the cash", async () => {
    const { api, user } = setup();
    await user.click(screen.getByRole("button", { name: "Send 2 market orders" }));
    await waitFor(() => expect(api.sent("SubmitRebalanceOrder")).toHaveLength(2));
    expect(api.sent("SubmitRebalanceOrder").map((c) => c.variables.input)).toEqual([
      { portfolioId: "p1", symbol: "ETH-USD", side: "SELL", type: "MARKET", quantity: "0.25", timeInForce: "IOC" },
      { portfolioId: "p1", symbol: "AAPL", side: "BUY", type: "MARKET", quantity: "3", timeInForce: "IOC" },
    ]);
  });
});
