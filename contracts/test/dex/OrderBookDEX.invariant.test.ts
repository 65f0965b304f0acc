import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, type Address, type Hash } from "viem";
import { eventsOf, MAX, prng } from "../helpers.js";

/**
 * Invariant run: a seeded random sequence of orders, cancels, blocklist changes and credit
 * claims on three pairs: CHG/QUO (the base charges its 0.3% fee on the DEX), EXM/QUO (the
 * DEX is fee-exempt) and EXM/BUSD (the quote token has a blocklist, so some maker payouts are
 * refused and become credits). Checked step by step against a plain reference model:
 *  - every event (placed size, each fill's maker order, price and lots, deferred payouts,
 *    cancellations) is what the model predicts: the book matches by price then time, and no
 *    order fills twice or after it closed;
 *  - escrow: the DEX holds exactly the sum of its open orders plus unclaimed credits, per token;
 *  - supply: traders + DEX + treasury hold the whole supply of each token.
 * At the end everyone is unblocked, claims and cancels, and the DEX holds nothing.
 */
const STEPS = Number(process.env.DEX_INVARIANT_STEPS ?? 500);
const SEED = Number(process.env.DEX_INVARIANT_SEED ?? 0x5eed);

const { viem } = await network.create();
const publicClient = await viem.getPublicClient();

const LOT = 1_000n;
const FEE_BPS = 30n;

type ModelOrder = { id: bigint; pairId: number; maker: Address; isBuy: boolean; price: bigint; lots: bigint; placed: bigint; filled: bigint };

