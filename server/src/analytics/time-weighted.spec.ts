import { expect } from "chai";
import { riskMetrics } from "./metrics";
import { timeWeightedDaily } from "./time-weighted";

const at = (day: number, hour: number, minute = 0) => Date.UTC(2024, 0, 1 + day, hour, minute);
const midnight = (day: number) => Date.UTC(2024, 0, 1 + day);

describe("time-weighted return of value snapshots (figures worked by hand)", () => {
  // Jan 1 ends at 1000. Jan 2: 1100 at 10:00 (+10%), a 500 deposit at 12:00, 1650 at the end
  // (+3.125% on the 1600 after the deposit). Jan 3: 650 withdrawn at 09:00 with no snapshot
  // since, then 900 at the end (-10% on the 1000 left).
  const snapshots = [
    { time: at(0, 9), value: 950 },
    { time: at(0, 23, 59), value: 1000 },
    { time: at(1, 10), value: 1100 },
    { time: at(1, 23, 59), value: 1650 },
    { time: at(2, 23, 59), value: 900 },
  ];
  const flows = [
    { time: at(0, 8), amount: 950 },
    { time: at(1, 12), amount: 500 },
    { time: at(2, 9), amount: -650 },
  ];

  it("when a deposit and a withdrawal fall mid-series, then they are not returns: sub-periods chain-link", () => {
    const points = timeWeightedDaily(snapshots, flows);
    expect(points.map((p) => p.day)).to.deep.equal([midnight(0), midnight(1), midnight(2)]);
    expect(points.map((p) => p.value)).to.deep.equal([1000, 1650, 900]);
    expect(points[0].index).to.equal(1);
    expect(points[1].index).to.be.closeTo(1.1 * 1.03125, 1e-12); // 1.134375, not 1.65
    expect(points[2].index).to.be.closeTo(1.134375 * 0.9, 1e-12); // 1.0209375, not 0.9
  });

  it("when the metrics run on the growth index, then totalReturn is the chain-linked return", () => {
    const m = riskMetrics(timeWeightedDaily(snapshots, flows).map((p) => p.index), { periodsPerYear: 252, riskFreeRate: 0 });
    expect(m.observations).to.equal(2);
    expect(m.totalReturn).to.be.closeTo(0.0209375, 1e-12);
    expect(m.maxDrawdown).to.be.closeTo(0.1, 1e-12); // 1.0209375 / 1.134375 = 0.9
  });

  it("when only a deposit changes the value, then the return is zero", () => {
    const points = timeWeightedDaily(
      [
        { time: at(0, 23), value: 1000 },
        { time: at(1, 23), value: 3000 },
      ],
      [{ time: at(1, 12), amount: 2000 }],
    );
    expect(points.map((p) => p.index)).to.deep.equal([1, 1]);
  });

  it("when a snapshot is taken at a flow's own time, then it already includes the flow", () => {
    const points = timeWeightedDaily(
      [
        { time: at(0, 23), value: 100 },
        { time: at(1, 12), value: 300 },
        { time: at(1, 23), value: 330 },
      ],
      [{ time: at(1, 12), amount: 200 }],
    );
    expect(points[1].index).to.be.closeTo(1.1, 1e-12); // 300 -> 330 after a base of 100 + 200
  });

  it("when everything is withdrawn and money comes back later, then the empty stretch earns nothing", () => {
    const points = timeWeightedDaily(
      [
        { time: at(0, 23), value: 100 },
        { time: at(1, 23), value: 0 },
        { time: at(2, 23), value: 220 },
      ],
      [
        { time: at(1, 10), amount: -100 },
        { time: at(2, 10), amount: 200 },
      ],
    );
    expect(points.map((p) => p.index)).to.deep.equal([1, 1, 1.1]);
  });

  it("when the first day starts empty and is funded later, then growth counts from the deposit", () => {
    const points = timeWeightedDaily(
      [
        { time: at(0, 23), value: 0 },
        { time: at(1, 23), value: 505 },
      ],
      [{ time: at(1, 9), amount: 500 }],
    );
    expect(points[1].index).to.be.closeTo(1.01, 1e-12);
  });

  it("when there is no snapshot, then there is no point", () => {
    expect(timeWeightedDaily([], [{ time: at(0, 1), amount: 5 }])).to.deep.equal([]);
  });
});
