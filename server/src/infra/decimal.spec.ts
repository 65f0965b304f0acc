import { expect } from "chai";
import { canonicalDecimal, isDecimal } from "./decimal";

describe("decimal strings", () => {
  it("when a numeric comes back padded from PostgreSQL, then it is written in its shortest exact form", () => {
    expect(canonicalDecimal("0.0100000000")).to.equal("0.01");
    expect(canonicalDecimal("96500.0000000000")).to.equal("96500");
    expect(canonicalDecimal("-0.000")).to.equal("0");
    expect(canonicalDecimal("12345678901234567890.123456789")).to.equal("12345678901234567890.123456789");
  });

  it("when text is not a plain decimal, then it is refused", () => {
    for (const bad of ["", "1e5", "NaN", "Infinity", "0x10", "1.", ".5", "01", "1,5", " 1", "--1", "1.2.3"]) {
      expect(isDecimal(bad), bad).to.equal(false);
    }
    expect(isDecimal("9".repeat(39))).to.equal(false);
  });
});
