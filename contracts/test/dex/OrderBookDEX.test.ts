import { expect } from "chai";
import { network } from "hardhat";
import { encodeFunctionData, getAddress, zeroAddress, type Hash } from "viem";
import { eventsOf, MAX } from "../helpers.js";

const { viem, networkHelpers } = await network.create();
const publicClient = await viem.getPublicClient();

/** 0.001 of an 18-decimal base token per lot; prices are quote atoms (6 decimals) per lot. */
const LOT = 10n ** 15n;

describe("OrderBookDEX", () => {
  async function deployDex() {
    const [admin, treasury, alice, bob, carol, dave] = await viem.getWalletClients();
    const base = await viem.deployContract("AssetToken", ["Tokenized Gold", "tGOLD", 18, admin.account.address, treasury.account.address, 0n]);
    const quote = await viem.deployContract("AssetToken", ["Demo Dollar", "dUSD", 6, admin.account.address, treasury.account.address, 0n]);
    const dex = await viem.deployContract("OrderBookDEX");
    await dex.write.createPair([base.address, quote.address, LOT, 1n]);
    const traders = [alice, bob, carol, dave];
    for (const trader of traders) {
      await base.write.mint([trader.account.address, 10n ** 21n]);
      await quote.write.mint([trader.account.address, 10n ** 12n]);
      await base.write.approve([dex.address, MAX], { account: trader.account });
      await quote.write.approve([dex.address, MAX], { account: trader.account });
    }
    return { dex, base, quote, admin, treasury, alice, bob, carol, dave };
  }

  type Wallet = Awaited<ReturnType<typeof deployDex>>["alice"];
  type Fixture = Awaited<ReturnType<typeof deployDex>>;

  function place(f: Fixture, who: Wallet, isBuy: boolean, price: bigint, lots: bigint, maxFills = 10n, hint = 0n): Promise<Hash> {
    return f.dex.write.placeOrder([1, isBuy, price, lots, maxFills, hint], { account: who.account });
  }

  async function events(f: Fixture, hash: Hash | Promise<Hash>) {
    return eventsOf(publicClient, f.dex.abi, await hash);
  }

  async function balances(f: Fixture, who: string) {
    return { base: await f.base.read.balanceOf([who as `0x${string}`]), quote: await f.quote.read.balanceOf([who as `0x${string}`]) };
  }

  describe("createPair", () => {
    it("when a pair is listed, then it gets the next id and can be read back by id and by tokens", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      await viem.assertions.emitWithArgs(f.dex.write.createPair([f.quote.address, f.base.address, 7n, 3n]), f.dex, "PairCreated", [
        2,
        getAddress(f.quote.address),
        getAddress(f.base.address),
        7n,
        3n,
      ]);
      expect(await f.dex.read.pairCount()).to.equal(2);
      expect(await f.dex.read.pairIdOf([f.base.address, f.quote.address, LOT])).to.equal(1);
      expect(await f.dex.read.pairIdOf([f.base.address, f.quote.address, 7n])).to.equal(0);
      const pair = await f.dex.read.getPair([2]);
      expect(pair).to.deep.equal({ base: getAddress(f.quote.address), lotSize: 7n, quote: getAddress(f.base.address), minLots: 3n });
    });

    it("when the pair is invalid or already listed, then it reverts with DexInvalidPair / DexZeroLotSize / DexPairExists", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      await viem.assertions.revertWithCustomErrorWithArgs(f.dex.write.createPair([f.base.address, f.base.address, LOT, 1n]), f.dex, "DexInvalidPair", [
        getAddress(f.base.address),
        getAddress(f.base.address),
      ]);
      await viem.assertions.revertWithCustomErrorWithArgs(f.dex.write.createPair([zeroAddress, f.quote.address, LOT, 1n]), f.dex, "DexInvalidPair", [
        zeroAddress,
        getAddress(f.quote.address),
      ]);
      await viem.assertions.revertWithCustomErrorWithArgs(f.dex.write.createPair([f.base.address, zeroAddress, LOT, 1n]), f.dex, "DexInvalidPair", [
        getAddress(f.base.address),
        zeroAddress,
      ]);
      await viem.assertions.revertWithCustomError(f.dex.write.createPair([f.base.address, f.quote.address, 0n, 1n]), f.dex, "DexZeroLotSize");
      await viem.assertions.revertWithCustomError(f.dex.write.createPair([f.base.address, f.quote.address, 5n, 0n]), f.dex, "DexZeroLots");
      await viem.assertions.revertWithCustomErrorWithArgs(f.dex.write.createPair([f.base.address, f.quote.address, LOT, 1n]), f.dex, "DexPairExists", [1]);
    });

    it("when an unknown pair is read or traded, then it reverts with DexPairNotFound(pairId)", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      await viem.assertions.revertWithCustomErrorWithArgs(f.dex.read.getPair([0]), f.dex, "DexPairNotFound", [0]);
      await viem.assertions.revertWithCustomErrorWithArgs(f.dex.read.getPair([2]), f.dex, "DexPairNotFound", [2]);
      await viem.assertions.revertWithCustomErrorWithArgs(f.dex.read.bestPrices([2]), f.dex, "DexPairNotFound", [2]);
      await viem.assertions.revertWithCustomErrorWithArgs(f.dex.read.getLevel([2, true, 1n]), f.dex, "DexPairNotFound", [2]);
      await viem.assertions.revertWithCustomErrorWithArgs(f.dex.read.depth([2, true, 1n]), f.dex, "DexPairNotFound", [2]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.dex.write.placeOrder([9, true, 1n, 1n, 1n, 0n], { account: f.alice.account }),
        f.dex,
        "DexPairNotFound",
        [9],
      );
    });
  });

  describe("placeOrder", () => {
    it("when a buy does not cross, then it rests with its escrow of lots x price in quote", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      const before = await balances(f, f.alice.account.address);
      await viem.assertions.emitWithArgs(place(f, f.alice, true, 100n, 5n), f.dex, "OrderPlaced", [1n, 1, getAddress(f.alice.account.address), true, 100n, 5n]);
      expect((await balances(f, f.alice.account.address)).quote).to.equal(before.quote - 500n);
      expect(await f.quote.read.balanceOf([f.dex.address])).to.equal(500n);
      expect(await f.dex.read.getOrder([1n])).to.deep.equal({
        maker: getAddress(f.alice.account.address),
        next: 0n,
        pairId: 1,
        isBuy: true,
        price: 100n,
        lots: 5n,
        prev: 0n,
      });
      expect(await f.dex.read.bestPrices([1])).to.deep.equal([100n, 0n]);
      expect(await f.dex.read.getLevel([1, true, 100n])).to.deep.equal({ head: 1n, tail: 1n, better: 0n, worse: 0n });
      expect(await f.dex.read.nextOrderId()).to.equal(2n);
    });

    it("when a sell does not cross, then it rests with its escrow of lots x lotSize in base", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      await place(f, f.bob, false, 120n, 3n);
      expect(await f.base.read.balanceOf([f.dex.address])).to.equal(3n * LOT);
      expect(await f.dex.read.bestPrices([1])).to.deep.equal([0n, 120n]);
    });

    it("when the price or the size is zero, then it reverts with DexZeroPrice / DexZeroLots", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      await viem.assertions.revertWithCustomError(place(f, f.alice, true, 0n, 1n), f.dex, "DexZeroPrice");
      await viem.assertions.revertWithCustomError(place(f, f.alice, true, 1n, 0n), f.dex, "DexZeroLots");
    });

    it("when the maker cannot pay the escrow, then the token's error surfaces and nothing is booked", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      await viem.assertions.revertWithCustomError(place(f, f.alice, true, 10n ** 12n, 2n), f.quote, "ERC20InsufficientBalance");
      expect(await f.dex.read.nextOrderId()).to.equal(1n);
    });

    it("when a buy crosses several asks, then it fills best price first and oldest first within a price, at the resting prices", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      await place(f, f.alice, false, 101n, 5n); // order 1
      await place(f, f.bob, false, 100n, 5n); // order 2
      await place(f, f.carol, false, 100n, 5n); // order 3, after bob at the same price
      const before = {
        alice: await balances(f, f.alice.account.address),
        bob: await balances(f, f.bob.account.address),
        carol: await balances(f, f.carol.account.address),
        dave: await balances(f, f.dave.account.address),
      };
      const hash = await place(f, f.dave, true, 101n, 12n); // order 4
      const fills = (await events(f, hash)).filter((e) => e.eventName === "OrderFilled").map((e) => e.args);
      const dave = getAddress(f.dave.account.address);
      expect(fills).to.deep.equal([
        { pairId: 1, makerOrderId: 2n, takerOrderId: 4n, maker: getAddress(f.bob.account.address), taker: dave, takerIsBuy: true, price: 100n, lots: 5n, baseAmount: 5n * LOT, quoteAmount: 500n },
        { pairId: 1, makerOrderId: 3n, takerOrderId: 4n, maker: getAddress(f.carol.account.address), taker: dave, takerIsBuy: true, price: 100n, lots: 5n, baseAmount: 5n * LOT, quoteAmount: 500n },
        { pairId: 1, makerOrderId: 1n, takerOrderId: 4n, maker: getAddress(f.alice.account.address), taker: dave, takerIsBuy: true, price: 101n, lots: 2n, baseAmount: 2n * LOT, quoteAmount: 202n },
      ]);
      // The taker escrowed 12 x 101 = 1,212 and paid 1,202: the price improvement came back.
      expect(await balances(f, f.dave.account.address)).to.deep.equal({ base: before.dave.base + 12n * LOT, quote: before.dave.quote - 1_202n });
      expect((await balances(f, f.bob.account.address)).quote).to.equal(before.bob.quote + 500n);
      expect((await balances(f, f.carol.account.address)).quote).to.equal(before.carol.quote + 500n);
      expect((await balances(f, f.alice.account.address)).quote).to.equal(before.alice.quote + 202n);
      expect((await f.dex.read.getOrder([1n])).lots).to.equal(3n);
      await viem.assertions.revertWithCustomErrorWithArgs(f.dex.read.getOrder([2n]), f.dex, "DexOrderNotFound", [2n]);
      await viem.assertions.revertWithCustomErrorWithArgs(f.dex.read.getOrder([4n]), f.dex, "DexOrderNotFound", [4n]);
      expect(await f.base.read.balanceOf([f.dex.address])).to.equal(3n * LOT);
      expect(await f.quote.read.balanceOf([f.dex.address])).to.equal(0n);
      expect(await f.dex.read.bestPrices([1])).to.deep.equal([0n, 101n]);
    });

    it("when a sell crosses bids, then it fills the highest bid first and the seller receives quote at the bid prices", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      await place(f, f.alice, true, 99n, 5n); // 1
      await place(f, f.bob, true, 100n, 5n); // 2
      const before = await balances(f, f.carol.account.address);
      const hash = await place(f, f.carol, false, 99n, 7n);
      const fills = (await events(f, hash)).filter((e) => e.eventName === "OrderFilled").map((e) => [e.args.makerOrderId, e.args.price, e.args.lots]);
      expect(fills).to.deep.equal([
        [2n, 100n, 5n],
        [1n, 99n, 2n],
      ]);
      expect(await balances(f, f.carol.account.address)).to.deep.equal({ base: before.base - 7n * LOT, quote: before.quote + 698n });
      expect((await balances(f, f.bob.account.address)).base).to.equal(10n ** 21n + 5n * LOT);
      expect(await f.quote.read.balanceOf([f.dex.address])).to.equal(3n * 99n);
      expect(await f.base.read.balanceOf([f.dex.address])).to.equal(0n);
    });

    it("when a buy is only partly filled, then its rest rests at its limit and the book's best bid is that price", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      await place(f, f.alice, false, 100n, 4n);
      const [, filled] = (await f.dex.simulate.placeOrder([1, true, 100n, 10n, 10n, 0n], { account: f.dave.account.address })).result;
      expect(filled).to.equal(4n);
      await place(f, f.dave, true, 100n, 10n);
      expect((await f.dex.read.getOrder([2n])).lots).to.equal(6n);
      expect(await f.dex.read.bestPrices([1])).to.deep.equal([100n, 0n]);
      expect(await f.quote.read.balanceOf([f.dex.address])).to.equal(600n);
    });

    it("when the fill limit stops matching while the book still crosses, then the rest is cancelled and refunded instead of resting", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      for (let i = 0; i < 5; i++) await place(f, i % 2 ? f.alice : f.bob, false, 100n, 1n);
      const before = await balances(f, f.dave.account.address);
      const hash = place(f, f.dave, true, 100n, 5n, 3n);
      await viem.assertions.emitWithArgs(hash, f.dex, "OrderCancelled", [6n, getAddress(f.dave.account.address), 2n]);
      expect(await balances(f, f.dave.account.address)).to.deep.equal({ base: before.base + 3n * LOT, quote: before.quote - 300n });
      await viem.assertions.revertWithCustomErrorWithArgs(f.dex.read.getOrder([6n]), f.dex, "DexOrderNotFound", [6n]);
      const [prices, lots, orders] = await f.dex.read.depth([1, false, 5n]);
      expect([prices, lots, orders]).to.deep.equal([[100n], [2n], [2n]]);
      expect(await f.dex.read.bestPrices([1])).to.deep.equal([0n, 100n]);
    });

    it("when maxFills is zero, then a non-crossing order rests and a crossing one is cancelled whole (post-only)", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      await place(f, f.alice, false, 100n, 1n);
      await place(f, f.bob, true, 99n, 2n, 0n);
      expect((await f.dex.read.getOrder([2n])).lots).to.equal(2n);
      const before = await balances(f, f.bob.account.address);
      await viem.assertions.emitWithArgs(place(f, f.bob, true, 100n, 3n, 0n), f.dex, "OrderCancelled", [3n, getAddress(f.bob.account.address), 3n]);
      expect(await balances(f, f.bob.account.address)).to.deep.equal(before);
    });

    it("when levels are inserted with a hint, a wrong hint or none, then each side stays sorted from the best price", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      for (const price of [110n, 100n, 105n]) await place(f, f.alice, false, price, 1n);
      await place(f, f.alice, false, 107n, 1n, 10n, 105n); // a good hint
      await place(f, f.alice, false, 103n, 1n, 10n, 110n); // hint worse than the price: ignored
      await place(f, f.alice, false, 108n, 1n, 10n, 104n); // hint with no level: ignored
      await place(f, f.alice, false, 111n, 2n, 10n, 110n);
      expect((await f.dex.read.depth([1, false, 10n]))[0]).to.deep.equal([100n, 103n, 105n, 107n, 108n, 110n, 111n]);
      for (const price of [90n, 95n, 92n]) await place(f, f.bob, true, price, 1n);
      await place(f, f.bob, true, 91n, 1n, 10n, 92n);
      await place(f, f.bob, true, 96n, 1n, 10n, 90n);
      expect((await f.dex.read.depth([1, true, 10n]))[0]).to.deep.equal([96n, 95n, 92n, 91n, 90n]);
      expect((await f.dex.read.depth([1, true, 2n]))[0]).to.deep.equal([96n, 95n]);
      expect(await f.dex.read.getLevel([1, false, 105n])).to.deep.equal({ head: 3n, tail: 3n, better: 103n, worse: 107n });
    });

    it("when several orders rest at one price, then depth sums their lots and counts them", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      await place(f, f.alice, true, 50n, 2n);
      await place(f, f.bob, true, 50n, 3n);
      await place(f, f.carol, true, 49n, 4n);
      expect(await f.dex.read.depth([1, true, 10n])).to.deep.equal([
        [50n, 49n],
        [5n, 4n],
        [2n, 1n],
      ]);
      expect(await f.dex.read.getLevel([1, true, 50n])).to.deep.equal({ head: 1n, tail: 2n, better: 0n, worse: 49n });
      expect((await f.dex.read.getOrder([1n])).next).to.equal(2n);
      expect((await f.dex.read.getOrder([2n])).prev).to.equal(1n);
    });
  });

  describe("cancelOrder", () => {
    it("when a maker cancels an order in the middle of a level, then its escrow returns and the level keeps time order", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      await place(f, f.alice, true, 100n, 1n); // 1
      await place(f, f.bob, true, 100n, 2n); // 2
      await place(f, f.carol, true, 100n, 3n); // 3
      const before = await balances(f, f.bob.account.address);
      await viem.assertions.emitWithArgs(f.dex.write.cancelOrder([2n], { account: f.bob.account }), f.dex, "OrderCancelled", [
        2n,
        getAddress(f.bob.account.address),
        2n,
      ]);
      expect((await balances(f, f.bob.account.address)).quote).to.equal(before.quote + 200n);
      expect(await f.quote.read.balanceOf([f.dex.address])).to.equal(400n);
      expect((await f.dex.read.getOrder([1n])).next).to.equal(3n);
      expect((await f.dex.read.getOrder([3n])).prev).to.equal(1n);
      // The remaining orders still fill oldest first.
      const hash = await place(f, f.dave, false, 100n, 2n);
      const makers = (await events(f, hash)).filter((e) => e.eventName === "OrderFilled").map((e) => [e.args.makerOrderId, e.args.lots]);
      expect(makers).to.deep.equal([
        [1n, 1n],
        [3n, 1n],
      ]);
    });

    it("when the last order of the best level is cancelled, then the next level becomes the best", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      await place(f, f.alice, false, 100n, 1n); // 1
      await place(f, f.alice, false, 102n, 1n); // 2
      await place(f, f.alice, false, 101n, 1n); // 3
      await f.dex.write.cancelOrder([1n], { account: f.alice.account });
      expect(await f.dex.read.bestPrices([1])).to.deep.equal([0n, 101n]);
      await f.dex.write.cancelOrder([3n], { account: f.alice.account });
      expect(await f.dex.read.getLevel([1, false, 102n])).to.deep.equal({ head: 2n, tail: 2n, better: 0n, worse: 0n });
      await f.dex.write.cancelOrder([2n], { account: f.alice.account });
      expect(await f.dex.read.bestPrices([1])).to.deep.equal([0n, 0n]);
      expect(await f.base.read.balanceOf([f.dex.address])).to.equal(0n);
    });

    it("when someone else's, an unknown, a filled or an already cancelled order is cancelled, then it reverts with DexNotOrderMaker / DexOrderNotFound", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      await place(f, f.alice, true, 100n, 1n); // 1
      await place(f, f.alice, true, 100n, 1n); // 2
      await viem.assertions.revertWithCustomErrorWithArgs(f.dex.write.cancelOrder([1n], { account: f.bob.account }), f.dex, "DexNotOrderMaker", [
        1n,
        getAddress(f.bob.account.address),
      ]);
      await viem.assertions.revertWithCustomErrorWithArgs(f.dex.write.cancelOrder([99n], { account: f.alice.account }), f.dex, "DexOrderNotFound", [99n]);
      await place(f, f.bob, false, 100n, 1n); // fills 1
      await viem.assertions.revertWithCustomErrorWithArgs(f.dex.write.cancelOrder([1n], { account: f.alice.account }), f.dex, "DexOrderNotFound", [1n]);
      await f.dex.write.cancelOrder([2n], { account: f.alice.account });
      await viem.assertions.revertWithCustomErrorWithArgs(f.dex.write.cancelOrder([2n], { account: f.alice.account }), f.dex, "DexOrderNotFound", [2n]);
    });
  });

  describe("minimum order size", () => {
    async function deployMinDex() {
      const f = await deployDex();
      const quote2 = await viem.deployContract("AssetToken", ["Demo Dollar 2", "dUSD2", 6, f.admin.account.address, f.treasury.account.address, 0n]);
      await f.dex.write.createPair([f.base.address, quote2.address, LOT, 10n]); // pair 2, minLots 10
      for (const trader of [f.alice, f.bob, f.carol, f.dave]) {
        await quote2.write.mint([trader.account.address, 10n ** 12n]);
        await quote2.write.approve([f.dex.address, MAX], { account: trader.account });
      }
      return { ...f, quote2 };
    }
    const place2 = (f: Awaited<ReturnType<typeof deployMinDex>>, who: Wallet, isBuy: boolean, price: bigint, lots: bigint, maxFills = 10n, hint = 0n) =>
      f.dex.write.placeOrder([2, isBuy, price, lots, maxFills, hint], { account: who.account });

    it("when an order is below the pair's minimum, then it reverts with DexOrderBelowMinimum(lots, minLots)", async () => {
      const f = await networkHelpers.loadFixture(deployMinDex);
      await viem.assertions.revertWithCustomErrorWithArgs(place2(f, f.dave, false, 999n, 9n), f.dex, "DexOrderBelowMinimum", [9n, 10n]);
    });

    it("when dust-sized orders would sit at the best price, then a large buy with a small fill limit still fills in full from real liquidity", async () => {
      const f = await networkHelpers.loadFixture(deployMinDex);
      await place2(f, f.bob, false, 1_000n, 1_000n); // real liquidity at 1000
      // The cheapest an attacker can now do: orders of the minimum size, each a real fill.
      for (let i = 0; i < 11; i++) await place2(f, f.dave, false, 999n, 10n);
      const before = await f.base.read.balanceOf([f.alice.account.address]);
      await place2(f, f.alice, true, 1_000n, 100n, 10n);
      expect((await f.base.read.balanceOf([f.alice.account.address])) - before).to.equal(100n * LOT);
    });

    it("when a fill leaves a maker order below the minimum, then the remainder is cancelled and its escrow returned, so no dust rests", async () => {
      const f = await networkHelpers.loadFixture(deployMinDex);
      await place2(f, f.dave, false, 999n, 15n); // order 1
      const before = await f.base.read.balanceOf([f.dave.account.address]);
      const logs = await events(f, place2(f, f.alice, true, 999n, 10n));
      const cancelled = logs.filter((e) => e.eventName === "OrderCancelled").map((e) => e.args);
      expect(cancelled).to.deep.equal([{ orderId: 1n, maker: getAddress(f.dave.account.address), lots: 5n }]);
      expect((await f.base.read.balanceOf([f.dave.account.address])) - before).to.equal(5n * LOT);
      expect((await f.dex.read.bestPrices([2]))[1]).to.equal(0n);
      expect(await f.base.read.balanceOf([f.dex.address])).to.equal(0n);
    });

    it("when a taker's rest would be below the minimum, then it is cancelled and refunded instead of resting", async () => {
      const f = await networkHelpers.loadFixture(deployMinDex);
      await place2(f, f.dave, false, 999n, 10n);
      const before = await f.quote2.read.balanceOf([f.alice.account.address]);
      const logs = await events(f, place2(f, f.alice, true, 1_000n, 15n));
      expect(logs.some((e) => e.eventName === "OrderCancelled" && e.args.lots === 5n)).to.equal(true);
      expect(before - (await f.quote2.read.balanceOf([f.alice.account.address]))).to.equal(10n * 999n);
      expect((await f.dex.read.bestPrices([2]))[0]).to.equal(0n);
    });
  });

  describe("stale hints", () => {
    it("when the hinted level was cancelled just before, then placing costs about what a live hint costs, not a walk of the whole side", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      for (let p = 1_000n; p > 900n; p--) await place(f, f.dave, true, p, 1n, 0n);
      const hintId = (await f.dex.read.nextOrderId()) - 1n; // the worst level, price 901
      const snap = await networkHelpers.takeSnapshot();
      const gasOf = async (hash: Hash) => (await publicClient.waitForTransactionReceipt({ hash })).gasUsed;
      const live = await gasOf(await place(f, f.alice, true, 800n, 1n, 0n, 901n));
      await snap.restore();
      await f.dex.write.cancelOrder([hintId], { account: f.dave.account });
      await f.dex.write.cancelOrder([hintId - 1n], { account: f.dave.account }); // price 902 too
      const stale = await gasOf(await place(f, f.alice, true, 800n, 1n, 0n, 901n));
      expect(stale < live + 10_000n, `live hint ${live}, stale hint ${stale}`).to.equal(true);
      // The book is still sorted: the new level sits after 903.
      expect(await f.dex.read.getLevel([1, true, 903n])).to.include({ worse: 800n });
      expect(await f.dex.read.getLevel([1, true, 901n])).to.deep.equal({ head: 0n, tail: 0n, better: 0n, worse: 0n });
    });
  });

  describe("fee-on-transfer tokens", () => {
    it("when the base token charges its fee on the DEX, then a sell is sized by what arrived and escrow stays exact", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      await f.base.write.setTransferFee([100n]); // 1%
      const alice0 = await balances(f, f.alice.account.address);
      const hash = await place(f, f.alice, false, 1_000n, 10n);
      const placed = (await events(f, hash)).find((e) => e.eventName === "OrderPlaced");
      // 10 lots sent, 9.9 lots arrived: the order is for 9, the 0.9 lot returned (and charged again on its way back).
      expect(placed?.args.lots).to.equal(9n);
      expect(await f.base.read.balanceOf([f.dex.address])).to.equal(9n * LOT);
      const dust = 10n * LOT - 10n * LOT / 100n - 9n * LOT;
      expect((await balances(f, f.alice.account.address)).base).to.equal(alice0.base - 10n * LOT + dust - dust / 100n);

      const bob0 = await balances(f, f.bob.account.address);
      await place(f, f.bob, true, 1_000n, 9n);
      // The DEX pays 9 lots gross; the token takes its 1% on the way to the buyer.
      expect((await balances(f, f.bob.account.address)).base).to.equal(bob0.base + 9n * LOT - (9n * LOT) / 100n);
      expect((await balances(f, f.alice.account.address)).quote).to.equal(alice0.quote + 9_000n);
      expect(await f.base.read.balanceOf([f.dex.address])).to.equal(0n);
      expect(await f.quote.read.balanceOf([f.dex.address])).to.equal(0n);
    });

    it("when the quote token charges its fee, then a buy is sized by the quote that arrived", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      await f.quote.write.setTransferFee([50n]); // 0.5%
      const hash = await place(f, f.alice, true, 1_000n, 10n);
      const placed = (await events(f, hash)).find((e) => e.eventName === "OrderPlaced");
      expect(placed?.args.lots).to.equal(9n); // 9,950 arrived: 9 lots of 1,000
      expect(await f.quote.read.balanceOf([f.dex.address])).to.equal(9_000n);
    });

    it("when the fee leaves less than one lot, then it reverts with DexOrderTooSmall(received, unit)", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      await f.base.write.setTransferFee([100n]);
      await viem.assertions.revertWithCustomErrorWithArgs(place(f, f.alice, false, 1_000n, 1n), f.dex, "DexOrderTooSmall", [(LOT * 99n) / 100n, LOT]);
    });

    it("when the DEX is fee-exempt on the same token, then orders keep their full size and payouts arrive whole", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      await f.base.write.setTransferFee([100n]);
      await f.base.write.setFeeExempt([f.dex.address, true]);
      const alice0 = await balances(f, f.alice.account.address);
      const hash = await place(f, f.alice, false, 1_000n, 10n);
      expect((await events(f, hash)).find((e) => e.eventName === "OrderPlaced")?.args.lots).to.equal(10n);
      expect(await f.base.read.balanceOf([f.dex.address])).to.equal(10n * LOT);
      const bob0 = await balances(f, f.bob.account.address);
      await place(f, f.bob, true, 1_000n, 10n);
      expect((await balances(f, f.bob.account.address)).base).to.equal(bob0.base + 10n * LOT);
      expect((await balances(f, f.alice.account.address)).base).to.equal(alice0.base - 10n * LOT);
      expect(await f.base.read.balanceOf([f.treasury.account.address])).to.equal(0n);
      expect(await f.base.read.balanceOf([f.dex.address])).to.equal(0n);
    });
  });

  describe("deferred payouts", () => {
    it("when a token refuses a maker's payout, then the fill still happens, the payout becomes the maker's credit, and the maker claims it later", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      const usd = await viem.deployContract("BlocklistToken");
      await f.dex.write.createPair([f.base.address, usd.address, LOT, 1n]); // pair 2
      await usd.write.mint([f.bob.account.address, 10_000n]);
      await usd.write.approve([f.dex.address, MAX], { account: f.bob.account });
      await f.dex.write.placeOrder([2, false, 100n, 5n, 10n, 0n], { account: f.alice.account }); // order 1
      await f.dex.write.placeOrder([2, false, 100n, 5n, 10n, 0n], { account: f.carol.account }); // order 2, behind it
      await usd.write.setBlocked([f.alice.account.address, true]);

      // Alice's order is first in line; her block must not stop the book.
      const hash = f.dex.write.placeOrder([2, true, 100n, 10n, 10n, 0n], { account: f.bob.account });
      await viem.assertions.emitWithArgs(hash, f.dex, "PayoutDeferred", [getAddress(f.alice.account.address), getAddress(usd.address), 500n]);
      expect(await f.base.read.balanceOf([f.bob.account.address])).to.equal(10n ** 21n + 10n * LOT);
      expect(await usd.read.balanceOf([f.carol.account.address])).to.equal(500n);
      expect(await f.dex.read.creditOf([f.alice.account.address, usd.address])).to.equal(500n);
      expect(await usd.read.balanceOf([f.dex.address])).to.equal(500n); // escrow 0 + credits 500

      await viem.assertions.revertWithCustomErrorWithArgs(
        f.dex.write.claimCredit([usd.address], { account: f.alice.account }),
        usd,
        "BlocklistBlocked",
        [getAddress(f.alice.account.address)],
      );
      await usd.write.setBlocked([f.alice.account.address, false]);
      await viem.assertions.emitWithArgs(f.dex.write.claimCredit([usd.address], { account: f.alice.account }), f.dex, "CreditClaimed", [
        getAddress(f.alice.account.address),
        getAddress(usd.address),
        500n,
      ]);
      expect(await usd.read.balanceOf([f.alice.account.address])).to.equal(500n);
      expect(await usd.read.balanceOf([f.dex.address])).to.equal(0n);
      await viem.assertions.revertWithCustomErrorWithArgs(f.dex.write.claimCredit([usd.address], { account: f.alice.account }), f.dex, "DexNothingToClaim", [
        getAddress(f.alice.account.address),
        getAddress(usd.address),
      ]);
    });
  });

  describe("reentrancy", () => {
    it("when a token calls back into the DEX during a transfer, then the call reverts with ReentrancyGuardReentrantCall", async () => {
      const f = await networkHelpers.loadFixture(deployDex);
      const hostile = await viem.deployContract("ReentrantToken");
      await f.dex.write.createPair([hostile.address, f.quote.address, 1n, 1n]);
      await hostile.write.mint([f.alice.account.address, 1_000n]);
      await hostile.write.approve([f.dex.address, MAX], { account: f.alice.account });
      await place(f, f.alice, true, 5n, 1n); // order 1 on pair 1, the hostile token's target
      for (const payload of [
        encodeFunctionData({ abi: f.dex.abi, functionName: "cancelOrder", args: [1n] }),
        encodeFunctionData({ abi: f.dex.abi, functionName: "placeOrder", args: [2, false, 1n, 1n, 1n, 0n] }),
        encodeFunctionData({ abi: f.dex.abi, functionName: "createPair", args: [f.quote.address, hostile.address, 1n, 1n] }),
        encodeFunctionData({ abi: f.dex.abi, functionName: "claimCredit", args: [hostile.address] }),
      ]) {
        await hostile.write.arm([f.dex.address, payload]);
        await viem.assertions.revertWithCustomError(
          f.dex.write.placeOrder([2, false, 1n, 10n, 1n, 0n], { account: f.alice.account }),
          f.dex,
          "ReentrancyGuardReentrantCall",
        );
      }
      // Disarmed, the same order goes through.
      await hostile.write.arm([f.dex.address, encodeFunctionData({ abi: f.dex.abi, functionName: "nextOrderId" })]);
      await f.dex.write.placeOrder([2, false, 1n, 10n, 1n, 0n], { account: f.alice.account });
      expect(await hostile.read.balanceOf([f.dex.address])).to.equal(10n);
    });
  });
});
