import { expect } from "chai";
import { IpRanges, parseCidr } from "./ip-ranges";

describe("API key network ranges", () => {
  it("when ranges are given, then addresses inside them are allowed (IPv4-mapped peers too) and others refused", () => {
    const ranges = new IpRanges(["203.0.113.0/24", "2001:db8::/32", "198.51.100.7"]);
    expect(ranges.allows("203.0.113.9")).to.equal(true);
    expect(ranges.allows("::ffff:203.0.113.9")).to.equal(true);
    expect(ranges.allows("2001:db8:1::5")).to.equal(true);
    expect(ranges.allows("198.51.100.7")).to.equal(true);
    expect(ranges.allows("198.51.100.8")).to.equal(false);
    expect(ranges.allows("127.0.0.1")).to.equal(false);
    expect(ranges.allows("garbage")).to.equal(false);
  });

  it("when no range is given, then every address is allowed", () => {
    expect(new IpRanges([]).allows("8.8.8.8")).to.equal(true);
  });

  it("when a range is malformed, then it does not parse", () => {
    for (const bad of ["10.0.0.0/33", "10.0.0/8", "::/129", "host.example/8", "10.0.0.0/8/1", "10.0.0.0/-1", ""]) expect(parseCidr(bad), bad).to.equal(null);
    expect(parseCidr("10.0.0.0/8")).to.deep.equal({ address: "10.0.0.0", prefix: 8, family: "ipv4" });
  });
});
