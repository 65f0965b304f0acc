import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { graphqlError, type ScriptedResult, scriptedClient } from "../../test/client";
import { OrderTicket } from "./OrderTicket";

const ETH = { symbol: "ETH-USD", tickSize: "0.01", lotSize: "0.001", isTradable: true, lastPrice: "3000.00" };

const order = (input: Record<string, unknown>, status = "NEW", rejectReason: string | null = null) => ({
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
      trailAmount: input.trailAmount ?? null,
      trailPercent: input.trailPercent ?? null,
      expiresAt: input.expiresAt ?? null,
      postOnly: input.postOnly ?? false,
      displayQuantity: input.displayQuantity ?? null,
      orderClass: input.orderClass ?? "SIMPLE",
      parentOrderId: null,
      averageFillPrice: null,
      rejectReason,
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z",
    },
  },
});

const account = (availableCash: string) => ({
  data: {
    portfolio: {
      __typename: "Portfolio",
      id: "p1",
      currency: "USD",
      cashBalance: availableCash,
      availableCash,
      totalValue: availableCash,
      unrealizedPnl: "0",
      positions: [],
    },
  },
});

function setup(handler: (variables: Record<string, unknown>) => ScriptedResult = (variables) => order(variables.input as Record<string, unknown>), cash = "50000") {
  const api = scriptedClient({ PlaceOrder: handler, TradeAccount: () => account(cash) });
  render(<OrderTicket instrument={ETH} portfolioId="p1" />, { wrapper: api.wrapper });
  return { api, user: userEvent.setup() };
}

const review = (user: ReturnType<typeof userEvent.setup>, side = "buy") => user.click(screen.getByRole("button", { name: `Review ${side} order` }));

