import { expect } from "chai";
import { network } from "hardhat";
import { getAddress } from "viem";
import BlockGuardian from "../../ignition/modules/BlockGuardian.js";
import { LOT_SIZES, MIN_LOTS } from "../../ignition/modules/OrderBookDEX.js";

const { viem, ignition } = await network.create();

describe("Ignition: BlockGuardian module", () => {
  it("when the module deploys, then the tokens, pairs, vault wiring and demo balances are in place and a trade settles", async () => {
    const { usd, gold, bill, dex, vault, strategy, source, auditAnchor } = await ignition.deploy(BlockGuardian, { displayUi: false });
    const [admin, treasury, alice] = await viem.getWalletClients();

    expect(await usd.read.symbol()).to.equal("dUSD");
    expect(await gold.read.symbol()).to.equal("TGLD");
    expect(await bill.read.symbol()).to.equal("TBILL");
    expect(await gold.read.transferFeeBps()).to.equal(25n);
    expect(await gold.read.treasury()).to.equal(getAddress(treasury.account.address));
    expect(await gold.read.isFeeExempt([dex.address])).to.equal(true);

    expect(await dex.read.pairIdOf([gold.address, usd.address, LOT_SIZES.TGLD])).to.equal(1);
    expect(await dex.read.pairIdOf([bill.address, usd.address, LOT_SIZES.TBILL])).to.equal(2);
    expect((await dex.read.getPair([1])).minLots).to.equal(MIN_LOTS.TGLD);
    expect((await dex.read.getPair([2])).minLots).to.equal(MIN_LOTS.TBILL);

    // The server anchors audit checkpoints with the deployer's account (npm start: the node's #0).
    expect(await auditAnchor.read.owner()).to.equal(getAddress(admin.account.address));
    expect(await auditAnchor.read.latestSeq()).to.equal(0n);

    expect(await vault.read.strategy()).to.equal(getAddress(strategy.address));
    expect(await vault.read.asset()).to.equal(getAddress(usd.address));
    expect(await source.read.isBeneficiary([strategy.address])).to.equal(true);
    expect(await source.read.available()).to.equal(1_000_000n * 10n ** 6n);
    // A fee on dUSD must not stop the vault (issue 18, V-4): it and its strategy are exempt.
    expect(await usd.read.isFeeExempt([vault.address])).to.equal(true);
    expect(await usd.read.isFeeExempt([strategy.address])).to.equal(true);

    for (const account of [admin, alice]) {
      expect(await usd.read.balanceOf([account.account.address])).to.equal(1_000_000n * 10n ** 6n);
      expect(await gold.read.balanceOf([account.account.address])).to.equal(10_000n * 10n ** 18n);
    }

    // One gram of gold (100 lots of 0.01) at 0.852 dUSD per lot, between two demo accounts.
    await gold.write.approve([dex.address, 10n ** 18n], { account: alice.account });
    await dex.write.placeOrder([1, false, 852_000n, 100n, 10n, 0n], { account: alice.account });
    await usd.write.approve([dex.address, 85_200_000n]);
    await dex.write.placeOrder([1, true, 852_000n, 100n, 10n, 0n]);
    expect(await gold.read.balanceOf([admin.account.address])).to.equal(10_001n * 10n ** 18n);
    expect(await usd.read.balanceOf([alice.account.address])).to.equal(1_000_000n * 10n ** 6n + 85_200_000n);
  });
});
