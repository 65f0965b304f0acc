import { describe, expect, it } from "vitest";
import { OrderType, TimeInForce } from "../../gql/graphql";
import { EMPTY_TICKET, orderInput, timeInForceChoices, validateTicket } from "./ticket-rules";

const ETH = { tickSize: "0.01", lotSize: "0.001" };
const base = { ...EMPTY_TICKET, quantity: "1", limitPrice: "3000.25" };

describe("ticket rules", () => {
  it("when the quantity is a whole number of lots, then it passes, exactly (0.3 of lot 0.1 is not a float rounding error)", () => {
    expect(validateTicket({ ...base, quantity: "0.3" }, { tickSize: "0.01", lotSize: "0.1" })).toEqual({});
    expect(validateTicket({ ...base, quantity: "0.007" }, ETH)).toEqual({});
  });

  it("when the quantity is off the lot, zero or not a number, then the quantity is refused with the reason", () => {
    expect(validateTicket({ ...base, quantity: "0.0015" }, ETH).quantity).toBe("Quantity must be a multiple of the lot size 0.001");
    expect(validateTicket({ ...base, quantity: "0" }, ETH).quantity).toBe("Quantity must be greater than zero");
    expect(validateTicket({ ...base, quantity: "1e3" }, ETH).quantity).toMatch(/must be a number/);
    expect(validateTicket({ ...base, quantity: "" }, ETH).quantity).toBe("Enter a quantity");
  });

  it("when a price is off the tick, then that price is refused; prices on the tick pass", () => {
    expect(validateTicket({ ...base, limitPrice: "3000.255" }, ETH).limitPrice).toBe("The limit price must be on the tick size 0.01");
    const stop = validateTicket({ ...base, type: OrderType.StopLimit, stopPrice: "2999.999", limitPrice: "2999.50" }, ETH);
    expect(stop).toEqual({ stopPrice: "The stop price must be on the tick size 0.01" });
  });

  it("when the type takes no limit price, then a leftover price is ignored; when it needs one, then it is required", () => {
    expect(validateTicket({ ...base, type: OrderType.Market, timeInForce: TimeInForce.Ioc, limitPrice: "oops" }, ETH)).toEqual({});
    expect(validateTicket({ ...base, type: OrderType.Stop, stopPrice: "" }, ETH).stopPrice).toBe("Enter a stop price");
    expect(validateTicket({ ...base, limitPrice: "" }, ETH).limitPrice).toBe("Enter a limit price");
  });

  it("when a market order asks to rest for the day, then it is refused, and DAY is not offered for market orders", () => {
    expect(validateTicket({ ...base, type: OrderType.Market, timeInForce: TimeInForce.Day }, ETH).timeInForce).toMatch(/cannot rest/);
    expect(timeInForceChoices(OrderType.Market)).not.toContain(TimeInForce.Day);
    expect(timeInForceChoices(OrderType.Limit)).toEqual([TimeInForce.Gtc, TimeInForce.Day, TimeInForce.Gtd, TimeInForce.Ioc, TimeInForce.Fok]);
  });

  it("when a trailing stop is given by percent, then the percent must be below 100 to 0.01, and only trailPercent is sent", () => {
    const trailing = { ...base, type: OrderType.TrailingStop, limitPrice: "", trailBy: "percent" as const };
    expect(validateTicket({ ...trailing, trail: "" }, ETH).trail).toBe("Enter the trail");
    expect(validateTicket({ ...trailing, trail: "100" }, ETH).trail).toMatch(/below 100/);
    expect(validateTicket({ ...trailing, trail: "2.555" }, ETH).trail).toMatch(/to 0.01/);
    expect(validateTicket({ ...trailing, trail: "2.5" }, ETH)).toEqual({});
    const input = orderInput({ ...trailing, trail: "2.5" }, { portfolioId: "p", symbol: "ETH-USD", side: "SELL" as never });
    expect(input).toMatchObject({ type: "TRAILING_STOP", trailPercent: "2.5" });
    expect(input.trailAmount).toBeUndefined();
    expect(input.limitPrice).toBeUndefined();
  });

  it("when GTD is chosen, then an expiry in the future is required and sent as an instant", () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const gtd = { ...base, timeInForce: TimeInForce.Gtd };
    expect(validateTicket({ ...gtd, expiresAt: "" }, ETH, now).expiresAt).toBe("Choose when the order expires");
    expect(validateTicket({ ...gtd, expiresAt: "2026-11-30T10:00" }, ETH, now).expiresAt).toBe("The expiry must be in the future");
    expect(validateTicket({ ...gtd, expiresAt: "2026-12-05T10:00" }, ETH, now)).toEqual({});
    const input = orderInput({ ...gtd, expiresAt: "2026-12-05T10:00" }, { portfolioId: "p", symbol: "ETH-USD", side: "BUY" as never });
    expect(input.expiresAt).toBe(new Date("2026-12-05T10:00").toISOString());
  });

  it("when an iceberg shows more than the quantity or off the lot, then it is refused; post-only and iceberg go only with a resting limit", () => {
    expect(validateTicket({ ...base, quantity: "1", displayQuantity: "2" }, ETH).displayQuantity).toMatch(/cannot be more than the quantity/);
    expect(validateTicket({ ...base, quantity: "1", displayQuantity: "0.0005" }, ETH).displayQuantity).toMatch(/lot size 0.001/);
    const resting = orderInput({ ...base, displayQuantity: "0.2", postOnly: true }, { portfolioId: "p", symbol: "ETH-USD", side: "BUY" as never });
    expect(resting).toMatchObject({ displayQuantity: "0.2", postOnly: true });
    const ioc = orderInput({ ...base, timeInForce: TimeInForce.Ioc, displayQuantity: "0.2", postOnly: true }, { portfolioId: "p", symbol: "ETH-USD", side: "BUY" as never });
    expect(ioc.displayQuantity).toBeUndefined();
    expect(ioc.postOnly).toBeUndefined();
  });
});
