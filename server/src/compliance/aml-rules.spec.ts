import { expect } from "chai";
import { parseFixed } from "../infra/fixed";
import { type AmlThresholds, behaviouralAnomaly, ctrTotals, evaluate, type Movement, rapidInOut, structuring, velocity } from "./aml-rules";

const T: AmlThresholds = {
  ctrThreshold: parseFixed("10000"),
  structuringWindowHours: 168,
  structuringMinCount: 3,
  structuringNearBps: 1000,
  structuringNearCount: 2,
  velocityMaxPerHour: 10,
  rapidWindowHours: 48,
  rapidWithdrawnBps: 8000,
  rapidMaxTradedBps: 1000,
  minAlertAmount: parseFixed("1000"),
};
const NOW = new Date("2026-11-24T15:00:00Z");
let n = 0;
const at = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * 3_600_000);
const m = (type: Movement["type"], amount: string, hoursAgo = 0): Movement => ({ id: `TX-${++n}`, type, amount: parseFixed(amount), at: at(hoursAgo) });

describe("AML rules", () => {
  it("when three deposits on one business day pass 10,000 together, then a CTR is due; the same amounts on three days are not", () => {
    const sameDay = [m("DEPOSIT", "4000", 3), m("DEPOSIT", "3500", 2), m("DEPOSIT", "3000", 1)];
    const totals = ctrTotals(sameDay, "2026-11-24", T);
    expect(totals).to.deep.include({ cashIn: parseFixed("10500"), cashOut: 0n, reportable: true });
    expect(totals.transactionIds).to.have.length(3);
    const spread = [m("DEPOSIT", "4000", 48), m("DEPOSIT", "3500", 24), m("DEPOSIT", "3000", 0)];
    for (const date of ["2026-11-22", "2026-11-23", "2026-11-24"]) expect(ctrTotals(spread, date, T).reportable).to.equal(false);
  });

  it("when exactly 10,000 moves in a day, then no CTR is due (the rule is 'more than'); cash in and out are not netted", () => {
    expect(ctrTotals([m("DEPOSIT", "10000")], "2026-11-24", T).reportable).to.equal(false);
    const both = ctrTotals([m("DEPOSIT", "6000"), m("WITHDRAWAL", "6000"), m("WITHDRAWAL", "4000.01")], "2026-11-24", T);
    expect(both).to.deep.include({ cashIn: parseFixed("6000"), cashOut: parseFixed("10000.01"), reportable: true });
  });

  it("when sub-threshold deposits spread over days pass the threshold together, then it is structuring; on one day it is not", () => {
    const spread = [m("DEPOSIT", "4000", 48), m("DEPOSIT", "3500", 24), m("DEPOSIT", "3000", 0)];
    const hit = structuring(spread, NOW, T);
    expect(hit).to.deep.include({ rule: "STRUCTURING", riskScore: 80, transactionIds: spread.map((x) => x.id) });
    expect(hit!.description).to.contain("10500 USD over 3 business days");
    expect(structuring([m("DEPOSIT", "4000", 3), m("DEPOSIT", "3500", 2), m("DEPOSIT", "3000", 1)], NOW, T)).to.equal(null);
  });

  it("when two deposits land just under the threshold, then it is structuring even on one day", () => {
    const run = [m("DEPOSIT", "9500", 2), m("DEPOSIT", "9900", 1)];
    expect(structuring(run, NOW, T)).to.deep.include({ rule: "STRUCTURING", transactionIds: run.map((x) => x.id) });
    expect(structuring([m("DEPOSIT", "8999", 2), m("DEPOSIT", "9900", 1)], NOW, T)).to.equal(null);
  });

  it("when movements fall outside the window, then they do not count", () => {
    expect(structuring([m("DEPOSIT", "4000", 200), m("DEPOSIT", "3500", 24), m("DEPOSIT", "3000", 0)], NOW, T)).to.equal(null);
  });

  it("when more than the hourly maximum of cash movements happen, then velocity fires", () => {
    const eleven = Array.from({ length: 11 }, (_, i) => m("DEPOSIT", "10", i / 20));
    expect(velocity(eleven, NOW, T)).to.deep.include({ rule: "VELOCITY", riskScore: 50 });
    expect(velocity(eleven.slice(1), NOW, T)).to.equal(null);
  });

  it("when most of a deposit leaves again soon with little trading, then it is rapid in-and-out; with real trading it is not", () => {
    const passThrough = [m("DEPOSIT", "5000", 10), m("BUY", "200", 5), m("WITHDRAWAL", "4800", 0)];
    expect(rapidInOut(passThrough, NOW, T)).to.deep.include({ rule: "RAPID_IN_OUT", riskScore: 70 });
    expect(rapidInOut([m("DEPOSIT", "5000", 10), m("BUY", "3000", 5), m("SELL", "3000", 2), m("WITHDRAWAL", "4800", 0)], NOW, T)).to.equal(null);
    expect(rapidInOut([m("DEPOSIT", "5000", 10), m("WITHDRAWAL", "1000", 0)], NOW, T)).to.equal(null);
  });

  it("when a customer tied to a high-risk country moves money, then that rule fires on the movement, above the alert minimum", () => {
    const deposit = m("DEPOSIT", "2000");
    const hits = evaluate([deposit], deposit, NOW, ["IR", "DE"], new Set(["IR", "KP"]), T);
    expect(hits.map((h) => h.rule)).to.deep.equal(["HIGH_RISK_JURISDICTION"]);
    expect(hits[0].description).to.contain("IR");
    const small = m("DEPOSIT", "10");
    expect(evaluate([small], small, NOW, ["IR"], new Set(["IR"]), T)).to.deep.equal([]);
  });

  it("when a behaviour profile is flagged, then the hit carries the score, the threshold, the population and the explanation in order", () => {
    const hit = behaviouralAnomaly({ anomalyScore: 25.744, windowDays: 30, explanation: ["First reason.", "Second reason."] }, 15, 221);
    expect(hit).to.deep.equal({
      rule: "BEHAVIOURAL_ANOMALY",
      riskScore: 55,
      transactionIds: [],
      description: "Behaviour over 30 days unlike the other 220 active customers: anomaly score 25.7 (cases open from 15). First reason. Second reason.",
    });
  });
});
