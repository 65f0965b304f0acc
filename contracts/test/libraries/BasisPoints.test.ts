import { expect } from "chai";
import { network } from "hardhat";

const { viem } = await network.create();

describe("BasisPoints", () => {
  async function deploy() {
    return viem.deployContract("BasisPointsHarness");
  }

  it("when a fee is taken at a rate, then it rounds down and never exceeds the rate", async () => {
    const math = await deploy();
    expect(await math.read.mulBpsDown([10_000n, 25n])).to.equal(25n);
    expect(await math.read.mulBpsDown([399n, 25n])).to.equal(0n); // 0.9975 -> 0
    expect(await math.read.mulBpsDown([401n, 25n])).to.equal(1n); // 1.0025 -> 1
    expect(await math.read.mulBpsDown([123n, 10_000n])).to.equal(123n);
  });

  it("when rounding up is asked, then any remainder adds one unit and exact products stay exact", async () => {
    const math = await deploy();
    expect(await math.read.mulBpsUp([399n, 25n])).to.equal(1n);
    expect(await math.read.mulBpsUp([400n, 25n])).to.equal(1n);
    expect(await math.read.mulBpsUp([0n, 25n])).to.equal(0n);
  });

  it("when an amount is split, then fee and rest add up to the amount exactly", async () => {
    const math = await deploy();
    for (const [amount, bps] of [
      [1n, 1n],
      [999_999n, 33n],
      [2n ** 200n + 7n, 9_999n],
      [10n ** 18n, 10_000n],
    ]) {
      const [fee, rest] = await math.read.split([amount, bps]);
      expect(fee + rest).to.equal(amount);
      expect(fee).to.equal((amount * bps) / 10_000n);
    }
  });

  it("when the rate is above 100%, then it reverts with BasisPointsOutOfRange(bps)", async () => {
    const math = await deploy();
    await viem.assertions.revertWithCustomErrorWithArgs(
      math.read.mulBpsDown([1n, 10_001n]),
      math,
      "BasisPointsOutOfRange",
      [10_001n],
    );
  });

  it("when amount * rate exceeds 256 bits, then the result is still exact (full-precision product), rounded as stated", async () => {
    const math = await deploy();
    const max = 2n ** 256n - 1n;
    expect(await math.read.mulBpsDown([max, 25n])).to.equal((max * 25n) / 10_000n);
    expect(await math.read.mulBpsUp([max, 25n])).to.equal((max * 25n + 9_999n) / 10_000n);
  });
});
