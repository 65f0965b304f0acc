import { expect } from "chai";
import fc from "fast-check";
import { createOrderBook, createReferenceOrderBook, type Command } from ".";

/** Commands over a few accounts and a narrow price band, so orders cross, stop, cancel and self-match often. */
const command = (maxId: number): fc.Arbitrary<Command> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.record({
      type: fc.constant("submit" as const),
      id: fc.integer({ min: 1, max: maxId }),
      account: fc.integer({ min: 1, max: 4 }),
      side: fc.constantFrom("BUY" as const, "SELL" as const),
      kind: fc.constantFrom("LIMIT" as const, "LIMIT" as const, "MARKET" as const, "STOP" as const, "STOP_LIMIT" as const, "TRAILING_STOP" as const),
      tif: fc.constantFrom("GTC" as const, "IOC" as const, "FOK" as const, "DAY" as const, "GTD" as const),
      quantity: fc.integer({ min: 1, max: 20 }),
      price: fc.integer({ min: 95, max: 105 }),
      stopPrice: fc.integer({ min: 95, max: 105 }),
      protection: fc.option(fc.integer({ min: 95, max: 105 }), { nil: undefined }),
      postOnly: fc.boolean(),
      display: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
      expiresAt: fc.integer({ min: 1, max: 10 }),
      trail: fc.integer({ min: 1, max: 4 }),
      byPercent: fc.boolean(),
      mark: fc.integer({ min: 95, max: 105 }),
    }).map(({ postOnly, display, expiresAt, trail, byPercent, mark, ...c }) => {
      const resting = c.kind === "LIMIT" && c.tif !== "IOC" && c.tif !== "FOK";
      const trailing = c.kind === "TRAILING_STOP";
      return {
        ...c,
        price: c.kind === "LIMIT" || c.kind === "STOP_LIMIT" ? c.price : undefined,
        stopPrice: c.kind === "STOP" || c.kind === "STOP_LIMIT" ? c.stopPrice : undefined,
        protection: c.kind === "MARKET" || c.kind === "STOP" || trailing ? c.protection : undefined,
        postOnly: resting && postOnly ? true : undefined,
        display: resting ? display : undefined,
        expiresAt: c.tif === "GTD" ? expiresAt : undefined,
        trailAmount: trailing && !byPercent ? trail : undefined,
        trailBps: trailing && byPercent ? trail * 100 : undefined,
        mark: trailing ? mark : undefined,
      };
    }) },
    { weight: 2, arbitrary: fc.record({ type: fc.constant("cancel" as const), id: fc.integer({ min: 1, max: maxId }) }) },
    { weight: 2, arbitrary: fc.record({
      type: fc.constant("amend" as const),
      id: fc.integer({ min: 1, max: maxId }),
      quantity: fc.integer({ min: 0, max: 20 }),
      price: fc.option(fc.integer({ min: 95, max: 105 }), { nil: undefined }),
      protection: fc.option(fc.integer({ min: 95, max: 110 }), { nil: undefined }),
    }) },
    { weight: 1, arbitrary: fc.constant({ type: "expireDay" as const }) },
    { weight: 1, arbitrary: fc.record({ type: fc.constant("expire" as const), now: fc.integer({ min: 1, max: 10 }) }) },
  );

describe("fast book against the reference book", () => {
  it("when both receive the same random command stream, then they emit identical events and show identical depth", () => {
    fc.assert(
      fc.property(fc.array(command(120), { minLength: 1, maxLength: 300, size: "max" }), (commands) => {
        const fast = createOrderBook();
        const reference = createReferenceOrderBook();
        for (const [i, c] of commands.entries()) {
          const clean = JSON.parse(JSON.stringify(c)) as Command;
          expect(fast.apply(clean), `command #${i} ${JSON.stringify(clean)}`).to.deep.equal(reference.apply(clean));
          expect(fast.depth(50)).to.deep.equal(reference.depth(50));
          for (const id of fast.openOrders().keys()) {
            expect(fast.trailingStopPrice(id)).to.equal(reference.trailingStopPrice(id));
            expect(fast.trailingMark(id)).to.equal(reference.trailingMark(id));
          }
        }
        expect([...fast.openOrders()].sort()).to.deep.equal([...reference.openOrders()].sort());
        expect(fast.lastTradePrice).to.equal(reference.lastTradePrice);
      }),
      { numRuns: 300 },
    );
  });
});
