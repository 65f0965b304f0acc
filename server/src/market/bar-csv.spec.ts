import { expect } from "chai";
import { parseBarCsv, parseTime } from "./bar-csv";
import { BarInterval } from "./bar-interval";
import { checkBars } from "./bar-validation";

describe("bar CSV files", () => {
  it("when a Yahoo Finance download is read, then columns are found by name and Adj Close is ignored", () => {
    const text = "\uFEFFDate,Open,High,Low,Close,Adj Close,Volume\r\n2024-01-02,10.5,11,10,10.75,9.99,1200\r\n2024-01-03,10.75,10.9,10.1,10.2,9.5,800\r\n";
    const { bars, problems } = parseBarCsv(text);
    expect(problems).to.deep.equal([]);
    expect(bars).to.deep.equal([
      { time: new Date("2024-01-02T00:00:00Z"), open: "10.5", high: "11", low: "10", close: "10.75", volume: "1200", line: 2 },
      { time: new Date("2024-01-03T00:00:00Z"), open: "10.75", high: "10.9", low: "10.1", close: "10.2", volume: "800", line: 3 },
    ]);
  });

  it("when a file names a time column in another case and order, then ISO times and Unix seconds are read as UTC", () => {
    const { bars } = parseBarCsv('volume,CLOSE,low,high,open,TIME\n5,2,1,3,2,"2024-03-01T10:05:00"\n0,2,1,3,2,1709287500\n');
    expect(bars.map((bar) => bar.time.toISOString())).to.deep.equal(["2024-03-01T10:05:00.000Z", "2024-03-01T10:05:00.000Z"]);
    expect(bars[0]).to.include({ open: "2", high: "3", low: "1", close: "2", volume: "5" });
  });

  it("when a row's time cannot be read, then it is refused with its file line and the others are kept", () => {
    const { bars, problems } = parseBarCsv("Date,Open,High,Low,Close\n2024-02-30,1,1,1,1\n2024-02-29,1,1,1,1\n");
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^line 2: /);
    expect(bars.map((bar) => [bar.line, bar.volume])).to.deep.equal([[3, "0"]]);
  });

  it("when the header lacks a price column, then the file is refused with the missing names", () => {
    expect(() => parseBarCsv("Date,Open,High,Close\n")).to.throw(/low/);
    expect(parseTime("yesterday")).to.equal(null);
  });
});

describe("bar checks", () => {
  const bar = (over: Record<string, unknown>, line = 1) => ({ time: new Date("2024-01-02T00:00:00Z"), open: "10", high: "12", low: "9", close: "11", volume: "100", line, ...over });

  it("when rows break the OHLC rules, then each is refused with its line and reason, and the valid ones pass", () => {
    const { valid, problems } = checkBars(
      [
        bar({}, 1),
        bar({ time: new Date("2024-01-03T00:00:00Z"), high: "10.5" }, 2),
        bar({ time: new Date("2024-01-04T00:00:00Z"), low: "10.5" }, 3),
        bar({ time: new Date("2024-01-05T00:00:00Z"), open: "0", low: "0" }, 4),
        bar({ time: new Date("2024-01-06T00:00:00Z"), volume: "-1" }, 5),
        bar({ time: new Date("2024-01-07T12:00:00Z") }, 6),
        bar({ time: new Date("2024-01-08T00:00:00Z"), close: "abc" }, 7),
      ],
      BarInterval.DAY_1,
    );
    expect(valid.map((row) => row.bucket.toISOString())).to.deep.equal(["2024-01-02T00:00:00.000Z"]);
    expect(problems).to.deep.equal([
      "line 2: high is below open or close",
      "line 3: low is above open or close",
      "line 4: prices must be greater than zero",
      "line 5: volume must not be negative",
      "line 6: time 2024-01-07T12:00:00.000Z is not on a DAY_1 boundary (UTC)",
      'line 7: close is not a decimal: "abc"',
    ]);
  });

  it("when a time is on a 15-minute boundary, then it passes for MINUTE_15 but not for HOUR_1", () => {
    const row = bar({ time: new Date("2024-01-02T10:15:00Z") });
    expect(checkBars([row], BarInterval.MINUTE_15).valid).to.have.length(1);
    expect(checkBars([row], BarInterval.HOUR_1).problems).to.have.length(1);
  });
});
