import { act, render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { scriptedClient } from "../../test/client";
import { MarketDataBadge } from "./MarketDataBadge";

const status = (symbol: string, stale: boolean, halted = stale) => ({ __typename: "MarketDataStatus", symbol, source: "coinbase", stale, halted, lastUpdateAt: "2026-03-02T10:00:00.000Z" });

describe("market data badge", () => {
  it("when the symbol's prices go stale and resume, then the badge appears and goes; another symbol's news changes nothing", async () => {
    const api = scriptedClient({ MarketDataStatus: () => ({ data: { marketDataStatus: [status("BTC-USD", false), status("ETH-USD", true)] } }) });
    render(<MarketDataBadge symbol="BTC-USD" />, { wrapper: api.wrapper });
    await act(async () => {});
    expect(screen.queryByTestId("market-data-stale")).toBeNull();
    act(() => api.push("MarketDataStatusChanged", { marketDataStatus: status("BTC-USD", true) }));
    expect((await screen.findByTestId("market-data-stale")).textContent).toBe("Stale prices");
    act(() => api.push("MarketDataStatusChanged", { marketDataStatus: status("ETH-USD", false) }));
    expect(screen.queryByTestId("market-data-stale")).not.toBeNull();
    act(() => api.push("MarketDataStatusChanged", { marketDataStatus: status("BTC-USD", false) }));
    expect(screen.queryByTestId("market-data-stale")).toBeNull();
  });

  it("when an admin has halted the symbol, then it says halted", async () => {
    const api = scriptedClient({ MarketDataStatus: () => ({ data: { marketDataStatus: [status("BTC-USD", false, true)] } }) });
    render(<MarketDataBadge symbol="BTC-USD" />, { wrapper: api.wrapper });
    expect((await screen.findByTestId("market-data-halted")).textContent).toBe("Halted");
  });
});
