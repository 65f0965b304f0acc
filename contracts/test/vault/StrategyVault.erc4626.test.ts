import { expect } from "chai";
import { network } from "hardhat";
import type { Hash } from "viem";
import { eventsOf, MAX, prng } from "../helpers.js";

/**
 * ERC-4626 properties, ported from a16z/erc4626-tests (Foundry; it cannot run here) to seeded
 * random cases on Hardhat: previews against what the operation then did, round trips that must
 * never profit the caller, the max* limits, and the conversions' rounding. Each case's
 * transactions run in one block (automine off), as the Foundry suite's calls run in one
 * transaction, so yield accruing between blocks does not blur the rounding being checked.
 * The whole set runs twice: with the asset's transfer fee off, and on (25 bps; the vault and
 * strategy exempt, as deployed). ERC4626_CASES cases per property and fee setting (default
 * 200); ERC4626_SEED replays.
 */
const CASES = Number(process.env.ERC4626_CASES ?? 200);
const SEED = Number(process.env.ERC4626_SEED ?? 0x4626);

const { viem, networkHelpers, provider } = await network.create();
const publicClient = await viem.getPublicClient();
const USD = 10n ** 6n;
const pending = { blockTag: "pending" } as const;
const GAS = { gas: 2_000_000n } as const; // no estimate against a state without the block's earlier transactions

