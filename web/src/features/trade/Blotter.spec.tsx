import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { graphqlError, scriptedClient } from "../../test/client";
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
    trailAmount: null,
    trailPercent: null,
    expiresAt: null,
    postOnly: false,
    displayQuantity: null,
    orderClass: "SIMPLE",
    parentOrderId: null,
    averageFillPrice: null,
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

const page = (nodes: unknown[], hasNextPage = false) => ({
  data: { orders: { __typename: "OrderConnection", edges: nodes.map((node) => ({ __typename: "OrderEdge", node })), pageInfo: { __typename: "PageInfo", endCursor: hasNextPage ? "c1" : null, hasNextPage } } },
});

const STEPS = { "ETH-USD": { tickSize: "0.01", lotSize: "0.001" }, "BTC-USD": { tickSize: "0.5", lotSize: "0.0001" } };

const finished = [
  order("h-filled", { status: "FILLED", filledQuantity: "2", averageFillPrice: "2989.5" }),
  order("h-cancelled", { status: "CANCELLED", side: "SELL", symbol: "BTC-USD", limitPrice: "65000.5" }),
  order("h-expired", { status: "EXPIRED", timeInForce: "GTD", expiresAt: "2026-03-01T16:00:00.000Z" }),
  order("h-post-only", { status: "CANCELLED", postOnly: true, rejectReason: "post-only order would take liquidity" }),
];

function setup(extra: Parameters<typeof scriptedClient>[0] = {}) {
  const api = scriptedClient({
    OpenOrders: () => ({ data: { orders: { __typename: "OrderConnection", edges: [{ __typename: "OrderEdge", node: order("resting") }, { __typename: "OrderEdge", node: order("second", { limitPrice: "2980.00" }) }] } } }),
    OrderFills: () => ({ data: { orders: { __typename: "OrderConnection", edges: [], pageInfo: { __typename: "PageInfo", endCursor: null, hasNextPage: false } } } }),
    CancelOrder: (variables) => ({ data: { cancelOrder: order(String(variables.id), { status: "CANCELLED" }) } }),
    OrderHistory: (variables) => page(finished.filter((o) => (variables.status as string[]).includes(o.status))),
    ...extra,
  });
  render(<Blotter portfolioId="p1" steps={STEPS} />, { wrapper: api.wrapper });
  const update = (o: ReturnType<typeof order>, f: ReturnType<typeof fill> | null = null) =>
    act(() => api.push("OrderUpdates", { orderUpdates: { __typename: "OrderUpdate", order: o, fill: f } }));
  return { api, update, user: userEvent.setup() };
}

const row = (id: string) => document.querySelector(`tr[data-order-id="${id}"]`) as HTMLElement | null;

