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

  /** The same vault on a strategy whose profit arrives in lumps (anything sent to it). */
  async function deployLumpVault() {
    const f = await deployVault();
    const lump = await viem.deployContract("LumpStrategy", [f.asset.address, f.vault.address]);
    await f.vault.write.setStrategy([lump.address]);
    return { ...f, lump };
  }

  /** lockedProfit as the next block (one second on) will compute it. */
  async function lockedAtNext(f: Fixture) {
    const next = BigInt(await networkHelpers.time.latest()) + 1n;
    await networkHelpers.time.setNextBlockTimestamp(next);
    return f.vault.read.lockedProfit({ blockTag: "pending" });
  }

  /** Stops the yield source paying this strategy, so the share price holds still between blocks. */
  async function freezeYield(f: Fixture) {
    await f.source.write.setBeneficiary([f.strategy.address, false]);
  }

  /** Deposits `assets` for `who`, then moves time to exactly one year after the deposit's block. */
  async function depositThenAYear(f: Fixture, who: Fixture["alice"], assets: bigint) {
    await f.vault.write.deposit([assets, who.account.address], { account: who.account });
    const depositedAt = BigInt(await networkHelpers.time.latest());
    await networkHelpers.time.setNextBlockTimestamp(depositedAt + YEAR);
    return depositedAt;
  }

  /** Harvests, lets the whole unlock time pass, then stops the yield, so the share price is
   * not whole and stays still between a test's preview and its transaction. */
  async function harvestAndUnlock(f: Fixture) {
    await f.vault.write.harvest();
    await networkHelpers.time.increase(UNLOCK);
    await freezeYield(f);
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
    it("when a year passes, then the accrued yield, net of the fee, is in the share price as it accrues, and harvest pays the fee without moving it", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      const principal = 10_000n * USD;
      const depositedAt = await depositThenAYear(f, f.alice, principal);
      await networkHelpers.mine(); // the block exactly one year on
      const yearGain = principal / 10n;
      expect(await f.strategy.read.pendingYield()).to.equal(yearGain);
      expect(await f.vault.read.totalAssets()).to.equal(principal + yearGain - (yearGain * FEE_BPS) / 10_000n);
      const shares = await f.vault.read.balanceOf([f.alice.account.address]);

      // One more second of yield accrues in the harvest's own block.
      await networkHelpers.time.setNextBlockTimestamp(depositedAt + YEAR + 1n);
      const valueBefore = await f.vault.read.convertToAssets([shares], { blockTag: "pending" });
      const gain = (principal * RATE_BPS * (YEAR + 1n)) / (10_000n * YEAR);
      const fee = (gain * FEE_BPS) / 10_000n;
      // Nothing is locked: every atom of the gain had been counted as it accrued.
      await viem.assertions.emitWithArgs(f.vault.write.harvest(), f.vault, "VaultHarvested", [gain, fee, 0n]);
      expect(await f.asset.read.balanceOf([f.treasury.account.address])).to.equal(fee);
      expect(await f.strategy.read.pendingYield()).to.equal(0n);
      expect(await f.strategy.read.totalAssets()).to.equal(principal + gain - fee);
      expect(await f.vault.read.lockedProfit()).to.equal(0n);
      expect(await f.vault.read.totalAssets()).to.equal(principal + gain - fee);
      expect(await f.vault.read.convertToAssets([shares])).to.equal(valueBefore);
    });

    it("when someone deposits just before a harvest and redeems just after, then they take none of the year's yield", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await depositThenAYear(f, f.alice, 50_000n * USD);
      await f.vault.write.deposit([100_000n * USD, f.mallory.account.address], { account: f.mallory.account });
      await f.vault.write.harvest();
      const shares = await f.vault.read.balanceOf([f.mallory.account.address]);
      await f.vault.write.redeem([shares, f.mallory.account.address, f.mallory.account.address], { account: f.mallory.account });
      // The year's net yield is 4,500 dUSD; had it not been counted before she came, the
      // sandwich would take two thirds of it. She gets her own two seconds' worth.
      const profit = (await f.asset.read.balanceOf([f.mallory.account.address])) - 100_000n * USD;
      expect(profit < USD / 50n, `sandwich profit ${profit}`).to.equal(true);
    });

    it("when a newcomer joins a year after the last harvest and stays a day, then they get what their own deposit earned that day, not a share of the year", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      await depositThenAYear(f, f.alice, 100_000n * USD);
      await f.vault.write.deposit([100_000n * USD, f.mallory.account.address], { account: f.mallory.account });
      const joinedAt = BigInt(await networkHelpers.time.latest());
      await f.vault.write.harvest();
      await networkHelpers.time.setNextBlockTimestamp(joinedAt + 24n * 3600n);
      const shares = await f.vault.read.balanceOf([f.mallory.account.address]);
      await f.vault.write.redeem([shares, f.mallory.account.address, f.mallory.account.address], { account: f.mallory.account });
      const profit = (await f.asset.read.balanceOf([f.mallory.account.address])) - 100_000n * USD;
      // Her day at 10% less the 10% fee, on her 100,000 (and a sliver on the day's yield).
      const ownDay = (100_000n * USD * RATE_BPS * 24n * 3600n * 9n) / (10_000n * YEAR * 10n);
      expect(profit >= ownDay - USD / 100n && profit <= ownDay + USD, `profit ${profit}, own day ${ownDay}`).to.equal(true);
    });

    it("when nothing new was harvested, then a harvest leaves the release of locked profit untouched", async () => {
      const f = await networkHelpers.loadFixture(deployLumpVault);
      await f.vault.write.deposit([10_000n * USD, f.alice.account.address], { account: f.alice.account });
      await f.asset.write.transfer([f.lump.address, 700n * USD], { account: f.bob.account });
      await f.vault.write.harvest();
      const end = await f.vault.read.fullProfitUnlockDate();
      for (let i = 0; i < 5; i++) {
        await networkHelpers.time.increase(3600n);
        await viem.assertions.emitWithArgs(f.vault.write.harvest({ account: f.mallory.account }), f.vault, "VaultHarvested", [0n, 0n, await lockedAtNext(f)]);
      }
      expect(await f.vault.read.fullProfitUnlockDate()).to.equal(end);
      await networkHelpers.time.increaseTo(end);
      expect(await f.vault.read.lockedProfit()).to.equal(0n);
    });
  });

  describe("profit in lumps", () => {
    it("when a harvest brings a lump, then its net is locked and released linearly over the unlock time, and the share price never steps", async () => {
      const f = await networkHelpers.loadFixture(deployLumpVault);
      const principal = 10_000n * USD;
      await f.vault.write.deposit([principal, f.alice.account.address], { account: f.alice.account });
      await f.asset.write.transfer([f.lump.address, 1_000n * USD], { account: f.bob.account });
      const fee = 100n * USD;
      const net = 900n * USD;
      await viem.assertions.emitWithArgs(f.vault.write.harvest(), f.vault, "VaultHarvested", [1_000n * USD, fee, net]);
      const harvestedAt = BigInt(await networkHelpers.time.latest());
      expect(await f.vault.read.fullProfitUnlockDate()).to.equal(harvestedAt + UNLOCK);
      expect(await f.vault.read.totalAssets()).to.equal(principal);
      await networkHelpers.time.increaseTo(harvestedAt + UNLOCK / 4n);
      const remaining = (net * (UNLOCK - UNLOCK / 4n) + UNLOCK - 1n) / UNLOCK; // rounded up
      expect(await f.vault.read.lockedProfit()).to.equal(remaining);
      expect(await f.vault.read.totalAssets()).to.equal(principal + net - remaining);
      await networkHelpers.time.increaseTo(harvestedAt + UNLOCK);
      expect(await f.vault.read.lockedProfit()).to.equal(0n);
      expect(await f.vault.read.totalAssets()).to.equal(principal + net);
    });

    it("when a newcomer holding a fraction s of the shares stays t of the unlock time T, then they capture s * t / T of a lump's net, and no more", async () => {
      const f = await networkHelpers.loadFixture(deployLumpVault);
      await f.vault.write.deposit([10_000n * USD, f.alice.account.address], { account: f.alice.account });
      await f.asset.write.transfer([f.lump.address, 1_000n * USD], { account: f.bob.account }); // lump on its way
      await f.vault.write.deposit([30_000n * USD, f.mallory.account.address], { account: f.mallory.account }); // s = 3/4
      await f.vault.write.harvest();
      const harvestedAt = BigInt(await networkHelpers.time.latest());
      await networkHelpers.time.setNextBlockTimestamp(harvestedAt + UNLOCK / 2n);
      const shares = await f.vault.read.balanceOf([f.mallory.account.address]);
      await f.vault.write.redeem([shares, f.mallory.account.address, f.mallory.account.address], { account: f.mallory.account });
      const profit = (await f.asset.read.balanceOf([f.mallory.account.address])) - 100_000n * USD;
      const bound = (900n * USD * 3n) / 4n / 2n; // s * t/T * net = 337.5 dUSD
      expect(profit <= bound && bound - profit < USD, `profit ${profit}, bound ${bound}`).to.equal(true);
    });

    it("when a second lump comes while profit is still locked, then the release ends at the amount-weighted average of the two dates, and the price never steps down", async () => {
      const f = await networkHelpers.loadFixture(deployLumpVault);
      await f.vault.write.deposit([10_000n * USD, f.alice.account.address], { account: f.alice.account });
      await f.asset.write.transfer([f.lump.address, 1_000n * USD], { account: f.bob.account });
      await f.vault.write.harvest();
      const firstAt = BigInt(await networkHelpers.time.latest());
      await networkHelpers.time.setNextBlockTimestamp(firstAt + UNLOCK / 2n);
      await f.asset.write.transfer([f.lump.address, 300n * USD], { account: f.bob.account });
      const total = await f.vault.read.totalAssets();
      await networkHelpers.time.setNextBlockTimestamp(firstAt + UNLOCK / 2n + 1n);
      await f.vault.write.harvest();
      const secondAt = firstAt + UNLOCK / 2n + 1n;
      const stillLocked = (900n * USD * (UNLOCK / 2n - 1n) + UNLOCK - 1n) / UNLOCK;
      const lump = 270n * USD;
      const duration = (stillLocked * (UNLOCK / 2n - 1n) + lump * UNLOCK + stillLocked + lump - 1n) / (stillLocked + lump);
      expect(await f.vault.read.lockedProfit()).to.equal(stillLocked + lump);
      expect(await f.vault.read.fullProfitUnlockDate()).to.equal(secondAt + duration);
      expect((await f.vault.read.totalAssets()) >= total).to.equal(true);
    });

    it("when the shortest unlock time is set, then a deposit/harvest/redeem sandwich of a lump over three blocks takes at most its share of three seconds of the release", async () => {
      const f = await networkHelpers.loadFixture(deployLumpVault);
      await f.vault.write.setProfitUnlockTime([3600n]);
      await f.vault.write.deposit([10_000n * USD, f.alice.account.address], { account: f.alice.account });
      await f.asset.write.transfer([f.lump.address, 1_000n * USD], { account: f.bob.account });
      await f.vault.write.deposit([90_000n * USD, f.mallory.account.address], { account: f.mallory.account });
      await f.vault.write.harvest();
      const shares = await f.vault.read.balanceOf([f.mallory.account.address]);
      await f.vault.write.redeem([shares, f.mallory.account.address, f.mallory.account.address], { account: f.mallory.account });
      const profit = (await f.asset.read.balanceOf([f.mallory.account.address])) - 100_000n * USD;
      expect(profit <= (900n * USD * 9n) / 10n / 3600n, `sandwich took ${profit}`).to.equal(true); // one second of release
    });
  });

  describe("harvest edge cases", () => {
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
      const bare = await viem.deployContract("StrategyVault", [f.asset.address, "Bare", "BARE", f.owner.account.address, f.treasury.account.address, 0n, 3600n]);
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

    it("when the owner changes the unlock time, then it applies to the next lump and what is locked keeps its schedule", async () => {
      const f = await networkHelpers.loadFixture(deployLumpVault);
      await f.vault.write.deposit([10_000n * USD, f.alice.account.address], { account: f.alice.account });
      await f.asset.write.transfer([f.lump.address, 1_000n * USD], { account: f.bob.account });
      await f.vault.write.harvest();
      const end = await f.vault.read.fullProfitUnlockDate();
      await viem.assertions.emitWithArgs(f.vault.write.setProfitUnlockTime([3600n]), f.vault, "VaultProfitUnlockTimeSet", [UNLOCK, 3600n]);
      expect(await f.vault.read.profitUnlockTime()).to.equal(3600n);
      expect(await f.vault.read.fullProfitUnlockDate()).to.equal(end);
      expect((await f.vault.read.lockedProfit()) > 890n * USD).to.equal(true);
      const year = 365n * 24n * 3600n;
      await viem.assertions.revertWithCustomErrorWithArgs(f.vault.write.setProfitUnlockTime([year + 1n]), f.vault, "VaultUnlockTimeTooLong", [year + 1n, year]);
      await viem.assertions.revertWithCustomErrorWithArgs(f.vault.write.setProfitUnlockTime([3599n]), f.vault, "VaultUnlockTimeTooShort", [3599n, 3600n]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.vault.write.setProfitUnlockTime([3600n], { account: f.mallory.account }),
        f.vault,
        "OwnableUnauthorizedAccount",
        [getAddress(f.mallory.account.address)],
      );
      expect(await f.vault.read.MAX_PROFIT_UNLOCK_TIME()).to.equal(year);
      expect(await f.vault.read.MIN_PROFIT_UNLOCK_TIME()).to.equal(3600n);
    });

    it("when the owner changes the fee, then yield accrued so far is harvested at the old fee first, so the share price does not step", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      const depositedAt = await depositThenAYear(f, f.alice, 10_000n * USD);
      await networkHelpers.mine();
      await networkHelpers.time.setNextBlockTimestamp(depositedAt + YEAR + 1n);
      const before = await f.vault.read.totalAssets({ blockTag: "pending" });
      await f.vault.write.setPerformanceFee([0n]);
      expect(await f.vault.read.totalAssets()).to.equal(before);
      expect(await f.asset.read.balanceOf([f.treasury.account.address])).to.equal(((10_000n * USD * RATE_BPS * (YEAR + 1n)) / (10_000n * YEAR) * FEE_BPS) / 10_000n);
    })

    it("when deployed with a zero treasury, a fee or an unlock time above the cap, then it reverts with VaultZeroAddress / VaultFeeTooHigh / VaultUnlockTimeTooLong", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      const args = [f.asset.address, "V", "V", f.owner.account.address] as const;
      await viem.assertions.revertWithCustomError(viem.deployContract("StrategyVault", [...args, zeroAddress, 0n, 3600n]), f.vault, "VaultZeroAddress");
      await viem.assertions.revertWithCustomErrorWithArgs(
        viem.deployContract("StrategyVault", [...args, f.treasury.account.address, 5_000n, 3600n]),
        f.vault,
        "VaultFeeTooHigh",
        [5_000n, 2_000n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        viem.deployContract("StrategyVault", [...args, f.treasury.account.address, 0n, 0n]),
        f.vault,
        "VaultUnlockTimeTooShort",
        [0n, 3600n],
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
      await networkHelpers.time.setNextBlockTimestamp(BigInt(await networkHelpers.time.latest()) + 1n);
      const value = await f.vault.read.totalAssets({ blockTag: "pending" });
      await viem.assertions.emitWithArgs(f.vault.write.setStrategy([next.address]), f.vault, "VaultStrategySet", [
        getAddress(f.strategy.address),
        getAddress(next.address),
      ]);
      expect(await f.vault.read.strategy()).to.equal(getAddress(next.address));
      // The old strategy's accrued seconds were harvested on the way (fee to the treasury).
      const fee = await f.asset.read.balanceOf([f.treasury.account.address]);
      expect(await next.read.totalAssets()).to.equal(value);
      expect(value > 4_000n * USD && fee > 0n).to.equal(true);
      expect(await f.strategy.read.totalAssets()).to.equal(0n);
      expect(await f.vault.read.totalAssets()).to.equal(value);
    });

    it("when a vault without a strategy gets one, then its idle deposits move into it", async () => {
      const f = await networkHelpers.loadFixture(deployVault);
      const bare = await viem.deployContract("StrategyVault", [f.asset.address, "Bare", "BARE", f.owner.account.address, f.treasury.account.address, 0n, 3600n]);
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
