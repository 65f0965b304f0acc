import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { scriptedClient } from "../../test/client";
import { Blotter } from "./Blotter";

let clock = Date.parse("2026-03-02T10:00:00.000Z");
const at = () => new Date((clock += 1000)).toISOString();

function order(id: string, patch: Record<string, unknown> = {}) {
  return {
    __typename: "Order",
    id,
    symbol: "ETH-USD",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    status: "NEW",
    quantity: "2",
    filledQuantity: "0",
    limitPrice: "2990.00",
    stopPrice: null,
    rejectReason: null,
    createdAt: "2026-03-02T09:00:00.000Z",
    updatedAt: at(),
    ...patch,
  };
}

const fill = (id: string, orderId: string, quantity: string) => ({
  __typename: "Fill",
  id,
  orderId,
  symbol: "ETH-USD",
  side: "BUY",
  price: "2990.00",
  quantity,
  fee: "0.30",
  liquidity: "MAKER",
  executedAt: at(),
});

function setup() {
  const api = scriptedClient({
    OpenOrders: () => ({ data: { orders: { __typename: "OrderConnection", edges: [{ __typename: "OrderEdge", node: order("resting") }] } } }),
    OrderFills: () => ({ data: { orders: { __typename: "OrderConnection", edges: [], pageInfo: { __typename: "PageInfo", endCursor: null, hasNextPage: false } } } }),
    CancelOrder: (variables) => ({ data: { cancelOrder: order(String(variables.id), { status: "CANCELLED" }) } }),
  });
  render(<Blotter portfolioId="p1" />, { wrapper: api.wrapper });
  const update = (o: ReturnType<typeof order>, f: ReturnType<typeof fill> | null = null) =>
    act(() => api.push("OrderUpdates", { orderUpdates: { __typename: "OrderUpdate", order: o, fill: f } }));
  return { api, update, user: userEvent.setup() };
}

const row = (id: string) => document.querySelector(`tr[data-order-id="${id}"]`) as HTMLElement | null;

describe("blotter", () => {
  it("when an order is accepted elsewhere, then it appears among the open orders without a reload", async () => {
    const { api, update } = setup();
    await screen.findByText("Open orders (1)");
    await waitFor(() => expect(api.subscribed("OrderUpdates")).toBe(true));
    expect(api.sent("OrderUpdates")[0].variables).toEqual({ portfolioId: "p1" });
    update(order("fresh", { side: "SELL", limitPrice: "3010.00" }));
    expect(await screen.findByText("Open orders (2)")).toBeTruthy();
    expect(row("fresh")).not.toBeNull();
  });

  it("when a resting order is partly filled and then filled, then its row shows the progress, leaves the open orders, and both fills are listed", async () => {
    const { api, update, user } = setup();
    await screen.findByText("Open orders (1)");
    await waitFor(() => expect(api.subscribed("OrderUpdates")).toBe(true));
    update(order("resting", { status: "PARTIALLY_FILLED", filledQuantity: "0.5" }), fill("f1", "resting", "0.5"));
    await waitFor(() => expect(within(row("resting")!).getByTestId("filled").textContent).toBe("0.5 / 2"));
    expect(within(row("resting")!).getByTestId("status").textContent).toBe("partially filled");
    update(order("resting", { status: "FILLED", filledQuantity: "2" }), fill("f2", "resting", "1.5"));
    expect(await screen.findByText("Open orders (0)")).toBeTruthy();
    expect(screen.getByText("No open orders.")).toBeTruthy();
    await user.click(screen.getByRole("tab", { name: "Fills (2)" }));
    const fills = [...document.querySelectorAll("tr[data-fill-id]")].map((tr) => tr.getAttribute("data-fill-id"));
    expect(fills).toEqual(["f2", "f1"]);
  });

  it("when an older update arrives after a newer one, then the newer state is kept", async () => {
    const { api, update } = setup();
    await screen.findByText("Open orders (1)");
    await waitFor(() => expect(api.subscribed("OrderUpdates")).toBe(true));
    const filled = order("resting", { status: "FILLED", filledQuantity: "2" });
    const stale = order("resting", { status: "PARTIALLY_FILLED", filledQuantity: "1", updatedAt: "2026-03-02T09:30:00.000Z" });
    update(filled);
    update(stale);
    expect(await screen.findByText("Open orders (0)")).toBeTruthy();
  });

  it("when the trader cancels an open order, then cancelOrder is sent for it and the row leaves", async () => {
    const { api, user } = setup();
    await screen.findByText("Open orders (1)");
    await user.click(within(row("resting")!).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(api.sent("CancelOrder")).toEqual([{ operationName: "CancelOrder", variables: { id: "resting" } }]));
    expect(await screen.findByText("No open orders.")).toBeTruthy();
  });
});
