import { describe, expect, it } from "vitest";
import { contrastRatio, heatColor, histogram, percent, periodReturns, rollingVolatility } from "./analytics-math";

describe("analytics display maths", () => {
  it("when cumulative returns are given, then the period returns are recovered (+10%, -10%, +10%)", () => {
    const series = [0, 0.1, -0.01, 0.089].map((c, i) => ({ time: `d${i}`, cumulativeReturn: c }));
    const r = periodReturns(series).map((p) => p.value);
    [0.1, -0.1, 0.1].forEach((x, i) => expect(r[i]).toBeCloseTo(x, 12));
  });

  it("when a rolling window of 3 runs over 4 returns, then there are 2 annualized sample deviations", () => {
    const returns = [0.1, -0.1, 0.1, 0.1].map((value, i) => ({ time: `d${i}`, value }));
    const vol = rollingVolatility(returns, 3, 252);
    expect(vol).toHaveLength(2);
    expect(vol[0].value).toBeCloseTo(Math.sqrt((0.04 / 3) * 252), 12); // sample variance of 0.1, -0.1, 0.1
    expect(vol[1].time).toBe("d3");
  });

  it("when values are binned, then every value lands in one bin, the largest in the last", () => {
    const bins = histogram([-0.02, -0.01, 0, 0.01, 0.02], 4);
    expect(bins.map((b) => b.count)).toEqual([1, 1, 1, 2]);
    expect(bins[0].from).toBe(-0.02);
    expect(bins[3].to).toBeCloseTo(0.02, 12);
  });

  it("when any correlation is coloured, then white text on the cell keeps WCAG AA contrast (4.5:1)", () => {
    for (let c = -1; c <= 1.0001; c += 0.05) expect(contrastRatio(heatColor(c), [255, 255, 255])).toBeGreaterThanOrEqual(4.5);
  });

  it("when a figure is missing, then it shows as a dash", () => {
    expect(percent(null)).toBe("—");
    expect(percent(0.0209375)).toBe("2.09%");
  });
});
