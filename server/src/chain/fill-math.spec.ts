import { expect } from "chai";
import { formatFixed } from "../infra/fixed";
import type { PairInfo } from "./deployment";
import { atomsToFixed, fillFigures } from "./fill-math";

const dUSD = { address: "0x0000000000000000000000000000000000000001", symbol: "dUSD", decimals: 6 } as const;
const tgld: PairInfo = {
  pairId: 1n,
  symbol: "TGLD",
  base: { address: "0x0000000000000000000000000000000000000002", symbol: "TGLD", decimals: 18 },
  quote: dUSD,
  lotSize: 10n ** 16n,
};

describe("chain fill math", () => {
  it("when a TGLD lot of 0.01 trades at 852000 dUSD atoms, then the price is 85.2 per gram and the quantity 0.01 per lot, exactly", () => {
    const figures = fillFigures(tgld, 852_000n, 3n);
    expect(formatFixed(figures.price)).to.equal("85.2");
    expect(formatFixed(figures.quantity)).to.equal("0.03");
    expect(figures.exact).to.equal(true);
  });

  it("when a price has more than 10 places, then it rounds half-even and says it is inexact", () => {
    const odd: PairInfo = { ...tgld, lotSize: 3n * 10n ** 18n };
    const figures = fillFigures(odd, 1_000_000n, 1n); // 1 dUSD per 3 units
    expect(formatFixed(figures.price)).to.equal("0.3333333333");
    expect(figures.exact).to.equal(false);
  });

  it("when an 18-decimal balance has dust below 10 places, then it is rounded down, never up", () => {
    expect(formatFixed(atomsToFixed(10_000n * 10n ** 18n + 99_999_999n, 18))).to.equal("10000");
    expect(formatFixed(atomsToFixed(1_234_567n, 6))).to.equal("1.234567");
  });
});
