// Gas used by the contracts' main operations, measured from transaction receipts on Hardhat's
// in-process EDR chain (osaka rules, optimizer on, via-IR). Prints one JSON line prefixed with
// GAS_REPORT: `node scripts/bench/run.mjs gas` (npm run bench gas) turns it into
// docs/benchmarks.md's gas section.
import { network } from "hardhat";
import type { Hash } from "viem";

const { viem, networkHelpers } = await network.create();
const publicClient = await viem.getPublicClient();
const [admin, treasury, alice, bob, carol] = await viem.getWalletClients();
const MAX = 2n ** 256n - 1n;
const LOT = 10n ** 16n;

const rows: { operation: string; gas: number; note: string }[] = [];
async function measure(operation: string, note: string, hash: Promise<Hash>) {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error(`${operation} reverted`);
  rows.push({ operation, gas: Number(receipt.gasUsed), note });
}

// The order book: an 18-decimal base and a 6-decimal quote, both without a transfer fee.
const base = await viem.deployContract("AssetToken", ["Gold", "TGLD", 18, admin.account.address, treasury.account.address, 0n]);
const quote = await viem.deployContract("AssetToken", ["Dollar", "dUSD", 6, admin.account.address, treasury.account.address, 0n]);
const dex = await viem.deployContract("OrderBookDEX");
await dex.write.createPair([base.address, quote.address, LOT, 1n]);
for (const who of [alice, bob, carol]) {
  for (const token of [base, quote]) {
    await token.write.mint([who.account.address, 10n ** 24n]);
    await token.write.approve([dex.address, MAX], { account: who.account });
  }
}
const place = (who: typeof alice, isBuy: boolean, price: bigint, lots: bigint, maxFills = 10n, hint = 0n) =>
  dex.write.placeOrder([1, isBuy, price, lots, maxFills, hint], { account: who.account });

// Warm the DEX's token balances so no measured row pays for a first-ever balance slot.
await place(carol, false, 999_999n, 1n);
await place(carol, true, 1n, 1n);

await measure("reference: ERC-20 transfer", "AssetToken transfer between two funded holders, no fee", base.write.transfer([bob.account.address, 1n], { account: alice.account }));
await measure("place: rest, new price level", "sell 10 lots into an empty level above the best ask", place(alice, false, 1_000n, 10n));
await measure("place: rest, existing level", "sell 10 lots at a price that already has an order", place(bob, false, 1_000n, 10n));
await measure("place: rest, new level deep in the book", "5 levels above, walked from the best price (no hint)", (async () => {
  for (let i = 1n; i <= 4n; i++) await place(carol, false, 1_000n + i, 1n);
  return place(alice, false, 1_005n, 1n);
})());
await measure("place: same, with a hint", "5 levels above, hint = the level just below", (async () => {
  for (let i = 1n; i <= 4n; i++) await place(carol, false, 2_000n + i, 1n);
  await place(carol, false, 2_000n, 1n);
  return place(alice, false, 2_005n, 1n, 10n, 2_004n);
})());
await measure("place: same, hinted level emptied just before", "as above, but the hinted level was cancelled first: the search resumes from the level that was better", (async () => {
  for (let i = 0n; i <= 4n; i++) await place(carol, false, 3_000n + i, 1n);
  await dex.write.cancelOrder([(await dex.read.nextOrderId()) - 1n], { account: carol.account });
  return place(alice, false, 3_005n, 1n, 10n, 3_004n);
})());
const restingId = (await dex.read.nextOrderId()) - 1n;
await measure("cancel", "cancel a resting order (refund escrow, unlink)", dex.write.cancelOrder([restingId], { account: alice.account }));

// Fresh book for the matching rows.
await dex.write.createPair([base.address, quote.address, LOT * 10n, 1n]);
const place2 = (who: typeof alice, isBuy: boolean, price: bigint, lots: bigint, maxFills = 10n) =>
  dex.write.placeOrder([2, isBuy, price, lots, maxFills, 0n], { account: who.account });
await place2(alice, false, 500n, 5n);
await measure("match: 1 fill (partial)", "buy 3 lots from one resting order of 5", place2(bob, true, 500n, 3n));
await measure("match: 1 fill (complete)", "buy the remaining 2 lots; the maker order and level close", place2(bob, true, 500n, 2n));
for (let i = 0n; i < 10n; i++) await place2(i % 2n ? alice : carol, false, 500n + i, 1n);
await measure("match: 10 fills over 10 levels", "one buy takes 10 one-lot asks at 10 prices, maxFills 10", place2(bob, true, 509n, 10n));
for (let i = 0n; i < 10n; i++) await place2(i % 2n ? alice : carol, false, 600n, 1n);
await measure("match: 10 fills at one level", "one buy takes 10 one-lot asks at one price", place2(bob, true, 600n, 10n));

// The fee-charged path: the DEX measures what arrived and refunds the dust.
await base.write.setTransferFee([25n]);
await measure("place: rest, fee-charged base", "sell 10 lots of a 0.25% fee token: balance-delta sizing, dust refund, and the treasury's first fee (a fresh balance slot); a new level above 16 others (4 more than before issue 18's run, whose rows left fewer levels)", place(alice, false, 4_000n, 10n));
await base.write.setTransferFee([0n]);

// The vault: dUSD into a fixed-rate strategy.
const usd = quote;
const source = await viem.deployContract("FixedRateYieldSource", [usd.address, 500n, admin.account.address]);
const vault = await viem.deployContract("StrategyVault", [usd.address, "Vault", "bgdUSD", admin.account.address, treasury.account.address, 1_000n, 24n * 3600n]);
const strategy = await viem.deployContract("FixedRateStrategy", [usd.address, vault.address, source.address]);
await source.write.setBeneficiary([strategy.address, true]);
await vault.write.setStrategy([strategy.address]);
await usd.write.mint([source.address, 10n ** 12n]);
for (const who of [alice, bob]) await usd.write.approve([vault.address, MAX], { account: who.account });

await measure("vault: first deposit", "first depositor ever (fresh share balance and principal slots)", vault.write.deposit([10_000n * 10n ** 6n, alice.account.address], { account: alice.account }));
await measure("vault: deposit", "a later deposit by an existing holder", vault.write.deposit([5_000n * 10n ** 6n, alice.account.address], { account: alice.account }));
await vault.write.deposit([5_000n * 10n ** 6n, bob.account.address], { account: bob.account });
await networkHelpers.time.increase(30 * 24 * 3600);
await measure("vault: harvest", "30 days of yield (already in the share price as it accrued) collected from the source, 10% fee to the treasury, nothing to lock", vault.write.harvest());
await networkHelpers.time.increase(24 * 3600);
await measure("vault: withdraw", "withdraw part (assets from the strategy)", vault.write.withdraw([1_000n * 10n ** 6n, alice.account.address, alice.account.address], { account: alice.account }));
await measure("vault: redeem all", "redeem every share", vault.write.redeem([await vault.read.balanceOf([bob.account.address]), bob.account.address, bob.account.address], { account: bob.account }));
await measure("vault: claimYield", "take the yield, principal stays", vault.write.claimYield([alice.account.address], { account: alice.account }));

console.log("GAS_REPORT " + JSON.stringify(rows));