describe("OrderBookDEX invariants", function () {
  this.timeout(300_000);

  it(`when ${STEPS} random orders, cancels, blocks and claims run on fee-charged, fee-exempt and blocklist pairs, then matching equals the price-time reference, escrow equals open orders plus credits and supply is conserved`, async () => {
    const [admin, treasury, ...traders] = (await viem.getWalletClients()).slice(0, 7);
    const charged = await viem.deployContract("AssetToken", ["Charged", "CHG", 18, admin.account.address, treasury.account.address, FEE_BPS]);
    const exempt = await viem.deployContract("AssetToken", ["Exempt", "EXM", 18, admin.account.address, treasury.account.address, FEE_BPS]);
    const quote = await viem.deployContract("AssetToken", ["Quote", "QUO", 6, admin.account.address, treasury.account.address, 0n]);
    const busd = await viem.deployContract("BlocklistToken");
    const dex = await viem.deployContract("OrderBookDEX");
    await exempt.write.setFeeExempt([dex.address, true]);
    await dex.write.createPair([charged.address, quote.address, LOT, 1n]); // pair 1
    await dex.write.createPair([exempt.address, quote.address, LOT, 1n]); // pair 2
    await dex.write.createPair([exempt.address, busd.address, LOT, 1n]); // pair 3
    const baseOf: Record<number, Address> = { 1: getAddress(charged.address), 2: getAddress(exempt.address), 3: getAddress(exempt.address) };
    const quoteOf: Record<number, Address> = { 1: getAddress(quote.address), 2: getAddress(quote.address), 3: getAddress(busd.address) };
    for (const trader of traders) {
      for (const token of [charged, exempt, quote]) {
        await token.write.mint([trader.account.address, 10n ** 15n]);
        await token.write.approve([dex.address, MAX], { account: trader.account });
      }
      await busd.write.mint([trader.account.address, 10n ** 15n]);
      await busd.write.approve([dex.address, MAX], { account: trader.account });
    }
    const tokens = [
      { address: getAddress(charged.address), read: charged.read },
      { address: getAddress(exempt.address), read: exempt.read },
      { address: getAddress(quote.address), read: quote.read },
      { address: getAddress(busd.address), read: busd.read },
    ];
    const supplies = await Promise.all(tokens.map((t) => t.read.totalSupply()));
    const holders = [...traders.map((t) => t.account.address), dex.address, treasury.account.address];
    const walletOf = (address: Address) => traders.find((t) => getAddress(t.account.address) === address)!;

    const random = prng(SEED);
    const open = new Map<bigint, ModelOrder>();
    const closed = new Set<bigint>();
    const blocked = new Set<Address>();
    const credits = new Map<Address, bigint>(); // BUSD credits, the only token that refuses payouts
    let nextId = 1n;
    const counts = { fills: 0, cancels: 0, rejections: 0, deferred: 0, claims: 0 };

    const better = (isBuy: boolean, a: ModelOrder, b: ModelOrder) =>
      a.price !== b.price ? (isBuy ? a.price > b.price : a.price < b.price) : a.id < b.id;
    const bestOpposite = (pairId: number, takerIsBuy: boolean) => {
      let best: ModelOrder | undefined;
      for (const o of open.values()) {
        if (o.pairId === pairId && o.isBuy !== takerIsBuy && (!best || better(o.isBuy, o, best))) best = o;
      }
      return best;
    };
    const crosses = (isBuy: boolean, resting: bigint, limit: bigint) => (isBuy ? resting <= limit : resting >= limit);
    /** The token an open order's escrow is in, and so the token of its refund. */
    const escrowToken = (o: ModelOrder) => (o.isBuy ? quoteOf[o.pairId] : baseOf[o.pairId]);

    async function checkHoldings(step: number) {
      const context = `step ${step} (seed ${SEED})`;
      const owed = new Map<Address, bigint>(tokens.map((t) => [t.address, 0n]));
      for (const o of open.values()) owed.set(escrowToken(o), owed.get(escrowToken(o))! + o.lots * (o.isBuy ? o.price : LOT));
      for (const credit of credits.values()) owed.set(quoteOf[3], owed.get(quoteOf[3])! + credit);
      for (const [i, token] of tokens.entries()) {
        expect(await token.read.balanceOf([dex.address]), `escrow + credits of token ${i}, ${context}`).to.equal(owed.get(token.address));
        const held = (await Promise.all(holders.map((h) => token.read.balanceOf([h])))).reduce((a, b) => a + b, 0n);
        expect(held, `supply of token ${i}, ${context}`).to.equal(supplies[i]);
      }
    }

    async function checkBook(step: number) {
      for (const o of open.values()) {
        const onChain = await dex.read.getOrder([o.id]);
        expect([onChain.maker, onChain.isBuy, onChain.price, onChain.lots], `order ${o.id} at step ${step}`).to.deep.equal([o.maker, o.isBuy, o.price, o.lots]);
      }
      for (const pairId of [1, 2, 3]) {
        const bids = [...open.values()].filter((o) => o.pairId === pairId && o.isBuy).map((o) => o.price);
        const asks = [...open.values()].filter((o) => o.pairId === pairId && !o.isBuy).map((o) => o.price);
        const bestBid = bids.reduce((a, b) => (b > a ? b : a), 0n);
        const bestAsk = asks.reduce((a, b) => (a === 0n || b < a ? b : a), 0n);
        expect(await dex.read.bestPrices([pairId]), `best prices of pair ${pairId} at step ${step}`).to.deep.equal([bestBid, bestAsk]);
        if (bestBid && bestAsk) expect(bestBid < bestAsk, `book of pair ${pairId} crossed at step ${step}`).to.equal(true);
      }
      for (const trader of traders) {
        const address = getAddress(trader.account.address);
        expect(await dex.read.creditOf([address, quoteOf[3]]), `credit of ${address} at step ${step}`).to.equal(credits.get(address) ?? 0n);
      }
    }

    async function place(step: number) {
      // Takers are never blocked: a taker who cannot receive its proceeds cannot trade at all.
      const trader = random.pick(traders.filter((t) => !blocked.has(getAddress(t.account.address))));
      const maker = getAddress(trader.account.address);
      const pairId = random.pick([1, 2, 3, 3] as const); // the blocklist pair twice as often
      const isBuy = random.next() < 0.5;
      const price = BigInt(random.int(95, 105));
      const lots = BigInt(random.int(1, 12));
      const maxFills = BigInt(random.pick([0, 1, 2, 3, 5, 10]));
      const hint = random.next() < 0.3 ? BigInt(random.int(90, 110)) : 0n;
      // Escrow that arrives: the charged base loses its fee on the way in (sells on pair 1 only).
      const unit = isBuy ? price : LOT;
      const sent = lots * unit;
      const received = !isBuy && pairId === 1 ? sent - (sent * FEE_BPS) / 10_000n : sent;
      const sized = received / unit < lots ? received / unit : lots;
      const call = dex.write.placeOrder([pairId, isBuy, price, lots, maxFills, hint], { account: trader.account });
      if (sized === 0n) {
        await viem.assertions.revertWithCustomErrorWithArgs(call, dex, "DexOrderTooSmall", [received, unit]);
        counts.rejections++;
        return;
      }
      const id = nextId++;
      const expected: unknown[] = [["OrderPlaced", id, sized]];
      const taker: ModelOrder = { id, pairId, maker, isBuy, price, lots: sized, placed: sized, filled: 0n };
      for (let n = 0n; n < maxFills && taker.lots > 0n; n++) {
        const resting = bestOpposite(pairId, isBuy);
        if (!resting || !crosses(isBuy, resting.price, price)) break;
        const fill = resting.lots < taker.lots ? resting.lots : taker.lots;
        resting.lots -= fill;
        resting.filled += fill;
        taker.lots -= fill;
        taker.filled += fill;
        expect(resting.filled <= resting.placed, `order ${resting.id} filled beyond its size`).to.equal(true);
        expected.push(["OrderFilled", resting.id, id, resting.price, fill]);
        // A selling maker on pair 3 is paid in BUSD: refused while blocked, so it is credited.
        if (pairId === 3 && !resting.isBuy && blocked.has(resting.maker)) {
          const amount = fill * resting.price;
          credits.set(resting.maker, (credits.get(resting.maker) ?? 0n) + amount);
          expected.push(["PayoutDeferred", resting.maker, quoteOf[3], amount]);
        }
        if (resting.lots === 0n) {
          open.delete(resting.id);
          closed.add(resting.id);
        }
      }
      if (taker.lots > 0n) {
        const resting = bestOpposite(pairId, isBuy);
        if (resting && crosses(isBuy, resting.price, price)) {
          expected.push(["OrderCancelled", id, taker.lots]);
          closed.add(id);
        } else open.set(id, taker);
      } else closed.add(id);
      const hash: Hash = await call;
      const actual = (await eventsOf(publicClient, dex.abi, hash)).map((e) => {
        switch (e.eventName) {
          case "OrderPlaced":
            return ["OrderPlaced", e.args.orderId, e.args.lots];
          case "OrderFilled":
            counts.fills++;
            return ["OrderFilled", e.args.makerOrderId, e.args.takerOrderId, e.args.price, e.args.lots];
          case "PayoutDeferred":
            counts.deferred++;
            return ["PayoutDeferred", e.args.account, e.args.token, e.args.amount];
          case "OrderCancelled":
            return ["OrderCancelled", e.args.orderId, e.args.lots];
          default:
            return [e.eventName];
        }
      });
      expect(actual, `events of order ${id} at step ${step} (seed ${SEED})`).to.deep.equal(expected);
    }

    for (let step = 1; step <= STEPS; step++) {
      const action = random.next();
      // Orders whose refund can be delivered: a blocked maker cannot receive BUSD back.
      const cancellable = [...open.values()].filter((o) => !(blocked.has(o.maker) && escrowToken(o) === quoteOf[3]));
      if (action < 0.58 || cancellable.length === 0) {
        await place(step);
      } else if (action < 0.78) {
        const order = random.pick(cancellable);
        await viem.assertions.emitWithArgs(dex.write.cancelOrder([order.id], { account: walletOf(order.maker).account }), dex, "OrderCancelled", [
          order.id,
          order.maker,
          order.lots,
        ]);
        open.delete(order.id);
        closed.add(order.id);
        counts.cancels++;
      } else if (action < 0.83) {
        const order = random.pick(cancellable);
        const stranger = traders.find((t) => getAddress(t.account.address) !== order.maker)!;
        await viem.assertions.revertWithCustomErrorWithArgs(dex.write.cancelOrder([order.id], { account: stranger.account }), dex, "DexNotOrderMaker", [
          order.id,
          getAddress(stranger.account.address),
        ]);
        counts.rejections++;
      } else if (action < 0.86 && closed.size > 0) {
        // A closed order (filled or cancelled) can be neither cancelled nor filled again.
        const id = random.pick([...closed]);
        await viem.assertions.revertWithCustomErrorWithArgs(dex.write.cancelOrder([id], { account: traders[0].account }), dex, "DexOrderNotFound", [id]);
        counts.rejections++;
      } else if (action < 0.93) {
        // Block someone on BUSD (preferably a maker with asks on pair 3, whose payouts it will
        // refuse), or unblock someone; at most two of the five are blocked at a time.
        let address: Address;
        if (blocked.size === 0 || (blocked.size < 2 && random.next() < 0.6)) {
          const unblocked = traders.map((t) => getAddress(t.account.address)).filter((a) => !blocked.has(a));
          const sellers = unblocked.filter((a) => [...open.values()].some((o) => o.maker === a && o.pairId === 3 && !o.isBuy));
          address = random.pick(sellers.length > 0 ? sellers : unblocked);
          blocked.add(address);
        } else {
          address = random.pick([...blocked]);
          blocked.delete(address);
        }
        await busd.write.setBlocked([address, blocked.has(address)]);
      } else {
        const unblocked = traders.map((t) => getAddress(t.account.address)).filter((a) => !blocked.has(a));
        const owed = unblocked.filter((a) => (credits.get(a) ?? 0n) > 0n);
        const claimant = random.pick(owed.length > 0 && random.next() < 0.7 ? owed : unblocked);
        const credit = credits.get(claimant) ?? 0n;
        const call = dex.write.claimCredit([quoteOf[3]], { account: walletOf(claimant).account });
        if (credit === 0n) {
          await viem.assertions.revertWithCustomErrorWithArgs(call, dex, "DexNothingToClaim", [claimant, quoteOf[3]]);
        } else {
          await viem.assertions.emitWithArgs(call, dex, "CreditClaimed", [claimant, quoteOf[3], credit]);
          credits.delete(claimant);
          counts.claims++;
        }
      }
      await checkHoldings(step);
      if (step % 50 === 0) await checkBook(step);
    }
    await checkBook(STEPS);

    // Everyone is unblocked, claims and cancels what is left: the DEX ends holding nothing.
    for (const address of blocked) await busd.write.setBlocked([address, false]);
    blocked.clear();
    for (const [address] of credits) await dex.write.claimCredit([quoteOf[3]], { account: walletOf(address).account });
    credits.clear();
    for (const order of [...open.values()]) {
      await dex.write.cancelOrder([order.id], { account: walletOf(order.maker).account });
      open.delete(order.id);
    }
    await checkHoldings(STEPS + 1);
    for (const token of tokens) expect(await token.read.balanceOf([dex.address])).to.equal(0n);
    console.log(`      DEX invariant run (seed ${SEED}): ${JSON.stringify(counts)}`);
    // The run exercised what it claims to.
    expect(counts.fills, "fills").to.be.greaterThan(STEPS / 5);
    expect(counts.cancels, "cancels").to.be.greaterThan(STEPS / 10);
    expect(counts.rejections, "rejections").to.be.greaterThan(5);
    expect(counts.deferred, "deferred payouts").to.be.greaterThan(0);
    expect(counts.claims, "claims").to.be.greaterThan(0);
  });
});
