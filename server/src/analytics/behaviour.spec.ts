import { expect } from "chai";
import { type CustomerActivity, behaviourFeatures, EXPLAIN_Z, exactMedian, explain, FEATURES, type FeatureVector, featureLabels, MAD_SCALE, MEAN_AD_SCALE, median, robustScale, robustZ, scorePopulation, Z_CAP } from "./behaviour";

const labels = featureLabels("10000.00", 48);

const activity = (over: Partial<CustomerActivity> = {}): CustomerActivity => ({
  userId: "u",
  deposits: 0,
  depositAmount: 0,
  depositsJustUnder: 0,
  withdrawals: 0,
  withdrawalAmount: 0,
  withdrawnSoonAmount: 0,
  trades: 0,
  tradeNotional: 0,
  instruments: 0,
  nightEvents: 0,
  events: 0,
  hoursDepositToTrade: null,
  deposited: false,
  exact: { depositAmount: "0", withdrawalAmount: "0", tradeNotional: "0" },
  ...over,
});

const zeros = (): FeatureVector => Object.fromEntries(FEATURES.map((f) => [f, 0])) as FeatureVector;

describe("behaviour features and robust scores (figures worked by hand)", () => {
  it("when activity is aggregated, then shares are over deposits and events and a deposit never traded counts the whole window", () => {
    const f = behaviourFeatures(activity({ deposits: 4, depositAmount: 2000, withdrawals: 1, withdrawalAmount: 1500, withdrawnSoonAmount: 1500, trades: 2, tradeNotional: 300, instruments: 2, nightEvents: 3, events: 7, deposited: true }), 30);
    expect(f.withdrawnSoonShare).to.equal(0.75);
    expect(f.nightShare).to.equal(3 / 7);
    expect(f.hoursDepositToFirstTrade).to.equal(720);
    expect(f.distinctInstruments).to.equal(2);
  });

  it("when nothing was deposited, then the shares and the wait are 0, and a wait is capped at the window", () => {
    const none = behaviourFeatures(activity({ withdrawals: 1, withdrawalAmount: 100, withdrawnSoonAmount: 0, events: 1 }), 30);
    expect(none.withdrawnSoonShare).to.equal(0);
    expect(none.hoursDepositToFirstTrade).to.equal(0);
    expect(behaviourFeatures(activity({ deposited: true, hoursDepositToTrade: 2.5 }), 30).hoursDepositToFirstTrade).to.equal(2.5);
    expect(behaviourFeatures(activity({ deposited: true, depositAmount: 10, withdrawnSoonAmount: 30 }), 30).withdrawnSoonShare).to.equal(1);
  });

  it("when the MAD is positive, then z = (x - median) / (1.4826 * MAD)", () => {
    // 1, 2, 3, 4, 100: median 3, deviations 2, 1, 0, 1, 97, MAD 1.
    const s = robustScale([1, 2, 3, 4, 100]);
    expect(s.median).to.equal(3);
    expect(s.scale).to.be.closeTo(MAD_SCALE, 1e-12);
    expect(robustZ(100, s)).to.be.closeTo(97 / 1.4826, 1e-9);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
  });

  it("when more than half share one value (MAD 0), then the mean absolute deviation * 1.253314 stands in", () => {
    // 0 x 9 and 10: median 0, MAD 0, mean absolute deviation 1.
    const s = robustScale([0, 0, 0, 0, 0, 0, 0, 0, 0, 10]);
    expect(s.median).to.equal(0);
    expect(s.scale).to.be.closeTo(MEAN_AD_SCALE, 1e-12);
    expect(robustZ(10, s)).to.be.closeTo(10 / 1.253314, 1e-9);
  });

  it("when everyone is alike, then there is no scale and the z-score is null", () => {
    expect(robustZ(5, robustScale([5, 5, 5]))).to.equal(null);
    expect(robustZ(0, robustScale([]))).to.equal(null);
  });

  it("when one customer stands out in several features, then it scores highest, only upward deviations count, each capped", () => {
    const exact = { depositAmount: "0", withdrawalAmount: "0", tradeNotional: "0" };
    const population = Array.from({ length: 20 }, (_, i) => ({ userId: `c${String(i).padStart(2, "0")}`, features: { ...zeros(), depositCount: 2 + (i % 3), tradeCount: 5 + (i % 4) }, exact }));
    population.push({ userId: "odd", features: { ...zeros(), depositCount: 40, depositsJustUnderThreshold: 30, withdrawnSoonShare: 0.95, tradeCount: 0 }, exact });
    const scored = scorePopulation(population, labels);
    const odd = scored.find((s) => s.userId === "odd")!;
    const best = [...scored].sort((a, b) => b.anomalyScore - a.anomalyScore)[0];
    expect(best.userId).to.equal("odd");
    // Three features far above typical, each capped at Z_CAP; a trade count below typical adds nothing.
    expect(odd.anomalyScore).to.be.closeTo(Math.sqrt(3 * Z_CAP ** 2), 1e-9);
    expect(odd.features.find((f) => f.name === "tradeCount")!.zScore).to.be.below(0);
    // All three capped: the ties go by the uncapped z, deposits (37 / 1.4826) before just-under (30 / (1.253314 * 30 / 21)).
    expect(odd.explanation.map((line) => line.match(/\(([a-zA-Z]+):/)![1])).to.deep.equal(["depositCount", "depositsJustUnderThreshold", "withdrawnSoonShare"]);
    expect(odd.explanation[1]).to.match(/^30 deposits just under the 10000\.00 USD reporting threshold, typical 0 \(depositsJustUnderThreshold: 16\.8 robust deviations above typical\)\.$/);
    expect(odd.explanation.join(" ")).to.not.include("tradeCount");
  });

  it("when a count is one, then the words say so in the singular", () => {
    expect(explain([{ name: "depositsJustUnderThreshold", value: 1, zScore: 5.7, typical: 0 }], labels)).to.deep.equal([
      "1 deposit just under the 10000.00 USD reporting threshold, typical 0 (depositsJustUnderThreshold: 5.7 robust deviations above typical).",
    ]);
  });

  it("when a money feature is explained, then the customer's own sum is the ledger's exact text, not a float's rounding", () => {
    // 98,765,432,109,876,543.21 has more digits than a double holds: as a float it reads ...544.00.
    const words = explain([{ name: "depositAmount", value: 98765432109876543.21, zScore: 12, typical: 1500.5, exact: "98765432109876543.21", typicalExact: "1500.50" }], labels);
    expect(words).to.deep.equal(["98765432109876543.21 USD deposited, typical 1500.50 USD (depositAmount: 12.0 robust deviations above typical)."]);
  });

  it("when a money feature's typical value is said, then it is the exact median of the population's exact sums, never a float's", () => {
    expect(exactMedian(["3.10", "1.05", "2.20"])).to.equal("2.2");
    // Two middles: their exact mean; 0.1 + 0.2 as floats would read 0.15000000000000002.
    expect(exactMedian(["0.1", "0.2"])).to.equal("0.15");
    expect(exactMedian(["98765432109876543.21", "98765432109876543.23"])).to.equal("98765432109876543.22");
    expect(exactMedian([])).to.equal("0");
    const sums = ["98765432109876543.21", "98765432109876543.23", "98765432109876543.25"];
    const population = sums.map((depositAmount, i) => ({ userId: `m${i}`, features: { ...zeros(), depositAmount: Number(depositAmount) }, exact: { depositAmount, withdrawalAmount: "0", tradeNotional: "0" } }));
    const scored = scorePopulation(population, labels);
    expect(scored[0].features.find((f) => f.name === "depositAmount")!.typicalExact).to.equal("98765432109876543.23");
    expect(() => explain([{ name: "withdrawalAmount", value: 10, zScore: 9, typical: 5, exact: "10" }], labels)).to.throw("exact amount");
  });

  it("when no feature is EXPLAIN_Z above typical, then the explanation says so", () => {
    const words = explain([{ name: "depositCount", value: 3, zScore: EXPLAIN_Z - 0.1, typical: 2 }], labels);
    expect(words).to.deep.equal([`Nothing unusual: no feature is ${EXPLAIN_Z} or more robust deviations above the population's typical value.`]);
  });

  it("when features are explained, then the largest contribution comes first and the words name value, typical and z", () => {
    const words = explain(
      [
        { name: "nightShare", value: 0.5, zScore: 4, typical: 0 },
        { name: "depositCount", value: 12, zScore: 6.25, typical: 3 },
      ],
      labels,
    );
    expect(words).to.deep.equal([
      "12 deposits, typical 3 (depositCount: 6.3 robust deviations above typical).",
      "50% of activity at night (00:00-06:00 UTC), typical 0% (nightShare: 4.0 robust deviations above typical).",
    ]);
  });
});
