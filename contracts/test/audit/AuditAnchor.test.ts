import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, type Hex } from "viem";

const { viem, networkHelpers } = await network.create();

const HASH_A: Hex = `0x${"a1".repeat(32)}`;
const HASH_B: Hex = `0x${"b2".repeat(32)}`;

describe("AuditAnchor", () => {
  async function deploy() {
    const [owner, mallory] = await viem.getWalletClients();
    const anchor = await viem.deployContract("AuditAnchor", [owner.account.address]);
    return { anchor, owner, mallory };
  }

  it("when the owner anchors a checkpoint, then one AuditCheckpointAnchored(seq, headHash) is emitted and the hash is kept for its seq", async () => {
    const { anchor, owner } = await networkHelpers.loadFixture(deploy);
    expect(await anchor.read.owner()).to.equal(getAddress(owner.account.address));
    await viem.assertions.emitWithArgs(anchor.write.anchor([42n, HASH_A]), anchor, "AuditCheckpointAnchored", [42n, HASH_A]);
    expect(await anchor.read.latestSeq()).to.equal(42n);
    expect(await anchor.read.headHashOf([42n])).to.equal(HASH_A);
    expect(await anchor.read.headHashOf([41n])).to.equal(`0x${"00".repeat(32)}`);
    await viem.assertions.emitWithArgs(anchor.write.anchor([43n, HASH_B]), anchor, "AuditCheckpointAnchored", [43n, HASH_B]);
    expect(await anchor.read.latestSeq()).to.equal(43n);
    expect(await anchor.read.headHashOf([42n]), "an earlier checkpoint stays as it was").to.equal(HASH_A);
  });

  it("when another account anchors, then it reverts with AuditAnchorNotOwner(caller)", async () => {
    const { anchor, mallory } = await networkHelpers.loadFixture(deploy);
    await viem.assertions.revertWithCustomErrorWithArgs(
      anchor.write.anchor([1n, HASH_A], { account: mallory.account }),
      anchor,
      "AuditAnchorNotOwner",
      [getAddress(mallory.account.address)],
    );
    expect(await anchor.read.latestSeq()).to.equal(0n);
  });

  it("when a seq at or below the latest is sent, then it reverts with AuditAnchorSeqNotIncreasing(seq, latestSeq) and the anchored hash cannot be replaced", async () => {
    const { anchor } = await networkHelpers.loadFixture(deploy);
    await anchor.write.anchor([10n, HASH_A]);
    await viem.assertions.revertWithCustomErrorWithArgs(anchor.write.anchor([10n, HASH_B]), anchor, "AuditAnchorSeqNotIncreasing", [10n, 10n]);
    await viem.assertions.revertWithCustomErrorWithArgs(anchor.write.anchor([9n, HASH_B]), anchor, "AuditAnchorSeqNotIncreasing", [9n, 10n]);
    await viem.assertions.revertWithCustomErrorWithArgs(anchor.write.anchor([0n, HASH_B]), anchor, "AuditAnchorSeqNotIncreasing", [0n, 10n]);
    expect(await anchor.read.headHashOf([10n])).to.equal(HASH_A);
  });
});
