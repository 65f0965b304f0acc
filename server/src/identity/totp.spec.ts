import { expect } from "chai";
import { generateTotpSecret, matchTotpStep, totpAt } from "./totp";

describe("TOTP", () => {
  // RFC 6238 Appendix B, SHA-1: the seed is the ASCII string "12345678901234567890", 8 digits.
  const RFC_SEED = "12345678901234567890";
  const VECTORS: Array<[number, string]> = [
    [59, "94287082"],
    [1111111109, "07081804"],
    [1111111111, "14050471"],
    [1234567890, "89005924"],
    [2000000000, "69279037"],
    [20000000000, "65353130"],
  ];

  for (const [time, expected] of VECTORS) {
    it(`when the RFC 6238 SHA-1 vector at T=${time} is computed, then it is ${expected}`, () => {
      expect(totpAt(RFC_SEED, time, { digits: 8, encoding: "ascii" })).to.equal(expected);
    });
  }

  it("when a code from the previous, current or next step is offered, then its step is found; two steps away it is refused", () => {
    const secret = generateTotpSecret();
    const now = 1_800_000_015;
    const step = Math.floor(now / 30);
    for (const drift of [-1, 0, 1]) expect(matchTotpStep(secret, totpAt(secret, (step + drift) * 30), now)).to.equal(step + drift);
    expect(matchTotpStep(secret, totpAt(secret, (step - 2) * 30), now)).to.equal(null);
    expect(matchTotpStep(secret, "12345", now)).to.equal(null);
    expect(matchTotpStep(secret, "abcdef", now)).to.equal(null);
  });
});
