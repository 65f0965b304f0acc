import { describe, expect, it } from "vitest";
import { compareDecimal, direction, formatMoney, formatPercent, formatStepGrouped, formatToStep, isMultipleOf, mulDecimal, shiftDecimal, subtractDecimal, sumDecimals } from "./decimal";

describe("decimal helpers", () => {
  it("when a value is checked against a step, then the answer is exact where floats are not", () => {
    expect(isMultipleOf("0.3", "0.1")).toBe(true); // 0.3 % 0.1 is 0.09999… in floating point
    expect(isMultipleOf("3000.25", "0.05")).toBe(true);
    expect(isMultipleOf("3000.255", "0.01")).toBe(false);
    expect(isMultipleOf("5", "0")).toBe(false);
  });

  it("when percentages are summed and turned into weights, then nothing is lost", () => {
    expect(sumDecimals(["33.3", "33.3", "33.4"])).toBe("100");
    expect(sumDecimals(["0.1", "0.2"])).toBe("0.3");
    expect(shiftDecimal("50.5", -2)).toBe("0.505");
    expect(shiftDecimal("0.4", 2)).toBe("40");
    expect(shiftDecimal("7", -3)).toBe("0.007");
  });

  it("when values are formatted, then places and grouping follow the step, and signs are kept", () => {
    expect(formatToStep("230.1", "0.01")).toBe("230.10");
    expect(formatMoney("-1234567.5")).toBe("-1,234,567.50");
    expect(formatPercent("0.0605")).toBe("6.05%");
    expect(compareDecimal("-0.5", "0")).toBe(-1);
    expect(direction("0.00")).toBe("flat");
  });

  it("when a price is shown, then thousands are grouped and the tick's places kept; products round exactly in the direction asked", () => {
    expect(formatStepGrouped("96500", "0.01")).toBe("96,500.00");
    expect(formatStepGrouped("100.0125", "0.0001")).toBe("100.0125");
    expect(formatStepGrouped("1234567", "1")).toBe("1,234,567");
    expect(mulDecimal("1.5", "3000.25", 2, "up")).toBe("4500.38");
    expect(mulDecimal("1.5", "3000.25", 2, "down")).toBe("4500.37");
    expect(mulDecimal("-0.333", "3", 2, "up")).toBe("-1.00");
    expect(mulDecimal("2", "3", 2, "up")).toBe("6.00");
    expect(subtractDecimal("1000", "1004.89")).toBe("-4.89");
  });
});
