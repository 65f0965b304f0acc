import { expect } from "chai";
import { divFixed, formatFixed, isMultipleOf, mulFixed, parseFixed, roundTo } from "./fixed";

describe("fixed-point money", () => {
  it("when decimals are parsed and formatted, then they round-trip exactly at scale 10", () => {
    for (const text of ["0", "1250.5", "0.0000000001", "-3.25", "12345678901234567890.1234567891"]) {
      expect(formatFixed(parseFixed(text))).to.equal(text);
    }
    expect(parseFixed("0.1") + parseFixed("0.2")).to.equal(parseFixed("0.3"));
  });

  it("when text is not a decimal or too precise, then it is refused", () => {
    for (const bad of ["1e3", "NaN", "0.00000000001", "1.", ""]) expect(() => parseFixed(bad), bad).to.throw(RangeError);
  });

  it("when products and quotients round, then they go the stated way", () => {
    const third = divFixed(parseFixed("1"), parseFixed("3"), "half-even");
    expect(formatFixed(third)).to.equal("0.3333333333");
    expect(formatFixed(divFixed(parseFixed("2"), parseFixed("3"), "down"))).to.equal("0.6666666666");
    expect(formatFixed(divFixed(parseFixed("2"), parseFixed("3"), "up"))).to.equal("0.6666666667");
    expect(formatFixed(mulFixed(parseFixed("0.0001"), parseFixed("96500.01"), "half-even"))).to.equal("9.650001");
    expect(formatFixed(roundTo(parseFixed("2.345"), 2, "half-even"))).to.equal("2.34");
    expect(formatFixed(roundTo(parseFixed("2.355"), 2, "half-even"))).to.equal("2.36");
    expect(formatFixed(roundTo(parseFixed("-2.345"), 2, "up"))).to.equal("-2.35");
  });

  it("when a value is checked against a step, then only whole multiples pass", () => {
    expect(isMultipleOf(parseFixed("227.55"), parseFixed("0.01"))).to.equal(true);
    expect(isMultipleOf(parseFixed("227.555"), parseFixed("0.01"))).to.equal(false);
    expect(isMultipleOf(parseFixed("0.0003"), parseFixed("0.0001"))).to.equal(true);
  });
});
