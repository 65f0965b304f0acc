import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, type Address, type Hash } from "viem";
import { eventsOf, MAX, prng } from "../helpers.js";

/**
 * Invariant run: a seeded random sequence of orders and cancels on two pairs (one whose base
 * token charges its 0.3% fee on the DEX, one where the DEX is fee-exempt), checked step by step
 * against a plain reference model of price-time priority. After every step:
 *  - every event (placed size, each fill's maker order, price and lots, cancellations) is what
 *    the model predicts: the book matches by price then time, and no order fills twice or after
 *    it closed;
 *  - escrow: the DEX holds exactly the sum of its open orders, per token;
 *  - supply: traders + DEX + treasury hold the whole supply of each token.
 */
const STEPS = Number(process.env.DEX_INVARIANT_STEPS ?? 400);
const SEED = Number(process.env.DEX_INVARIANT_SEED ?? 0x5eed);

const { viem } = await network.create();
const publicClient = await viem.getPublicClient();

const LOT = 1_000n;
const FEE_BPS = 30n;

type ModelOrder = { id: bigint; pairId: number; maker: Address; isBuy: boolean; price: bigint; lots: bigint; placed: bigint; filled: bigint };

describe("OrderBookDEX invariants", function () {
  this.timeout(300_000);

  it(`when ${STEPS} random orders and cancels run on a fee-charged and a fee-exempt pair, then matching equals the price-time reference, escrow equals open orders and supply is conserved`, async () => {
    const [admin, treasury, ...traders] = (await viem.getWalletClients()).slice(0, 7);
    const charged = await viem.deployContract("AssetToken", ["Charged", "CHG", 18, admin.account.address, treasury.account.address, FEE_BPS]);
    const exempt = await viem.deployContract("AssetToken", ["Exempt", "EXM", 18, admin.account.address, treasury.account.address, FEE_BPS]);
    const quote = await viem.deployContract("AssetToken", ["Quote", "QUO", 6, admin.account.address, treasury.account.address, 0n]);
    const dex = await viem.deployContract("OrderBookDEX");
    await exempt.write.setFeeExempt([dex.address, true]);
    await dex.write.createPair([charged.address, quote.address, LOT]); // pair 1
    await dex.write.createPair([exempt.address, quote.address, LOT]); // pair 2
    const baseOf = { 1: charged, 2: exempt } as const;
    const tokens = [charged, exempt, quote];
    for (const trader of traders) {
      for (const token of tokens) {
        await token.write.mint([trader.account.address, 10n ** 15n]);
        await token.write.approve([dex.address, MAX], { account: trader.account });
      }
    }
    const supplies = await Promise.all(tokens.map((t) => t.read.totalSupply()));
    const holders = [...traders.map((t) => t.account.address), dex.address, treasury.account.address];

    const random = prng(SEED);
    const open = new Map<bigint, ModelOrder>();
    const closed = new Set<bigint>();
    let nextId = 1n;
    let fills = 0;
    let cancels = 0;
    let rejections = 0;

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

    async function checkHoldings(step: number) {
      const context = `step ${step} (seed ${SEED})`;
      let baseEscrow = { 1: 0n, 2: 0n } as Record<number, bigint>;
      let quoteEscrow = 0n;
      for (const o of open.values()) {
        if (o.isBuy) quoteEscrow += o.lots * o.price;
        else baseEscrow[o.pairId] += o.lots * LOT;
      }
      expect(await charged.read.balanceOf([dex.address]), `base escrow, pair 1, ${context}`).to.equal(baseEscrow[1]);
      expect(await exempt.read.balanceOf([dex.address]), `base escrow, pair 2, ${context}`).to.equal(baseEscrow[2]);
      expect(await quote.read.balanceOf([dex.address]), `quote escrow, ${context}`).to.equal(quoteEscrow);
      for (const [i, token] of tokens.entries()) {
        const held = (await Promise.all(holders.map((h) => token.read.balanceOf([h])))).reduce((a, b) => a + b, 0n);
        expect(held, `supply of token ${i}, ${context}`).to.equal(supplies[i]);
        expect(await token.read.totalSupply()).to.equal(supplies[i]);
      }
    }

    async function checkBook(step: number) {
      for (const o of open.values()) {
        const onChain = await dex.read.getOrder([o.id]);
        expect([onChain.maker, onChain.isBuy, onChain.price, onChain.lots], `order ${o.id} at step ${step}`).to.deep.equal([
          o.maker,
          o.isBuy,
          o.price,
          o.lots,
        ]);
      }
      for (const pairId of [1, 2]) {
        const bids = [...open.values()].filter((o) => o.pairId === pairId && o.isBuy).map((o) => o.price);
        const asks = [...open.values()].filter((o) => o.pairId === pairId && !o.isBuy).map((o) => o.price);
        const bestBid = bids.reduce((a, b) => (b > a ? b : a), 0n);
        const bestAsk = asks.reduce((a, b) => (a === 0n || b < a ? b : a), 0n);
        expect(await dex.read.bestPrices([pairId]), `best prices of pair ${pairId} at step ${step}`).to.deep.equal([bestBid, bestAsk]);
        if (bestBid && bestAsk) expect(bestBid < bestAsk, `book of pair ${pairId} crossed at step ${step}`).to.equal(true);
      }
    }

    for (let step = 1; step <= STEPS; step++) {
      const action = random.next();
      if (action < 0.68 || open.size === 0) {
        const trader = random.pick(traders);
        const maker = getAddress(trader.account.address);
        const pairId = random.pick([1, 2] as const);
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
          rejections++;
          await checkHoldings(step);
          continue;
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
          if (e.eventName === "OrderPlaced") return ["OrderPlaced", e.args.orderId, e.args.lots];
          if (e.eventName === "OrderFilled") {
            fills++;
            return ["OrderFilled", e.args.makerOrderId, e.args.takerOrderId, e.args.price, e.args.lots];
          }
          if (e.eventName === "OrderCancelled") return ["OrderCancelled", e.args.orderId, e.args.lots];
          return [e.eventName];
        });
        expect(actual, `events of order ${id} at step ${step} (seed ${SEED})`).to.deep.equal(expected);
      } else if (action < 0.9) {
        const order = random.pick([...open.values()]);
        const owner = traders.find((t) => getAddress(t.account.address) === order.maker)!;
        await viem.assertions.emitWithArgs(dex.write.cancelOrder([order.id], { account: owner.account }), dex, "OrderCancelled", [
          order.id,
          order.maker,
          order.lots,
        ]);
        open.delete(order.id);
        closed.add(order.id);
        cancels++;
      } else if (action < 0.95 || closed.size === 0) {
        const order = random.pick([...open.values()]);
        const stranger = traders.find((t) => getAddress(t.account.address) !== order.maker)!;
        await viem.assertions.revertWithCustomErrorWithArgs(dex.write.cancelOrder([order.id], { account: stranger.account }), dex, "DexNotOrderMaker", [
          order.id,
          getAddress(stranger.account.address),
        ]);
        rejections++;
      } else {
        // A closed order (filled or cancelled) can be neither cancelled nor filled again.
        const id = random.pick([...closed]);
        await viem.assertions.revertWithCustomErrorWithArgs(dex.write.cancelOrder([id], { account: traders[0].account }), dex, "DexOrderNotFound", [id]);
        rejections++;
      }
      await checkHoldings(step);
      if (step % 50 === 0) await checkBook(step);
    }
    await checkBook(STEPS);

    // Everyone cancels what is left: the DEX ends holding nothing, so no token is stuck.
    for (const order of [...open.values()]) {
      const owner = traders.find((t) => getAddress(t.account.address) === order.maker)!;
      await dex.write.cancelOrder([order.id], { account: owner.account });
      open.delete(order.id);
    }
    await checkHoldings(STEPS + 1);
    for (const token of tokens) expect(await token.read.balanceOf([dex.address])).to.equal(0n);
    // The run exercised what it claims to.
    expect(fills).to.be.greaterThan(STEPS / 4);
    expect(cancels).to.be.greaterThan(STEPS / 10);
    expect(rejections).to.be.greaterThan(5);
  });
});
