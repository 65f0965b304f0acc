import { describe, expect, it } from "vitest";
import { OrderType, TimeInForce } from "../../gql/graphql";
import { timeInForceChoices, validateTicket } from "./ticket-rules";

const ETH = { tickSize: "0.01", lotSize: "0.001" };
const base = { type: OrderType.Limit, timeInForce: TimeInForce.Gtc, quantity: "1", limitPrice: "3000.25", stopPrice: "" };

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
    expect(validateTicket({ ...base, type: OrderType.Market, timeInForce: TimeInForce.Day }, ETH).timeInForce).toMatch(/cannot rest for the day/);
    expect(timeInForceChoices(OrderType.Market)).not.toContain(TimeInForce.Day);
    expect(timeInForceChoices(OrderType.Limit)).toEqual([TimeInForce.Gtc, TimeInForce.Day, TimeInForce.Ioc, TimeInForce.Fok]);
  });
});