for (const feeBps of [0n, 25n]) {
  describe(`StrategyVault ERC-4626 properties (asset fee ${feeBps} bps)`, function () {
    this.timeout(600_000);

    async function deploy() {
      const [owner, treasury, alice, bob, carol] = await viem.getWalletClients();
      const asset = await viem.deployContract("AssetToken", ["Demo Dollar", "dUSD", 6, owner.account.address, treasury.account.address, 0n]);
      const source = await viem.deployContract("FixedRateYieldSource", [asset.address, 700n, owner.account.address]);
      const vault = await viem.deployContract("StrategyVault", [asset.address, "Vault", "vUSD", owner.account.address, treasury.account.address, 1_000n, 24n * 3600n]);
      const strategy = await viem.deployContract("FixedRateStrategy", [asset.address, vault.address, source.address]);
      await source.write.setBeneficiary([strategy.address, true]);
      await vault.write.setStrategy([strategy.address]);
      await asset.write.setFeeExempt([vault.address, true]);
      await asset.write.setFeeExempt([strategy.address, true]);
      await asset.write.mint([source.address, 10n ** 15n]);
      for (const who of [alice, bob, carol]) {
        await asset.write.mint([who.account.address, 10n ** 15n]);
        await asset.write.approve([vault.address, MAX], { account: who.account });
      }
      // A vault with history, so the share price is not whole: deposits, a harvest, time.
      await vault.write.deposit([123_456n * USD + 789n, bob.account.address], { account: bob.account });
      await networkHelpers.time.increase(40n * 24n * 3600n);
      await vault.write.harvest();
      await vault.write.deposit([7_777n * USD, carol.account.address], { account: carol.account });
      await networkHelpers.time.increase(3n * 24n * 3600n);
      await asset.write.setTransferFee([feeBps]);
      return { asset, vault, strategy, alice, bob, carol };
    }
    type F = Awaited<ReturnType<typeof deploy>>;

    const random = prng(SEED + Number(feeBps));
    /** Mostly ordinary sizes, sometimes a handful of atoms, where rounding shows. */
    const assets = () => (random.next() < 0.3 ? BigInt(random.int(1, 1_000)) : BigInt(random.int(1, 200_000)) * USD + BigInt(random.int(0, 999_999)));
    const shares = () => assets() * 10n ** 6n + BigInt(random.int(0, 999_999));

    /** Pins the next block's time, so `pending` reads see what the block will. */
    async function nextBlock() {
      await networkHelpers.time.setNextBlockTimestamp((await networkHelpers.time.latest()) + 1);
    }

    /** Sends the transactions into one block and returns the vault's Deposit/Withdraw events per transaction. */
    async function oneBlock(f: F, send: () => Promise<Hash>[] | Promise<Hash[]>) {
      await provider.request({ method: "evm_setAutomine", params: [false] });
      let hashes: Hash[];
      try {
        hashes = await Promise.all(await send());
        await networkHelpers.mine();
      } finally {
        await provider.request({ method: "evm_setAutomine", params: [true] });
      }
      const out = [];
      for (const hash of hashes) {
        const receipt = await publicClient.waitForTransactionReceipt({ hash });
        expect(receipt.status, `transaction ${hash} reverted (seed ${SEED})`).to.equal("success");
        const logs = await eventsOf(publicClient, f.vault.abi, hash);
        const moved = logs.find((e) => e.eventName === "Deposit" || e.eventName === "Withdraw");
        if (moved?.eventName !== "Deposit" && moved?.eventName !== "Withdraw") throw new Error("no Deposit/Withdraw event");
        out.push({ assets: moved.args.assets, shares: moved.args.shares });
      }
      return out;
    }

    /** Runs `property` over CASES random cases on a fresh copy of the fixture. */
    function property(name: string, check: (f: F, i: number) => Promise<void>) {
      it(name, async () => {
        const f = await networkHelpers.loadFixture(deploy);
        for (let i = 0; i < CASES; i++) await check(f, i);
      });
    }

    const as = (f: F) => ({ account: f.alice.account, ...GAS });
    const me = (f: F) => f.alice.account.address;

    property("previewDeposit(a) <= shares deposit(a) mints, and redeem(deposit(a)) <= a (RT deposit/redeem)", async (f) => {
      const a = assets();
      await nextBlock();
      const preview = await f.vault.read.previewDeposit([a], pending);
      const [dep, red] = await oneBlock(f, () => [f.vault.write.deposit([a, me(f)], as(f)), f.vault.write.redeem([preview, me(f), me(f)], as(f))]);
      expect(preview <= dep.shares, `previewDeposit(${a})`).to.equal(true);
      expect(red.assets <= a, `redeem(deposit(${a})) = ${red.assets}`).to.equal(true);
    });

    property("previewMint(s) >= assets mint(s) takes, and redeem(mint(s)) <= those assets (RT mint/redeem)", async (f) => {
      const s = shares();
      await nextBlock();
      const preview = await f.vault.read.previewMint([s], pending);
      const [mint, red] = await oneBlock(f, () => [f.vault.write.mint([s, me(f)], as(f)), f.vault.write.redeem([s, me(f), me(f)], as(f))]);
      expect(preview >= mint.assets, `previewMint(${s})`).to.equal(true);
      expect(red.assets <= mint.assets, `redeem(mint(${s}))`).to.equal(true);
    });

    property("previewWithdraw(a) >= shares withdraw(a) burns, and withdraw(a) after deposit(a) burns at least what deposit minted (RT deposit/withdraw)", async (f) => {
      const a = assets();
      await f.vault.write.deposit([10n ** 6n, me(f)], { account: f.alice.account }); // room for withdraw's rounding up
      await nextBlock();
      const burns = await f.vault.read.previewWithdraw([a], pending);
      const [dep, wd] = await oneBlock(f, () => [f.vault.write.deposit([a, me(f)], as(f)), f.vault.write.withdraw([a, me(f), me(f)], as(f))]);
      expect(burns >= wd.shares, `previewWithdraw(${a})`).to.equal(true);
      expect(wd.shares >= dep.shares, `withdraw(${a}) burnt ${wd.shares}, deposit minted ${dep.shares}`).to.equal(true);
    });

    property("redeem(s) then deposit(those assets) mints <= s, and mint(s) then costs >= them (RT redeem/deposit, redeem/mint)", async (f) => {
      const a = assets();
      await f.vault.write.deposit([a * 2n + 10n ** 6n, me(f)], { account: f.alice.account });
      const s = (await f.vault.read.balanceOf([me(f)])) / 2n;
      await nextBlock();
      const got = await f.vault.read.previewRedeem([s], pending);
      const [red, dep] = await oneBlock(f, () => [f.vault.write.redeem([s, me(f), me(f)], as(f)), f.vault.write.deposit([got, me(f)], as(f))]);
      expect(red.assets).to.equal(got);
      expect(dep.shares <= s, `deposit(redeem(${s}))`).to.equal(true);
      await nextBlock();
      const [red2, mint] = await oneBlock(f, () => [f.vault.write.redeem([s, me(f), me(f)], as(f)), f.vault.write.mint([s, me(f)], as(f))]);
      expect(mint.assets >= red2.assets, `mint(s) ${mint.assets} < redeem(s) ${red2.assets}`).to.equal(true);
    });

    property("withdraw(a) then mint(those shares) costs >= a, and deposit(a) mints <= them (RT withdraw/mint, withdraw/deposit)", async (f) => {
      const a = assets();
      await f.vault.write.deposit([a * 3n + 10n ** 6n, me(f)], { account: f.alice.account });
      await nextBlock();
      const burnt = await f.vault.read.previewWithdraw([a], pending);
      const [wd, mint] = await oneBlock(f, () => [f.vault.write.withdraw([a, me(f), me(f)], as(f)), f.vault.write.mint([burnt, me(f)], as(f))]);
      expect(wd.shares).to.equal(burnt);
      expect(mint.assets >= a, `mint(withdraw(${a}))`).to.equal(true);
      await nextBlock();
      const burnt2 = await f.vault.read.previewWithdraw([a], pending);
      const [, dep] = await oneBlock(f, () => [f.vault.write.withdraw([a, me(f), me(f)], as(f)), f.vault.write.deposit([a, me(f)], as(f))]);
      expect(dep.shares <= burnt2, `deposit(a) after withdraw(a)`).to.equal(true);
    });

    property("max*: maxWithdraw and maxRedeem can be taken and are within the owner's balance; one more reverts", async (f) => {
      const a = assets();
      await f.vault.write.deposit([a, me(f)], { account: f.alice.account });
      await nextBlock();
      const balance = await f.vault.read.balanceOf([me(f)], pending);
      const maxRedeem = await f.vault.read.maxRedeem([me(f)], pending);
      const maxWithdraw = await f.vault.read.maxWithdraw([me(f)], pending);
      expect(maxRedeem <= balance).to.equal(true);
      expect(maxWithdraw <= (await f.vault.read.convertToAssets([balance], pending))).to.equal(true);
      expect(await f.vault.read.maxDeposit([me(f)], pending)).to.equal(MAX);
      await viem.assertions.revertWithCustomError(f.vault.simulate.withdraw([maxWithdraw + 1n, me(f), me(f)], { account: f.alice.account.address, ...pending }), f.vault, "ERC4626ExceededMaxWithdraw");
      const [wd] = await oneBlock(f, () => [f.vault.write.withdraw([maxWithdraw, me(f), me(f)], as(f))]);
      expect(wd.assets).to.equal(maxWithdraw);
      expect(await f.vault.read.balanceOf([me(f)])).to.equal(balance - wd.shares);
    });

    property("conversions round down and never profit a round trip: convertToAssets(convertToShares(a)) <= a and convertToShares(convertToAssets(s)) <= s", async (f) => {
      const a = assets();
      const s = shares();
      expect(await f.vault.read.convertToAssets([await f.vault.read.convertToShares([a])])).to.satisfy((x: bigint) => x <= a);
      expect(await f.vault.read.convertToShares([await f.vault.read.convertToAssets([s])])).to.satisfy((x: bigint) => x <= s);
      expect(await f.vault.read.previewDeposit([a])).to.equal(await f.vault.read.convertToShares([a]));
      expect(await f.vault.read.previewRedeem([s])).to.equal(await f.vault.read.convertToAssets([s]));
    });
  });
}
