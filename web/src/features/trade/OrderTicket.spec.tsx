import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { graphqlError, type ScriptedResult, scriptedClient } from "../../test/client";
import { OrderTicket } from "./OrderTicket";

const ETH = { symbol: "ETH-USD", tickSize: "0.01", lotSize: "0.001", isTradable: true };

const order = (input: Record<string, unknown>, status = "NEW") => ({
  data: {
    placeOrder: {
      __typename: "Order",
      id: "o1",
      symbol: input.symbol,
      side: input.side,
      type: input.type,
      timeInForce: input.timeInForce,
      status,
      quantity: input.quantity,
      filledQuantity: "0",
      limitPrice: input.limitPrice ?? null,
      stopPrice: input.stopPrice ?? null,
      rejectReason: null,
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z",
    },
  },
});

function setup(handler: (variables: Record<string, unknown>) => ScriptedResult = (variables) => order(variables.input as Record<string, unknown>)) {
  const api = scriptedClient({ PlaceOrder: handler });
  render(<OrderTicket instrument={ETH} portfolioId="p1" />, { wrapper: api.wrapper });
  return { api, user: userEvent.setup() };
}

describe("order ticket", () => {
  it("when the quantity is off the lot, then the ticket says so and sends nothing", async () => {
    const { api, user } = setup();
    await user.type(screen.getByLabelText("Quantity"), "0.0005");
    await user.type(screen.getByLabelText("Limit price"), "3000");
    await user.click(screen.getByRole("button", { name: "Buy ETH-USD" }));
    expect(await screen.findByText("Quantity must be a multiple of the lot size 0.001")).toBeTruthy();
    expect(api.sent("PlaceOrder")).toHaveLength(0);
  });

  it("when the limit price is off the tick, then the ticket says so and sends nothing", async () => {
    const { api, user } = setup();
    await user.type(screen.getByLabelText("Quantity"), "0.5");
    await user.type(screen.getByLabelText("Limit price"), "3000.005");
    await user.click(screen.getByRole("button", { name: "Buy ETH-USD" }));
    expect(await screen.findByText("The limit price must be on the tick size 0.01")).toBeTruthy();
    expect(api.sent("PlaceOrder")).toHaveLength(0);
  });

  it("when a stop-limit sell is valid, then it is sent with both prices as exact strings and the chosen time in force", async () => {
    const { api, user } = setup();
    await user.click(screen.getByRole("button", { name: "Sell" }));
    await user.selectOptions(screen.getByLabelText("Order type"), "STOP_LIMIT");
    await user.selectOptions(screen.getByLabelText("Time in force"), "DAY");
    await user.type(screen.getByLabelText("Quantity"), "0.250");
    await user.type(screen.getByLabelText("Stop price"), "2990.10");
    await user.type(screen.getByLabelText("Limit price"), "2985.00");
    await user.click(screen.getByRole("button", { name: "Sell ETH-USD" }));
    await waitFor(() => expect(api.sent("PlaceOrder")).toHaveLength(1));
    expect(api.sent("PlaceOrder")[0].variables.input).toMatchObject({
      symbol: "ETH-USD",
      side: "SELL",
      type: "STOP_LIMIT",
      timeInForce: "DAY",
      quantity: "0.250",
      stopPrice: "2990.10",
      limitPrice: "2985.00",
    });
  });

  it("when a market order is chosen, then no price is asked for or sent, and the day time in force is not offered", async () => {
    const { api, user } = setup();
    await user.selectOptions(screen.getByLabelText("Order type"), "MARKET");
    expect(screen.queryByLabelText("Limit price")).toBeNull();
    expect(screen.queryByRole("option", { name: "Day" })).toBeNull();
    await user.type(screen.getByLabelText("Quantity"), "1");
    await user.click(screen.getByRole("button", { name: "Buy ETH-USD" }));
    await waitFor(() => expect(api.sent("PlaceOrder")).toHaveLength(1));
    const input = api.sent("PlaceOrder")[0].variables.input as Record<string, unknown>;
    expect(input).toMatchObject({ type: "MARKET", timeInForce: "IOC", quantity: "1" });
    expect(input.limitPrice).toBeUndefined();
  });

  it("when the server rejects the order, then its reason is shown on the ticket", async () => {
    const { user } = setup(() => graphqlError("Buying power 120.00 USD is less than the order's 3000.00 USD", "RISK_REJECTED", { reason: "BUYING_POWER" }));
    await user.type(screen.getByLabelText("Quantity"), "1");
    await user.type(screen.getByLabelText("Limit price"), "3000");
    await user.click(screen.getByRole("button", { name: "Buy ETH-USD" }));
    expect((await screen.findByTestId("form-error")).textContent).toBe("Buying power 120.00 USD is less than the order's 3000.00 USD");
  });
});
