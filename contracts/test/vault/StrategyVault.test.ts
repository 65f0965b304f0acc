import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, zeroAddress } from "viem";
import { MAX } from "../helpers.js";

const { viem, networkHelpers } = await network.create();

const USD = 10n ** 6n;
const YEAR = 365n * 24n * 3600n;
const RATE_BPS = 1_000n; // the source pays 10% a year
const FEE_BPS = 1_000n; // the vault keeps 10% of each gain for the treasury
const UNLOCK = 7n * 24n * 3600n; // harvested profit reaches the share price over a week

describe("StrategyVault", () => {
  async function deployVault() {
    const [owner, treasury, alice, bob, carol, mallory] = await viem.getWalletClients();
    const asset = await viem.deployContract("AssetToken", ["Demo Dollar", "dUSD", 6, owner.account.address, treasury.account.address, 0n]);
    const source = await viem.deployContract("FixedRateYieldSource", [asset.address, RATE_BPS, owner.account.address]);
    const vault = await viem.deployContract("StrategyVault", [asset.address, "BlockGuardian dUSD Vault", "bgdUSD", owner.account.address, treasury.account.address, FEE_BPS, UNLOCK]);
    const strategy = await viem.deployContract("FixedRateStrategy", [asset.address, vault.address, source.address]);
    await source.write.setBeneficiary([strategy.address, true]);
    await vault.write.setStrategy([strategy.address]);
    await asset.write.mint([source.address, 1_000_000n * USD]);
    for (const user of [alice, bob, carol, mallory]) {
      await asset.write.mint([user.account.address, 100_000n * USD]);
      await asset.write.approve([vault.address, MAX], { account: user.account });
    }
    return { asset, source, vault, strategy, owner, treasury, alice, bob, carol, mallory };
  }
  type Fixture = Awaited<ReturnType<typeof deployVault>>;

  /** Deposits `assets` for `who`, then moves time to exactly one year after the deposit's block. */
  async function depositThenAYear(f: Fixture, who: Fixture["alice"], assets: bigint) {
    await f.vault.write.deposit([assets, who.account.address], { account: who.account });
    const depositedAt = BigInt(await networkHelpers.time.latest());
    await networkHelpers.time.setNextBlockTimestamp(depositedAt + YEAR);
    return depositedAt;
  }

  /** Harvests, then lets the whole unlock time pass so the profit is in the share price. */
  async function harvestAndUnlock(f: Fixture) {
    await f.vault.write.harvest();
    await networkHelpers.time.increase(UNLOCK);
  }

  describe("deposit and mint", () => {
    it("when the first deposit arrives, then shares carry 6 extra decimals and the assets go straight to the strategy", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      expect(await f.vault.read.decimals()).to.equal(12);
      expect(await f.vault.read.DECIMALS_OFFSET()).to.equal(6);
      await viem.assertions.emitWithArgs(
        f.vault.write.deposit([1_000n * USD, f.alice.account.address], { account: f.alice.account }),
        f.vault,
        "Deposit",
        [getAddress(f.alice.account.address), getAddress(f.alice.account.address), 1_000n * USD, 1_000n * USD * 10n ** 6n],
      );
      expect(await f.vault.read.balanceOf([f.alice.account.address])).to.equal(1_000n * USD * 10n ** 6n);
      expect(await f.asset.read.balanceOf([f.strategy.address])).to.equal(1_000n * USD);
      expect(await f.asset.read.balanceOf([f.vault.address])).to.equal(0n);
      expect(await f.strategy.read.totalAssets()).to.equal(1_000n * USD);
      expect(await f.vault.read.totalAssets()).to.equal(1_000n * USD);
      expect(await f.vault.read.principalOf([f.alice.account.address])).to.equal(1_000n * USD);
    });

    it("when shares are minted, then the assets charged are previewMint's, rounded up", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await depositThenAYear(f, f.bob, 3_333n * USD);
      await harvestAndUnlock(f);
      const shares = 10n ** 12n + 7n;
      const charged = await f.vault.read.previewMint([shares]);
      const before = await f.asset.read.balanceOf([f.alice.account.address]);
      await f.vault.write.mint([shares, f.alice.account.address], { account: f.alice.account });
      expect(before - (await f.asset.read.balanceOf([f.alice.account.address]))).to.equal(charged);
      expect(await f.vault.read.balanceOf([f.alice.account.address])).to.equal(shares);
      expect(await f.vault.read.principalOf([f.alice.account.address])).to.equal(charged);
    });

    it("when the share price is not whole, then conversions round in the vault's favour as ERC-4626 requires", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await depositThenAYear(f, f.bob, 3_333n * USD);
      await harvestAndUnlock(f);
      for (const amount of [1n, 7n, 999_999n, 12_345n * USD]) {
        const shares = await f.vault.read.previewDeposit([amount]);
        expect(await f.vault.read.previewMint([shares]) <= amount, `mint back ${amount}`).to.equal(true);
        const burnt = await f.vault.read.previewWithdraw([amount]);
        expect(await f.vault.read.previewRedeem([burnt]) >= amount, `redeem back ${amount}`).to.equal(true);
        expect(await f.vault.read.convertToShares([amount])).to.equal(shares);
      }
    });
  });

  describe("harvest", () => {
    it("when a year passes, then the yield is not counted until harvest, and harvest pays the fee and releases the rest over the unlock time", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      const principal = 10_000n * USD;
      await depositThenAYear(f, f.alice, principal);
      await networkHelpers.mine(); // the block exactly one year on
      expect(await f.strategy.read.pendingYield()).to.equal(principal / 10n);
      expect(await f.vault.read.totalAssets()).to.equal(principal);
      const shares = await f.vault.read.balanceOf([f.alice.account.address]);
      const valueBefore = await f.vault.read.convertToAssets([shares]);

      // One more second of yield accrues in the harvest's own block.
      const gain = principal / 10n + (principal * RATE_BPS) / (10_000n * YEAR);
      const fee = (gain * FEE_BPS) / 10_000n;
      const net = gain - fee;
      await viem.assertions.emitWithArgs(f.vault.write.harvest(), f.vault, "VaultHarvested", [gain, fee, net]);
      const harvestedAt = BigInt(await networkHelpers.time.latest());
      expect(await f.asset.read.balanceOf([f.treasury.account.address])).to.equal(fee);
      expect(await f.strategy.read.pendingYield()).to.equal(0n);
      // No step at harvest: the net gain is locked...
      expect(await f.vault.read.lockedProfit()).to.equal(net);
      expect(await f.vault.read.totalAssets()).to.equal(principal);
      expect(await f.vault.read.convertToAssets([shares])).to.equal(valueBefore);
      // ...and released linearly (what is still locked rounds up)...
      await networkHelpers.time.increaseTo(harvestedAt + UNLOCK / 4n);
      const remaining = (net * (UNLOCK - UNLOCK / 4n) + UNLOCK - 1n) / UNLOCK;
      expect(await f.vault.read.lockedProfit()).to.equal(remaining);
      expect(await f.vault.read.totalAssets()).to.equal(principal + net - remaining);
      // ...until all of it is in the share price.
      await networkHelpers.time.increaseTo(harvestedAt + UNLOCK);
      expect(await f.vault.read.lockedProfit()).to.equal(0n);
      expect(await f.vault.read.totalAssets()).to.equal(principal + net);
      const valueAfter = await f.vault.read.convertToAssets([shares]);
      expect(principal + net - valueAfter <= 1n).to.equal(true); // only the virtual shares' sliver
    });

    it("when someone deposits just before a harvest and redeems just after, then they take none of the year's yield", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await depositThenAYear(f, f.alice, 50_000n * USD);
      await f.vault.write.deposit([100_000n * USD, f.mallory.account.address], { account: f.mallory.account });
      await f.vault.write.harvest();
      const shares = await f.vault.read.balanceOf([f.mallory.account.address]);
      await f.vault.write.redeem([shares, f.mallory.account.address, f.mallory.account.address], { account: f.mallory.account });
      // The year's net yield is 4,500 dUSD; without the unlock the sandwich would take two
      // thirds of it. It gets the profit released in the one second between its transactions.
      const profit = (await f.asset.read.balanceOf([f.mallory.account.address])) - 100_000n * USD;
      expect(profit < USD / 50n, `sandwich profit ${profit}`).to.equal(true);
    });

    it("when a second harvest comes while profit is still locked, then both release together from the second harvest on", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await depositThenAYear(f, f.alice, 10_000n * USD);
      await f.vault.write.harvest();
      const first = await f.vault.read.lockedProfit();
      await networkHelpers.time.increase(UNLOCK / 2n);
      const stillLocked = await f.vault.read.lockedProfit();
      const total = await f.vault.read.totalAssets();
      await f.vault.write.harvest();
      const locked = await f.vault.read.lockedProfit();
      expect(stillLocked < first && locked > stillLocked).to.equal(true);
      expect(await f.vault.read.totalAssets() >= total).to.equal(true); // never a step down
    });

    it("when nothing has accrued, then harvest realises nothing and charges no fee", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await viem.assertions.emitWithArgs(f.vault.write.harvest(), f.vault, "VaultHarvested", [0n, 0n, 0n]);
    });

    it("when the yield source runs short, then harvest takes what it holds and the rest waits for the next harvest", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      const lean = await viem.deployContract("FixedRateYieldSource", [f.asset.address, RATE_BPS, f.owner.account.address]);
      const strategy = await viem.deployContract("FixedRateStrategy", [f.asset.address, f.vault.address, lean.address]);
      await lean.write.setBeneficiary([strategy.address, true]);
      await f.vault.write.setStrategy([strategy.address]);
      await f.asset.write.mint([lean.address, 40n * USD]);
      await depositThenAYear(f, f.alice, 1_000n * USD); // earns 100 dUSD
      await networkHelpers.mine();
      expect(await strategy.read.pendingYield()).to.equal(40n * USD);
      await viem.assertions.emitWithArgs(f.vault.write.harvest(), lean, "YieldPaid", [getAddress(strategy.address), 40n * USD]);
      await f.asset.write.mint([lean.address, 1_000n * USD]);
      const second = await f.vault.simulate.harvest();
      expect(second.result > 60n * USD).to.equal(true); // the 60 left over, plus the seconds since
    });

    it("when there is no strategy, then harvest reverts with VaultNoStrategy", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      const bare = await viem.deployContract("StrategyVault", [f.asset.address, "Bare", "BARE", f.owner.account.address, f.treasury.account.address, 0n, 0n]);
      await viem.assertions.revertWithCustomError(bare.write.harvest(), bare, "VaultNoStrategy");
    });
  });

  describe("withdraw, redeem and claimYield", () => {
    it("when a holder withdraws part, then shares burnt round up and principal falls pro rata", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await depositThenAYear(f, f.alice, 9_000n * USD);
      await harvestAndUnlock(f);
      const shares = await f.vault.read.balanceOf([f.alice.account.address]);
      const burnt = await f.vault.read.previewWithdraw([3_000n * USD]);
      const before = await f.asset.read.balanceOf([f.alice.account.address]);
      await f.vault.write.withdraw([3_000n * USD, f.alice.account.address, f.alice.account.address], { account: f.alice.account });
      expect((await f.asset.read.balanceOf([f.alice.account.address])) - before).to.equal(3_000n * USD);
      expect(await f.vault.read.balanceOf([f.alice.account.address])).to.equal(shares - burnt);
      expect(await f.vault.read.principalOf([f.alice.account.address])).to.equal(9_000n * USD - (9_000n * USD * burnt) / shares);
    });

    it("when a holder redeems everything, then they receive previewRedeem and their principal is zero", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await depositThenAYear(f, f.alice, 5_000n * USD);
      await harvestAndUnlock(f);
      const shares = await f.vault.read.balanceOf([f.alice.account.address]);
      const expected = await f.vault.read.previewRedeem([shares]);
      const before = await f.asset.read.balanceOf([f.bob.account.address]);
      await f.vault.write.redeem([shares, f.bob.account.address, f.alice.account.address], { account: f.alice.account });
      expect((await f.asset.read.balanceOf([f.bob.account.address])) - before).to.equal(expected);
      expect(expected > 5_000n * USD).to.equal(true);
      expect(await f.vault.read.principalOf([f.alice.account.address])).to.equal(0n);
      expect(await f.vault.read.totalSupply()).to.equal(0n);
    });

    it("when more than the maximum is withdrawn, then it reverts with ERC4626ExceededMaxWithdraw(owner, assets, max)", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await f.vault.write.deposit([100n * USD, f.alice.account.address], { account: f.alice.account });
      const max = await f.vault.read.maxWithdraw([f.alice.account.address]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.vault.write.withdraw([max + 1n, f.alice.account.address, f.alice.account.address], { account: f.alice.account }),
        f.vault,
        "ERC4626ExceededMaxWithdraw",
        [getAddress(f.alice.account.address), max + 1n, max],
      );
    });

    it("when the vault holds idle assets, then a withdrawal pays from them first and the strategy covers the rest", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await f.vault.write.deposit([1_000n * USD, f.alice.account.address], { account: f.alice.account });
      await f.asset.write.transfer([f.vault.address, 10n * USD], { account: f.bob.account }); // a donation
      await f.vault.write.withdraw([500n * USD, f.alice.account.address, f.alice.account.address], { account: f.alice.account });
      expect(await f.asset.read.balanceOf([f.vault.address])).to.equal(0n);
      expect(await f.strategy.read.totalAssets()).to.equal(510n * USD);
    });

    it("when a holder claims yield, then only the part above principal is paid and the principal stays invested", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await depositThenAYear(f, f.alice, 10_000n * USD);
      await harvestAndUnlock(f);
      const claimable = await f.vault.read.claimableYield([f.alice.account.address]);
      expect(claimable > 890n * USD && claimable < 901n * USD).to.equal(true); // ~10% less the 10% fee
      const shares = await f.vault.read.previewWithdraw([claimable]);
      await viem.assertions.emitWithArgs(
        f.vault.write.claimYield([f.carol.account.address], { account: f.alice.account }),
        f.vault,
        "VaultYieldClaimed",
        [getAddress(f.alice.account.address), getAddress(f.carol.account.address), claimable, shares],
      );
      expect(await f.asset.read.balanceOf([f.carol.account.address])).to.equal(100_000n * USD + claimable);
      expect(await f.vault.read.principalOf([f.alice.account.address])).to.equal(10_000n * USD);
      const left = await f.vault.read.maxWithdraw([f.alice.account.address]);
      expect(10_000n * USD - left <= 1n).to.equal(true); // the principal, less rounding in the vault's favour
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.vault.write.claimYield([f.alice.account.address], { account: f.alice.account }),
        f.vault,
        "VaultNoYield",
        [getAddress(f.alice.account.address)],
      );
    });

    it("when shares are transferred, then principal moves with them pro rata and the total is conserved", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await depositThenAYear(f, f.alice, 8_000n * USD);
      await harvestAndUnlock(f);
      const shares = await f.vault.read.balanceOf([f.alice.account.address]);
      const yieldBefore = await f.vault.read.claimableYield([f.alice.account.address]);
      await f.vault.write.transfer([f.bob.account.address, shares / 4n], { account: f.alice.account });
      expect(await f.vault.read.principalOf([f.bob.account.address])).to.equal(2_000n * USD);
      expect(await f.vault.read.principalOf([f.alice.account.address])).to.equal(6_000n * USD);
      const split = (await f.vault.read.claimableYield([f.alice.account.address])) + (await f.vault.read.claimableYield([f.bob.account.address]));
      expect(yieldBefore - split <= 2n).to.equal(true);
    });
  });

  describe("inflation attack", () => {
    it("when an attacker front-runs the first deposit with a donation, then the victim keeps almost all and the attacker loses", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await f.vault.write.deposit([1n, f.mallory.account.address], { account: f.mallory.account });
      await f.asset.write.transfer([f.vault.address, 50_000n * USD], { account: f.mallory.account });
      await f.vault.write.deposit([10_000n * USD, f.alice.account.address], { account: f.alice.account });
      const victim = await f.vault.read.maxWithdraw([f.alice.account.address]);
      const attacker = await f.vault.read.maxWithdraw([f.mallory.account.address]);
      expect(10_000n * USD - victim < USD, "victim's loss").to.equal(true); // < 0.01%
      // The attacker's 50,000 donation is now worth about 25,000 to them: the attack loses money.
      expect(attacker < 30_000n * USD, `attacker's value ${attacker}`).to.equal(true);
    });
  });

  describe("administration", () => {
    it("when the owner changes the fee and treasury, then events record old and new values and the cap holds", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await viem.assertions.emitWithArgs(f.vault.write.setPerformanceFee([2_000n]), f.vault, "VaultPerformanceFeeSet", [FEE_BPS, 2_000n]);
      expect(await f.vault.read.performanceFeeBps()).to.equal(2_000n);
      await viem.assertions.revertWithCustomErrorWithArgs(f.vault.write.setPerformanceFee([2_001n]), f.vault, "VaultFeeTooHigh", [2_001n, 2_000n]);
      await viem.assertions.emitWithArgs(f.vault.write.setTreasury([f.bob.account.address]), f.vault, "VaultTreasurySet", [
        getAddress(f.treasury.account.address),
        getAddress(f.bob.account.address),
      ]);
      expect(await f.vault.read.treasury()).to.equal(getAddress(f.bob.account.address));
      await viem.assertions.revertWithCustomError(f.vault.write.setTreasury([zeroAddress]), f.vault, "VaultZeroAddress");
    });

    it("when the owner changes the unlock time, then what is still locked releases over the new time from now", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await depositThenAYear(f, f.alice, 10_000n * USD);
      await f.vault.write.harvest();
      await viem.assertions.emitWithArgs(f.vault.write.setProfitUnlockTime([0n]), f.vault, "VaultProfitUnlockTimeSet", [UNLOCK, 0n]);
      expect(await f.vault.read.profitUnlockTime()).to.equal(0n);
      expect(await f.vault.read.lockedProfit()).to.equal(0n);
      const year = 365n * 24n * 3600n;
      await viem.assertions.revertWithCustomErrorWithArgs(f.vault.write.setProfitUnlockTime([year + 1n]), f.vault, "VaultUnlockTimeTooLong", [year + 1n, year]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.vault.write.setProfitUnlockTime([1n], { account: f.mallory.account }),
        f.vault,
        "OwnableUnauthorizedAccount",
        [getAddress(f.mallory.account.address)],
      );
      expect(await f.vault.read.MAX_PROFIT_UNLOCK_TIME()).to.equal(year);
    });

    it("when deployed with a zero treasury, a fee or an unlock time above the cap, then it reverts with VaultZeroAddress / VaultFeeTooHigh / VaultUnlockTimeTooLong", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      const args = [f.asset.address, "V", "V", f.owner.account.address] as const;
      await viem.assertions.revertWithCustomError(viem.deployContract("StrategyVault", [...args, zeroAddress, 0n, 0n]), f.vault, "VaultZeroAddress");
      await viem.assertions.revertWithCustomErrorWithArgs(
        viem.deployContract("StrategyVault", [...args, f.treasury.account.address, 5_000n, 0n]),
        f.vault,
        "VaultFeeTooHigh",
        [5_000n, 2_000n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        viem.deployContract("StrategyVault", [...args, f.treasury.account.address, 0n, 400n * 24n * 3600n]),
        f.vault,
        "VaultUnlockTimeTooLong",
        [400n * 24n * 3600n, 365n * 24n * 3600n],
      );
    });

    it("when someone other than the owner administers, then it reverts with OwnableUnauthorizedAccount", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      const as = { account: f.mallory.account };
      for (const call of [f.vault.write.setPerformanceFee([0n], as), f.vault.write.setTreasury([f.mallory.account.address], as), f.vault.write.setStrategy([f.strategy.address], as)]) {
        await viem.assertions.revertWithCustomErrorWithArgs(call, f.vault, "OwnableUnauthorizedAccount", [getAddress(f.mallory.account.address)]);
      }
    });

    it("when ownership is handed over, then it takes effect only once the new owner accepts", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await f.vault.write.transferOwnership([f.bob.account.address]);
      expect(await f.vault.read.owner()).to.equal(getAddress(f.owner.account.address));
      await f.vault.write.acceptOwnership({ account: f.bob.account });
      expect(await f.vault.read.owner()).to.equal(getAddress(f.bob.account.address));
    });

    it("when the strategy is replaced, then every asset moves to the new one and the share value is unchanged", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await f.vault.write.deposit([4_000n * USD, f.alice.account.address], { account: f.alice.account });
      const next = await viem.deployContract("FixedRateStrategy", [f.asset.address, f.vault.address, f.source.address]);
      await viem.assertions.emitWithArgs(f.vault.write.setStrategy([next.address]), f.vault, "VaultStrategySet", [
        getAddress(f.strategy.address),
        getAddress(next.address),
      ]);
      expect(await f.vault.read.strategy()).to.equal(getAddress(next.address));
      expect(await next.read.totalAssets()).to.equal(4_000n * USD);
      expect(await f.strategy.read.totalAssets()).to.equal(0n);
      expect(await f.vault.read.totalAssets()).to.equal(4_000n * USD);
    });

    it("when a vault without a strategy gets one, then its idle deposits move into it", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      const bare = await viem.deployContract("StrategyVault", [f.asset.address, "Bare", "BARE", f.owner.account.address, f.treasury.account.address, 0n, 0n]);
      await f.asset.write.approve([bare.address, MAX], { account: f.alice.account });
      await bare.write.deposit([700n * USD, f.alice.account.address], { account: f.alice.account });
      expect(await f.asset.read.balanceOf([bare.address])).to.equal(700n * USD);
      const strategy = await viem.deployContract("FixedRateStrategy", [f.asset.address, bare.address, f.source.address]);
      await bare.write.setStrategy([strategy.address]);
      expect(await f.asset.read.balanceOf([bare.address])).to.equal(0n);
      expect(await strategy.read.totalAssets()).to.equal(700n * USD);
    });

    it("when a strategy is zero, serves another vault or another asset, then setStrategy reverts with VaultZeroAddress / VaultStrategyMismatch", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await viem.assertions.revertWithCustomError(f.vault.write.setStrategy([zeroAddress]), f.vault, "VaultZeroAddress");
      const otherVault = await viem.deployContract("FixedRateStrategy", [f.asset.address, f.bob.account.address, f.source.address]);
      await viem.assertions.revertWithCustomErrorWithArgs(f.vault.write.setStrategy([otherVault.address]), f.vault, "VaultStrategyMismatch", [getAddress(otherVault.address)]);
      const otherAsset = await viem.deployContract("FixedRateStrategy", [f.source.address, f.vault.address, f.source.address]);
      await viem.assertions.revertWithCustomErrorWithArgs(f.vault.write.setStrategy([otherAsset.address]), f.vault, "VaultStrategyMismatch", [getAddress(otherAsset.address)]);
    });
  });

  describe("FixedRateStrategy and FixedRateYieldSource", () => {
    it("when anyone but the vault moves a strategy's assets, then it reverts with StrategyCallerNotVault(caller)", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      const as = { account: f.mallory.account };
      const mallory = getAddress(f.mallory.account.address);
      for (const call of [f.strategy.write.deposit([1n], as), f.strategy.write.withdraw([1n, mallory], as), f.strategy.write.harvest(as)]) {
        await viem.assertions.revertWithCustomErrorWithArgs(call, f.strategy, "StrategyCallerNotVault", [mallory]);
      }
      expect(await f.strategy.read.vault()).to.equal(getAddress(f.vault.address));
      expect(await f.strategy.read.asset()).to.equal(getAddress(f.asset.address));
      expect(await f.strategy.read.source()).to.equal(getAddress(f.source.address));
    });

    it("when the vault asks for more than the strategy holds, then it reverts with StrategyInsufficientAssets(requested, available)", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await f.vault.write.deposit([5n, f.alice.account.address], { account: f.alice.account });
      await networkHelpers.impersonateAccount(f.vault.address);
      await networkHelpers.setBalance(f.vault.address, 10n ** 18n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.strategy.write.withdraw([6n, f.vault.address], { account: f.vault.address }),
        f.strategy,
        "StrategyInsufficientAssets",
        [6n, 5n],
      );
    });

    it("when a non-beneficiary draws yield or a non-owner names beneficiaries, then the source reverts", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      const mallory = getAddress(f.mallory.account.address);
      await viem.assertions.revertWithCustomErrorWithArgs(f.source.write.pay([1n], { account: f.mallory.account }), f.source, "YieldSourceNotBeneficiary", [mallory]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.source.write.setBeneficiary([mallory, true], { account: f.mallory.account }),
        f.source,
        "OwnableUnauthorizedAccount",
        [mallory],
      );
      await viem.assertions.emitWithArgs(f.source.write.setBeneficiary([mallory, true]), f.source, "YieldBeneficiarySet", [mallory, true]);
      expect(await f.source.read.isBeneficiary([mallory])).to.equal(true);
      expect(await f.source.read.rateBps()).to.equal(RATE_BPS);
      expect(await f.source.read.asset()).to.equal(getAddress(f.asset.address));
      expect(await f.source.read.available()).to.equal(1_000_000n * USD);
    });
  });
});
