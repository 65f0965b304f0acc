import { describe, expect, it } from "vitest";
import { escrowOf, fromPricePerLot, lotsToQuantity, toLots, toPricePerLot } from "./dex-units";

// The demo TGLD pair: 18-decimal gold grams in lots of 0.01, priced in 6-decimal dUSD.
const TGLD = { lotSize: 10n ** 16n, baseDecimals: 18, quoteDecimals: 6 };

describe("DEX units", () => {
  it("when 0.05 gold at 85.2 dUSD a gram is entered, then it is 5 lots at 852000 quote atoms per lot, and back", () => {
    expect(toLots("0.05", TGLD)).toEqual({ ok: true, value: 5n });
    expect(toPricePerLot("85.2", TGLD)).toEqual({ ok: true, value: 852000n });
    expect(fromPricePerLot(852000n, TGLD)).toBe("85.2");
    expect(lotsToQuantity(5n, TGLD)).toBe("0.05");
  });

  it("when a quantity is off the lot or a price finer than an atom per lot, then it is refused, not rounded", () => {
    expect(toLots("0.015", TGLD)).toEqual({ ok: false, error: "The quantity must be a positive multiple of the lot 0.01" });
    expect(toLots("0", TGLD).ok).toBe(false);
  });

  it("when a quantity is below the pair's minimum order, then it is refused with the minimum in tokens", () => {
    const withMinimum = { ...TGLD, minLots: 5n };
    expect(toLots("0.04", withMinimum)).toEqual({ ok: false, error: "The quantity must be at least 0.05, the pair's minimum order" });
    expect(toLots("0.05", withMinimum)).toEqual({ ok: true, value: 5n });
    expect(toPricePerLot("85.20001", TGLD)).toEqual({ ok: false, error: "The price is finer than one quote unit per lot" });
  });

  it("when an order escrows, then a buy holds lots × price of quote and a sell lots × lot size of base", () => {
    expect(escrowOf(true, 5n, 852000n, TGLD)).toBe(4_260_000n);
    expect(escrowOf(false, 5n, 852000n, TGLD)).toBe(5n * 10n ** 16n);
  });
});