describe("order ticket", () => {
  it("when the quantity is off the lot, then the ticket says so, shows no preview and sends nothing", async () => {
    const { api, user } = setup();
    await user.type(screen.getByLabelText("Quantity"), "0.0005");
    await user.type(screen.getByLabelText("Limit price"), "3000");
    await review(user);
    expect(await screen.findByText("Quantity must be a multiple of the lot size 0.001")).toBeTruthy();
    expect(screen.queryByTestId("order-preview")).toBeNull();
    expect(api.sent("PlaceOrder")).toHaveLength(0);
  });

  it("when a limit buy is reviewed, then the preview shows its cost, the fee and the buying power left as money, and nothing is sent before the confirmation", async () => {
    const { api, user } = setup(undefined, "50000");
    await user.type(screen.getByLabelText("Quantity"), "1.5");
    await user.type(screen.getByLabelText("Limit price"), "3000.25");
    await review(user);
    // 1.5 × 3,000.25 = 4,500.375, a cost rounded up to 4,500.38; the fee 0.10% of it, up: 4.51.
    await waitFor(() => expect(screen.getByTestId("preview-buying-power").textContent).toBe("45,495.11"));
    expect(screen.getByTestId("preview-notional").textContent).toBe("4,500.38");
    expect(screen.getByTestId("preview-fee").textContent).toBe("4.51");
    expect(screen.getByTestId("preview-total").textContent).toBe("4,504.89");
    expect(screen.getByText("Estimated cost")).toBeTruthy();
    expect(api.sent("PlaceOrder")).toHaveLength(0);

    await user.click(screen.getByRole("button", { name: "Buy ETH-USD" }));
    await waitFor(() => expect(api.sent("PlaceOrder")).toHaveLength(1));
    expect(api.sent("PlaceOrder")[0].variables.input).toMatchObject({ side: "BUY", type: "LIMIT", quantity: "1.5", limitPrice: "3000.25", timeInForce: "GTC" });
  });

  it("when a sell is reviewed, then the preview counts proceeds net of the fee and adds them to the buying power", async () => {
    const { user } = setup(undefined, "1000");
    await user.click(screen.getByRole("button", { name: "Sell" }));
    await user.type(screen.getByLabelText("Quantity"), "2");
    await user.type(screen.getByLabelText("Limit price"), "3100");
    await review(user, "sell");
    await waitFor(() => expect(screen.getByTestId("preview-buying-power").textContent).toBe("7,193.80"));
    expect(screen.getByText("Estimated proceeds")).toBeTruthy();
    expect(screen.getByTestId("preview-fee").textContent).toBe("6.20");
  });

  it("when the trader edits after the preview, then nothing is sent and the ticket is editable again", async () => {
    const { api, user } = setup();
    await user.type(screen.getByLabelText("Quantity"), "1");
    await user.type(screen.getByLabelText("Limit price"), "3000");
    await review(user);
    await user.click(await screen.findByRole("button", { name: "Edit" }));
    expect(screen.queryByTestId("order-preview")).toBeNull();
    expect(screen.getByRole("button", { name: "Review buy order" })).toBeTruthy();
    expect(api.sent("PlaceOrder")).toHaveLength(0);
  });

  it("when a trailing stop sell by percent, GTD, is confirmed, then only its trail and expiry are sent", async () => {
    const { api, user } = setup();
    await user.click(screen.getByRole("button", { name: "Sell" }));
    await user.selectOptions(screen.getByLabelText("Order type"), "TRAILING_STOP");
    await user.selectOptions(screen.getByLabelText("Time in force"), "GTD");
    await user.type(screen.getByLabelText("Quantity"), "0.250");
    await user.selectOptions(screen.getByLabelText("Trail by"), "percent");
    await user.type(screen.getByLabelText("Trail percent"), "5");
    await user.type(screen.getByLabelText("Expires at"), "2099-12-31T16:00");
    await review(user, "sell");
    // Where the stop starts: 5% below the last 3,000.00.
    expect((await screen.findByTestId("preview-price")).textContent).toContain("2,850.00");
    await user.click(screen.getByRole("button", { name: "Sell ETH-USD" }));
    await waitFor(() => expect(api.sent("PlaceOrder")).toHaveLength(1));
    const input = api.sent("PlaceOrder")[0].variables.input as Record<string, unknown>;
    expect(input).toMatchObject({ type: "TRAILING_STOP", timeInForce: "GTD", quantity: "0.250", trailPercent: "5", expiresAt: new Date("2099-12-31T16:00").toISOString() });
    expect(input.trailAmount).toBeUndefined();
    expect(input.limitPrice).toBeUndefined();
  });

  it("when a post-only iceberg limit is confirmed, then it carries postOnly and the shown quantity", async () => {
    const { api, user } = setup();
    await user.type(screen.getByLabelText("Quantity"), "10");
    await user.type(screen.getByLabelText("Limit price"), "2990");
    await user.type(screen.getByLabelText("Show in the book (iceberg)"), "1");
    await user.click(screen.getByLabelText(/Post only/));
    await review(user);
    await user.click(await screen.findByRole("button", { name: "Buy ETH-USD" }));
    await waitFor(() => expect(api.sent("PlaceOrder")).toHaveLength(1));
    expect(api.sent("PlaceOrder")[0].variables.input).toMatchObject({ postOnly: true, displayQuantity: "1", quantity: "10" });
  });

  it("when a bracket buy is confirmed, then it carries its take-profit and stop-loss, and the confirmation names both", async () => {
    const { api, user } = setup();
    await user.type(screen.getByLabelText("Quantity"), "0.2");
    await user.type(screen.getByLabelText("Limit price"), "2950");
    await user.selectOptions(screen.getByLabelText("Order class"), "BRACKET");
    await user.type(screen.getByLabelText("Take-profit price"), "3100");
    await user.type(screen.getByLabelText("Stop-loss price"), "2800");
    await review(user);
    expect((await screen.findByTestId("preview-class")).textContent).toBe("Bracket: take profit at 3100 and stop loss at 2800, sized to what fills.");
    await user.click(screen.getByRole("button", { name: "Buy ETH-USD" }));
    await waitFor(() => expect(api.sent("PlaceOrder")).toHaveLength(1));
    const input = api.sent("PlaceOrder")[0].variables.input as Record<string, unknown>;
    expect(input).toMatchObject({ orderClass: "BRACKET", type: "LIMIT", limitPrice: "2950", takeProfit: { limitPrice: "3100" }, stopLoss: { stopPrice: "2800" } });
    expect(input.ocoWith).toBeUndefined();
  });

  it("when a bracket's exits are on the wrong side or it sells, then the ticket says why and sends nothing", async () => {
    const { api, user } = setup();
    await user.type(screen.getByLabelText("Quantity"), "0.2");
    await user.type(screen.getByLabelText("Limit price"), "2950");
    await user.selectOptions(screen.getByLabelText("Order class"), "BRACKET");
    await user.type(screen.getByLabelText("Take-profit price"), "2900");
    await user.type(screen.getByLabelText("Stop-loss price"), "3000");
    await review(user);
    expect(await screen.findByText("The take-profit must be above the entry price: it sells at a profit")).toBeTruthy();
    expect(screen.getByText("The stop-loss must be below the entry price: it sells when the price falls")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Sell" }));
    await review(user, "sell");
    expect(await screen.findByText(/must be a buy/)).toBeTruthy();
    expect(api.sent("PlaceOrder")).toHaveLength(0);
  });

  it("when a sell OCO of a limit and a stop is confirmed, then the stop goes as its second order", async () => {
    const { api, user } = setup();
    await user.click(screen.getByRole("button", { name: "Sell" }));
    await user.type(screen.getByLabelText("Quantity"), "1");
    await user.type(screen.getByLabelText("Limit price"), "3200");
    await user.selectOptions(screen.getByLabelText("Order class"), "OCO");
    await user.type(screen.getByLabelText("Other order's stop price"), "2800");
    await review(user, "sell");
    await user.click(await screen.findByRole("button", { name: "Sell ETH-USD" }));
    await waitFor(() => expect(api.sent("PlaceOrder")).toHaveLength(1));
    expect(api.sent("PlaceOrder")[0].variables.input).toMatchObject({ orderClass: "OCO", type: "LIMIT", limitPrice: "3200", ocoWith: { type: "STOP", stopPrice: "2800" } });
  });

  it("when a market order is chosen, then no price is asked for or sent, and the day time in force is not offered", async () => {
    const { api, user } = setup();
    await user.selectOptions(screen.getByLabelText("Order type"), "MARKET");
    expect(screen.queryByLabelText("Limit price")).toBeNull();
    expect(screen.queryByRole("option", { name: "Day" })).toBeNull();
    await user.type(screen.getByLabelText("Quantity"), "1");
    await review(user);
    await user.click(await screen.findByRole("button", { name: "Buy ETH-USD" }));
    await waitFor(() => expect(api.sent("PlaceOrder")).toHaveLength(1));
    const input = api.sent("PlaceOrder")[0].variables.input as Record<string, unknown>;
    expect(input).toMatchObject({ type: "MARKET", timeInForce: "IOC", quantity: "1" });
    expect(input.limitPrice).toBeUndefined();
  });

  it("when the server refuses the price band, then the ticket says it in a trader's words, with money and the direction", async () => {
    const { user } = setup(() => graphqlError("limitPrice 50000 is more than 10% from the reference price 45012.34", "RISK_REJECTED", { reason: "PRICE_BAND" }));
    await user.type(screen.getByLabelText("Quantity"), "1");
    await user.type(screen.getByLabelText("Limit price"), "50000");
    await review(user);
    await user.click(await screen.findByRole("button", { name: "Buy ETH-USD" }));
    expect((await screen.findByTestId("form-error")).textContent).toBe("Limit price 50,000.00 is more than 10% above the reference price 45,012.34");
  });

  it("when buying power is short, then the ticket says what the order may cost and what is available", async () => {
    const { user } = setup(() => graphqlError("Buying power 120 is less than the 3003 this order may cost", "RISK_REJECTED", { reason: "INSUFFICIENT_BUYING_POWER" }));
    await user.type(screen.getByLabelText("Quantity"), "1");
    await user.type(screen.getByLabelText("Limit price"), "3000");
    await review(user);
    await user.click(await screen.findByRole("button", { name: "Buy ETH-USD" }));
    expect((await screen.findByTestId("form-error")).textContent).toBe("Not enough buying power: this order may cost up to 3,003.00 with fees, and 120.00 is available");
  });

  it("when a field error names an API field, then the trader reads words, not the field name", async () => {
    const { user } = setup(() => graphqlError("trailAmount must be on the tick size 0.01", "BAD_USER_INPUT", { field: "trailAmount" }));
    await user.type(screen.getByLabelText("Quantity"), "1");
    await user.type(screen.getByLabelText("Limit price"), "3000");
    await review(user);
    await user.click(await screen.findByRole("button", { name: "Buy ETH-USD" }));
    expect((await screen.findByTestId("form-error")).textContent).toBe("Trail amount must be on the tick size 0.01");
  });
});