describe("blotter", () => {
  it("when an order is accepted elsewhere, then it appears among the open orders without a reload", async () => {
    const { api, update } = setup();
    await screen.findByText("Open orders (2)");
    await waitFor(() => expect(api.subscribed("OrderUpdates")).toBe(true));
    expect(api.sent("OrderUpdates")[0].variables).toEqual({ portfolioId: "p1" });
    update(order("fresh", { side: "SELL", limitPrice: "3010.00" }));
    expect(await screen.findByText("Open orders (3)")).toBeTruthy();
    expect(row("fresh")).not.toBeNull();
  });

  it("when a resting order is partly filled and then filled, then its row shows the progress, leaves the open orders, and both fills are listed", async () => {
    const { api, update, user } = setup();
    await screen.findByText("Open orders (2)");
    await waitFor(() => expect(api.subscribed("OrderUpdates")).toBe(true));
    update(order("resting", { status: "PARTIALLY_FILLED", filledQuantity: "0.5" }), fill("f1", "resting", "0.5"));
    await waitFor(() => expect(within(row("resting")!).getByTestId("filled").textContent).toBe("0.5 / 2"));
    expect(within(row("resting")!).getByTestId("status").textContent).toBe("partially filled");
    update(order("resting", { status: "FILLED", filledQuantity: "2" }), fill("f2", "resting", "1.5"));
    expect(await screen.findByText("Open orders (1)")).toBeTruthy();
    expect(row("resting")).toBeNull();
    await user.click(screen.getByRole("tab", { name: "Fills (2)" }));
    const fills = [...document.querySelectorAll("tr[data-fill-id]")].map((tr) => tr.getAttribute("data-fill-id"));
    expect(fills).toEqual(["f2", "f1"]);
  });

  it("when an older update arrives after a newer one, then the newer state is kept", async () => {
    const { api, update } = setup();
    await screen.findByText("Open orders (2)");
    await waitFor(() => expect(api.subscribed("OrderUpdates")).toBe(true));
    const filled = order("resting", { status: "FILLED", filledQuantity: "2" });
    const stale = order("resting", { status: "PARTIALLY_FILLED", filledQuantity: "1", updatedAt: "2026-03-02T09:30:00.000Z" });
    update(filled);
    update(stale);
    expect(await screen.findByText("Open orders (1)")).toBeTruthy();
  });

  it("when the trader cancels an open order, then cancelOrder is sent for it and the row leaves", async () => {
    const { api, user } = setup();
    await screen.findByText("Open orders (2)");
    await user.click(within(row("resting")!).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(api.sent("CancelOrder")).toEqual([{ operationName: "CancelOrder", variables: { id: "resting" } }]));
    await waitFor(() => expect(row("resting")).toBeNull());
    expect(screen.getByText("Open orders (1)")).toBeTruthy();
  });

  it("when the trader lowers an order's quantity in Modify, then only the new quantity is sent and the row shows it", async () => {
    const { api, user } = setup({ AmendOrder: (variables) => ({ data: { amendOrder: order("resting", { quantity: (variables.input as { quantity: string }).quantity }) } }) });
    await screen.findByText("Open orders (2)");
    await user.click(within(row("resting")!).getByRole("button", { name: "Modify" }));
    const form = screen.getByTestId("modify-order");
    const quantity = within(form).getByLabelText("New total quantity");
    await user.clear(quantity);
    await user.type(quantity, "1.5");
    await user.click(within(form).getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(api.sent("AmendOrder")).toHaveLength(1));
    expect(api.sent("AmendOrder")[0].variables).toEqual({ input: { orderId: "resting", quantity: "1.5" } });
    await waitFor(() => expect(within(row("resting")!).getByTestId("filled").textContent).toBe("0 / 1.5"));
    expect(screen.queryByTestId("modify-order")).toBeNull();
  });

  it("when a Modify would go below what has filled, or off the tick, then it says so and sends nothing", async () => {
    const { api, user } = setup({ AmendOrder: () => ({ data: null }) });
    await screen.findByText("Open orders (2)");
    await user.click(within(row("resting")!).getByRole("button", { name: "Modify" }));
    const form = screen.getByTestId("modify-order");
    await user.clear(within(form).getByLabelText("Limit price"));
    await user.type(within(form).getByLabelText("Limit price"), "2990.005");
    await user.click(within(form).getByRole("button", { name: "Save changes" }));
    expect(await within(form).findByText("The price must be on the tick size 0.01")).toBeTruthy();
    expect(api.sent("AmendOrder")).toHaveLength(0);
  });

  it("when the server refuses an amendment, then the reason is shown in words on the form", async () => {
    const { user } = setup({ AmendOrder: () => graphqlError("The stop has already triggered: its stop price can no longer change", "CONFLICT") });
    await screen.findByText("Open orders (2)");
    await user.click(within(row("resting")!).getByRole("button", { name: "Modify" }));
    const form = screen.getByTestId("modify-order");
    await user.clear(within(form).getByLabelText("Limit price"));
    await user.type(within(form).getByLabelText("Limit price"), "2995");
    await user.click(within(form).getByRole("button", { name: "Save changes" }));
    expect((await within(form).findByTestId("form-error")).textContent).toBe("The stop has already triggered: its stop price can no longer change");
  });

  it("when the trader presses Cancel all, then nothing is sent until they confirm, and then every open order leaves", async () => {
    let cancelled = false;
    const { api, user } = setup({
      CancelAllOrders: () => {
        cancelled = true;
        return { data: { cancelAllOrders: [order("resting", { status: "CANCELLED" }), order("second", { status: "CANCELLED", limitPrice: "2980.00" })] } };
      },
      OpenOrders: () => ({ data: { orders: { __typename: "OrderConnection", edges: cancelled ? [] : [order("resting"), order("second")].map((node) => ({ __typename: "OrderEdge", node })) } } }),
    });
    await screen.findByText("Open orders (2)");
    await user.click(screen.getByRole("button", { name: "Cancel all" }));
    expect(screen.getByText("Cancel all 2 open orders in this portfolio?")).toBeTruthy();
    expect(api.sent("CancelAllOrders")).toHaveLength(0);
    await user.click(screen.getByRole("button", { name: "Keep them" }));
    expect(api.sent("CancelAllOrders")).toHaveLength(0);
    await user.click(screen.getByRole("button", { name: "Cancel all" }));
    await user.click(screen.getByRole("button", { name: "Yes, cancel all" }));
    await waitFor(() => expect(api.sent("CancelAllOrders")).toEqual([{ operationName: "CancelAllOrders", variables: { portfolioId: "p1" } }]));
    expect(await screen.findByText("No open orders.")).toBeTruthy();
    expect(api.sent("OpenOrders")).toHaveLength(1);
  });

  it("when the history tab is filtered, then status asks the server, symbol and side narrow the rows, and prices read as money", async () => {
    const { api, user } = setup();
    await user.click(screen.getByRole("tab", { name: "History" }));
    const history = await screen.findByTestId("history-orders");
    expect(api.sent("OrderHistory")[0].variables).toMatchObject({ portfolioId: "p1", status: ["FILLED", "CANCELLED", "EXPIRED", "REJECTED"] });
    await waitFor(() => expect(history.querySelectorAll("tbody tr")).toHaveLength(4));
    expect(within(row("h-cancelled")!).getByText("65,000.50")).toBeTruthy();
    expect(within(row("h-filled")!).getByText("2,989.50")).toBeTruthy();
    expect(within(row("h-post-only")!).getByTestId("status").textContent).toBe("Cancelled · Post-only order would take liquidity");

    await user.selectOptions(screen.getByLabelText("Status"), "CANCELLED");
    await waitFor(() => expect(api.sent("OrderHistory").at(-1)!.variables.status).toEqual(["CANCELLED"]));
    await waitFor(() => expect(document.querySelectorAll('[data-testid="history-orders"] tbody tr')).toHaveLength(2));

    await user.selectOptions(screen.getByLabelText("Symbol"), "BTC-USD");
    await waitFor(() => expect([...document.querySelectorAll('[data-testid="history-orders"] tbody tr')].map((tr) => tr.getAttribute("data-order-id"))).toEqual(["h-cancelled"]));

    await user.selectOptions(screen.getByLabelText("Side"), "BUY");
    expect(await screen.findByText("No orders match.")).toBeTruthy();
  });

  it("when the history is refused for the rate limit, then it asks again by itself after the wait the server named", async () => {
    let calls = 0;
    const { api, user } = setup({
      OrderHistory: (variables) =>
        ++calls === 1 ? graphqlError("Rate limited: retry in 0 s", "RATE_LIMITED", { retryAfterSeconds: 0 }) : page(finished.filter((o) => (variables.status as string[]).includes(o.status))),
    });
    await user.click(screen.getByRole("tab", { name: "History" }));
    expect(await screen.findByText("The order history could not be loaded.")).toBeTruthy();
    await waitFor(() => expect(document.querySelectorAll('[data-testid="history-orders"] tbody tr')).toHaveLength(4), { timeout: 3000 });
    expect(api.sent("OrderHistory")).toHaveLength(2);
  });
});
