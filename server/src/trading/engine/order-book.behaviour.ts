import { expect } from "chai";
import type { Command, EngineEvent, OrderBook, SubmitCommand } from "./types";

/** The behaviour every book implementation must show; run against each of them. */
export function orderBookBehaviour(create: () => OrderBook): void {
  let book: OrderBook;
  let nextId = 1;
  beforeEach(() => {
    book = create();
    nextId = 1;
  });

  const submit = (order: Partial<SubmitCommand>): EngineEvent[] =>
    book.apply({ type: "submit", id: nextId++, account: 1, side: "BUY", kind: "LIMIT", tif: "GTC", quantity: 1, ...order } as SubmitCommand);
  const limit = (side: "BUY" | "SELL", price: number, quantity: number, extra: Partial<SubmitCommand> = {}) =>
    submit({ side, price, quantity, kind: "LIMIT", ...extra });
  const fills = (events: EngineEvent[]) =>
    events.filter((e) => e.type === "fill").map((e) => (e.type === "fill" ? [e.makerId, e.price, e.quantity] : []));
  const types = (events: EngineEvent[]) => events.map((e) => (e.type === "cancelled" ? `cancelled:${e.reason}` : e.type));
  const apply = (command: Command) => book.apply(command);

  describe("limit orders and price-time priority", () => {
    it("when orders rest, then depth shows price levels best first with quantities and counts", () => {
      limit("BUY", 99, 5, { account: 2 });
      limit("BUY", 100, 3, { account: 2 });
      limit("BUY", 100, 2, { account: 3 });
      limit("SELL", 102, 4, { account: 4 });
      limit("SELL", 101, 1, { account: 4 });
      expect(book.depth(10)).to.deep.equal({
        bids: [
          { price: 100, quantity: 5, orderCount: 2 },
          { price: 99, quantity: 5, orderCount: 1 },
        ],
        asks: [
          { price: 101, quantity: 1, orderCount: 1 },
          { price: 102, quantity: 4, orderCount: 1 },
        ],
      });
      expect(book.depth(1).bids).to.have.length(1);
    });

    it("when a buy crosses, then it fills best price first, earliest first within a price, at the resting price", () => {
      limit("SELL", 101, 2, { account: 2 }); // id 1
      limit("SELL", 100, 1, { account: 3 }); // id 2
      limit("SELL", 100, 1, { account: 4 }); // id 3
      const events = limit("BUY", 101, 3, { account: 9 });
      expect(fills(events)).to.deep.equal([
        [2, 100, 1],
        [3, 100, 1],
        [1, 101, 1],
      ]);
      expect(book.depth(5).asks).to.deep.equal([{ price: 101, quantity: 1, orderCount: 1 }]);
      expect(book.lastTradePrice).to.equal(101);
    });

    it("when an order fills partly, then its remainder rests and the maker keeps its place", () => {
      limit("SELL", 100, 5, { account: 2 }); // id 1
      const events = limit("BUY", 100, 2, { account: 3 });
      expect(events.find((e) => e.type === "fill")).to.deep.include({ makerId: 1, quantity: 2, makerRemaining: 3, takerRemaining: 0 });
      limit("SELL", 100, 1, { account: 4 }); // id 3 queues behind id 1
      expect(fills(limit("BUY", 100, 4, { account: 5 }))).to.deep.equal([
        [1, 100, 3],
        [3, 100, 1],
      ]);
    });

    it("when a limit does not cross, then it rests and nothing trades", () => {
      limit("SELL", 101, 1, { account: 2 });
      const events = limit("BUY", 100, 1, { account: 3 });
      expect(types(events)).to.deep.equal(["accepted"]);
      expect(book.depth(5).bids).to.deep.equal([{ price: 100, quantity: 1, orderCount: 1 }]);
    });

    it("when every event is emitted, then sequence numbers rise by one per event", () => {
      limit("SELL", 100, 1, { account: 2 });
      const events = limit("BUY", 100, 1, { account: 3 });
      const all = [...events];
      expect(all.map((e) => e.seq)).to.deep.equal([2, 3]);
      expect(book.sequence).to.equal(3);
    });
  });

  describe("time in force", () => {
    it("when an IOC order cannot fill entirely, then what filled stays filled and the rest is cancelled", () => {
      limit("SELL", 100, 2, { account: 2 });
      const events = limit("BUY", 100, 5, { account: 3, tif: "IOC" });
      expect(types(events)).to.deep.equal(["accepted", "fill", "cancelled:IOC_REMAINDER"]);
      expect(events.at(-1)).to.deep.include({ remaining: 3 });
      expect(book.depth(5).bids).to.deep.equal([]);
    });

    it("when a FOK order cannot fill entirely, then nothing fills and the book is untouched", () => {
      limit("SELL", 100, 2, { account: 2 });
      limit("SELL", 101, 2, { account: 2 });
      const events = limit("BUY", 100, 3, { account: 3, tif: "FOK" });
      expect(types(events)).to.deep.equal(["accepted", "cancelled:FOK_UNFILLABLE"]);
      expect(book.depth(5).asks).to.have.length(2);
      expect(fills(limit("BUY", 101, 4, { account: 3, tif: "FOK" }))).to.deep.equal([
        [1, 100, 2],
        [2, 101, 2],
      ]);
    });

    it("when a FOK order could fill only with the account's own orders, then it is unfillable and they stay", () => {
      limit("SELL", 100, 5, { account: 3 });
      const events = limit("BUY", 100, 2, { account: 3, tif: "FOK" });
      expect(types(events)).to.deep.equal(["accepted", "cancelled:FOK_UNFILLABLE"]);
      expect(book.depth(5).asks).to.deep.equal([{ price: 100, quantity: 5, orderCount: 1 }]);
    });

    it("when the trading day closes, then DAY orders expire, resting or waiting, and GTC orders stay", () => {
      limit("BUY", 90, 1, { account: 2, tif: "DAY" }); // 1
      limit("BUY", 91, 1, { account: 2, tif: "GTC" }); // 2
      submit({ side: "SELL", kind: "STOP", stopPrice: 80, quantity: 1, account: 2, tif: "DAY" }); // 3
      const events = apply({ type: "expireDay" });
      expect(events.map((e) => (e.type === "expired" ? e.id : -1))).to.deep.equal([1, 3]);
      expect(book.depth(5).bids).to.deep.equal([{ price: 91, quantity: 1, orderCount: 1 }]);
    });
  });

  describe("market orders", () => {
    it("when a market order meets liquidity, then it fills across prices and never rests", () => {
      limit("SELL", 100, 1, { account: 2 });
      limit("SELL", 105, 1, { account: 2 });
      const events = submit({ side: "BUY", kind: "MARKET", quantity: 3, account: 3, tif: "GTC" });
      expect(fills(events)).to.deep.equal([
        [1, 100, 1],
        [2, 105, 1],
      ]);
      expect(events.at(-1)).to.deep.include({ type: "cancelled", reason: "NO_LIQUIDITY", remaining: 1 });
      expect(book.depth(5)).to.deep.equal({ bids: [], asks: [] });
    });

    it("when a market order carries a protection price, then it fills no worse than it and cancels the rest", () => {
      limit("SELL", 100, 1, { account: 2 });
      limit("SELL", 103, 1, { account: 2 });
      const events = submit({ side: "BUY", kind: "MARKET", quantity: 2, account: 3, protection: 101 });
      expect(fills(events)).to.deep.equal([[1, 100, 1]]);
      expect(events.at(-1)).to.deep.include({ type: "cancelled", reason: "NO_LIQUIDITY", remaining: 1 });
      expect(book.depth(5).asks).to.deep.equal([{ price: 103, quantity: 1, orderCount: 1 }]);
    });

    it("when a market order finds an empty book, then it is cancelled whole", () => {
      const events = submit({ side: "SELL", kind: "MARKET", quantity: 2 });
      expect(types(events)).to.deep.equal(["accepted", "cancelled:NO_LIQUIDITY"]);
    });
  });

  describe("stop orders", () => {
    it("when the last trade crosses a buy stop, then it triggers and executes as a market order", () => {
      limit("SELL", 101, 5, { account: 2 }); // 1
      const stop = submit({ side: "BUY", kind: "STOP", stopPrice: 100, quantity: 2, account: 3 }); // 2
      expect(stop).to.deep.equal([{ type: "accepted", id: 2, pendingTrigger: true, seq: 2 }]);
      limit("SELL", 100, 1, { account: 4 }); // 3
      const events = limit("BUY", 100, 1, { account: 5 }); // 4: trade at 100 triggers the stop
      expect(types(events)).to.deep.equal(["accepted", "fill", "triggered", "fill"]);
      expect(fills(events)).to.deep.equal([
        [3, 100, 1],
        [1, 101, 2],
      ]);
    });

    it("when a sell stop-limit triggers, then it enters as a limit at its price and rests what it cannot fill", () => {
      limit("BUY", 95, 1, { account: 2 }); // 1
      submit({ side: "SELL", kind: "STOP_LIMIT", stopPrice: 96, price: 94, quantity: 3, account: 3 }); // 2
      limit("BUY", 96, 1, { account: 4 }); // 3
      const events = limit("SELL", 96, 1, { account: 5 }); // trades at 96: triggers
      expect(types(events)).to.deep.equal(["accepted", "fill", "triggered", "fill"]);
      expect(book.depth(5).asks).to.deep.equal([{ price: 94, quantity: 2, orderCount: 1 }]);
    });

    it("when stops cascade, then they trigger in acceptance order, each re-checked after the last trade", () => {
      limit("SELL", 100, 1, { account: 2 }); // 1
      limit("SELL", 102, 1, { account: 2 }); // 2
      limit("SELL", 104, 1, { account: 2 }); // 3
      submit({ side: "BUY", kind: "STOP", stopPrice: 102, quantity: 1, account: 3 }); // 4: waits for 102
      submit({ side: "BUY", kind: "STOP", stopPrice: 100, quantity: 1, account: 3 }); // 5: waits for 100
      const events = submit({ side: "BUY", kind: "MARKET", quantity: 1, account: 6 }); // trades at 100
      // 5 triggers first (only it is crossed at 100), trades at 102, which then triggers 4.
      expect(events.filter((e) => e.type === "triggered").map((e) => (e.type === "triggered" ? e.id : 0))).to.deep.equal([5, 4]);
      expect(fills(events)).to.deep.equal([
        [1, 100, 1],
        [2, 102, 1],
        [3, 104, 1],
      ]);
    });

    it("when a stop is accepted after the market already passed it, then it triggers at once", () => {
      limit("SELL", 100, 1, { account: 2 });
      limit("BUY", 100, 1, { account: 3 }); // last = 100
      limit("SELL", 101, 1, { account: 2 });
      const events = submit({ side: "BUY", kind: "STOP", stopPrice: 99, quantity: 1, account: 4 });
      expect(types(events)).to.deep.equal(["accepted", "triggered", "fill"]);
    });

    it("when a waiting stop is cancelled, then it never triggers", () => {
      submit({ side: "BUY", kind: "STOP", stopPrice: 100, quantity: 1, account: 3 }); // 1
      expect(apply({ type: "cancel", id: 1 })).to.deep.equal([{ type: "cancelled", id: 1, reason: "USER", remaining: 1, seq: 2 }]);
      limit("SELL", 100, 1, { account: 2 });
      const events = limit("BUY", 100, 1, { account: 4 });
      expect(types(events)).to.deep.equal(["accepted", "fill"]);
    });

    it("when triggers are suspended (stale prices), then a trade through a stop triggers nothing, and after resuming only a new trade does", () => {
      limit("SELL", 105, 5, { account: 2 }); // 1: liquidity for the stop once it runs
      submit({ side: "BUY", kind: "STOP", stopPrice: 100, quantity: 1, account: 3 }); // 2
      expect(apply({ type: "triggers", suspended: true })).to.deep.equal([]);
      limit("SELL", 100, 1, { account: 4 }); // 3
      expect(types(limit("BUY", 100, 1, { account: 5 }))).to.deep.equal(["accepted", "fill"]); // 4: prints 100, the stop waits
      expect(book.openOrders().has(2)).to.equal(true);
      expect(apply({ type: "triggers", suspended: false })).to.deep.equal([]);
      // The trade printed while suspended does not count: an order that does not trade triggers nothing.
      expect(types(limit("BUY", 90, 1, { account: 6 }))).to.deep.equal(["accepted"]);
      limit("SELL", 101, 1, { account: 4 }); // 6
      const events = limit("BUY", 101, 1, { account: 5 }); // 7: a fresh trade at 101 triggers the stop
      expect(types(events)).to.deep.equal(["accepted", "fill", "triggered", "fill"]);
    });
  });

  describe("recovery", () => {
    it("when a book is restored from its open orders, then it has the same depth and priority and goes on identically", () => {
      limit("SELL", 101, 2, { account: 2 }); // 1
      limit("SELL", 101, 3, { account: 3 }); // 2
      limit("BUY", 99, 1, { account: 4 }); // 3
      limit("BUY", 101, 1, { account: 5 }); // 4: takes 1 of order 1
      submit({ side: "SELL", kind: "STOP", stopPrice: 98, quantity: 1, account: 6 }); // 5
      const restored = create();
      restored.restore(
        [
          { id: 1, account: 2, side: "SELL", kind: "LIMIT", tif: "GTC", quantity: 1, price: 101 },
          { id: 2, account: 3, side: "SELL", kind: "LIMIT", tif: "GTC", quantity: 3, price: 101 },
          { id: 3, account: 4, side: "BUY", kind: "LIMIT", tif: "GTC", quantity: 1, price: 99 },
          { id: 5, account: 6, side: "SELL", kind: "STOP", tif: "GTC", quantity: 1, stopPrice: 98 },
        ],
        { sequence: book.sequence, lastTradePrice: book.lastTradePrice },
      );
      expect(restored.depth(10)).to.deep.equal(book.depth(10));
      expect([...restored.openOrders()].sort()).to.deep.equal([...book.openOrders()].sort());
      const next: SubmitCommand = { type: "submit", id: 9, account: 7, side: "BUY", kind: "LIMIT", tif: "GTC", quantity: 3, price: 101 };
      expect(restored.apply(next)).to.deep.equal(book.apply(next));
    });
  });

  describe("cancel and self-trade prevention", () => {
    it("when a resting order is cancelled, then it leaves the book; cancelling it again is UNKNOWN_ORDER", () => {
      limit("BUY", 100, 4, { account: 2 });
      expect(apply({ type: "cancel", id: 1 })).to.deep.equal([{ type: "cancelled", id: 1, reason: "USER", remaining: 4, seq: 2 }]);
      expect(book.depth(5).bids).to.deep.equal([]);
      expect(apply({ type: "cancel", id: 1 })[0]).to.deep.include({ type: "rejected", reason: "UNKNOWN_ORDER" });
    });

    it("when an order would trade with its own account's resting order, then that order is cancelled and matching goes on", () => {
      limit("SELL", 100, 1, { account: 7 }); // 1: own
      limit("SELL", 100, 1, { account: 2 }); // 2
      const events = limit("BUY", 100, 1, { account: 7 });
      expect(types(events)).to.deep.equal(["accepted", "cancelled:SELF_TRADE", "fill"]);
      expect(fills(events)).to.deep.equal([[2, 100, 1]]);
    });

    it("when an id is reused or an order is malformed, then it is rejected and nothing changes", () => {
      limit("BUY", 100, 1, { account: 2 });
      expect(book.apply({ type: "submit", id: 1, account: 2, side: "BUY", kind: "LIMIT", tif: "GTC", quantity: 1, price: 100 })[0]).to.deep.include({ reason: "DUPLICATE_ID" });
      for (const bad of [
        { quantity: 0, price: 100 },
        { quantity: 1.5, price: 100 },
        { quantity: 1, price: -1 },
        { quantity: 1 },
        { quantity: 1, price: 100, kind: "MARKET" },
        { quantity: 1, kind: "STOP" },
        { quantity: Number.MAX_SAFE_INTEGER + 2, price: 1 },
      ] as Array<Partial<SubmitCommand>>) {
        expect(submit({ kind: "LIMIT", ...bad })[0], JSON.stringify(bad)).to.deep.include({ type: "rejected", reason: "INVALID_ORDER" });
      }
      expect(book.depth(5).bids).to.deep.equal([{ price: 100, quantity: 1, orderCount: 1 }]);
    });

    it("when an id of a restored order, or one below the newest open id, comes again, then it is DUPLICATE_ID", () => {
      book.restore(
        [
          { id: 50, account: 1, side: "BUY", kind: "LIMIT", tif: "GTC", quantity: 3, price: 100 },
          { id: 7, account: 1, side: "SELL", kind: "TRAILING_STOP", tif: "GTC", quantity: 1, trailAmount: 5, mark: 100 },
          { id: 8, account: 1, side: "BUY", kind: "STOP", tif: "GTC", quantity: 1, stopPrice: 120 },
        ],
        { sequence: 10, lastTradePrice: 100 },
      );
      for (const id of [50, 7, 8]) {
        expect(apply({ type: "submit", id, account: 2, side: "SELL", kind: "LIMIT", tif: "GTC", quantity: 1, price: 200 })[0], `id ${id}`).to.deep.include({ reason: "DUPLICATE_ID" });
      }
      expect(apply({ type: "submit", id: 9, account: 2, side: "SELL", kind: "LIMIT", tif: "GTC", quantity: 1, price: 200 })[0]).to.deep.include({ type: "accepted" });
      expect(apply({ type: "submit", id: 9, account: 2, side: "SELL", kind: "LIMIT", tif: "GTC", quantity: 1, price: 201 })[0]).to.deep.include({ reason: "DUPLICATE_ID" });
    });
  });

  describe("post-only", () => {
    it("when a post-only order would take liquidity, then it is cancelled untouched and the book is unchanged", () => {
      limit("SELL", 100, 2, { account: 2 });
      const events = limit("BUY", 100, 1, { account: 3, postOnly: true });
      expect(types(events)).to.deep.equal(["accepted", "cancelled:POST_ONLY"]);
      expect(events.at(-1)).to.deep.include({ remaining: 1 });
      expect(book.depth(5).asks).to.deep.equal([{ price: 100, quantity: 2, orderCount: 1 }]);
    });

    it("when a post-only order does not cross, then it rests as a maker", () => {
      limit("SELL", 101, 2, { account: 2 });
      expect(types(limit("BUY", 100, 1, { account: 3, postOnly: true }))).to.deep.equal(["accepted"]);
      expect(fills(limit("SELL", 100, 1, { account: 4 }))).to.deep.equal([[2, 100, 1]]);
    });

    it("when post-only is asked of a market order or an IOC, then it is invalid", () => {
      expect(submit({ kind: "MARKET", postOnly: true })[0]).to.deep.include({ reason: "INVALID_ORDER" });
      expect(limit("BUY", 100, 1, { tif: "IOC", postOnly: true })[0]).to.deep.include({ reason: "INVALID_ORDER" });
    });
  });

  describe("iceberg", () => {
    it("when an iceberg rests, then depth shows only its shown part", () => {
      limit("SELL", 100, 25, { account: 2, display: 10 });
      expect(book.depth(5).asks).to.deep.equal([{ price: 100, quantity: 10, orderCount: 1 }]);
      expect(book.openOrders().get(1)).to.equal(25);
    });

    it("when the shown part fills, then the next part is shown at the back of the queue at its price", () => {
      limit("SELL", 100, 25, { account: 2, display: 10 }); // 1
      limit("SELL", 100, 3, { account: 4 }); // 2
      const events = limit("BUY", 100, 12, { account: 3 });
      // 10 from the iceberg's shown part, then it requeues behind order 2, which fills next.
      expect(fills(events)).to.deep.equal([
        [1, 100, 10],
        [2, 100, 2],
      ]);
      expect(events.find((e) => e.type === "replenished")).to.deep.include({ id: 1, visible: 10 });
      expect(book.depth(5).asks).to.deep.equal([{ price: 100, quantity: 11, orderCount: 2 }]);
      expect(fills(limit("BUY", 100, 2, { account: 3 }))).to.deep.equal([
        [2, 100, 1],
        [1, 100, 1],
      ]);
    });

    it("when an iceberg's last part is smaller than the display, then it shows what is left", () => {
      limit("SELL", 100, 12, { account: 2, display: 10 });
      limit("BUY", 100, 10, { account: 3 });
      expect(book.depth(5).asks).to.deep.equal([{ price: 100, quantity: 2, orderCount: 1 }]);
    });

    it("when a FOK needs the hidden part, then the hidden part counts and fills", () => {
      limit("SELL", 100, 25, { account: 2, display: 5 });
      const events = limit("BUY", 100, 20, { account: 3, tif: "FOK" });
      expect(fills(events).reduce((sum, f) => sum + (f[2] as number), 0)).to.equal(20);
    });

    it("when an iceberg takes liquidity, then all of it trades at once", () => {
      limit("SELL", 100, 30, { account: 2 });
      expect(fills(limit("BUY", 100, 25, { account: 3, display: 5 }))).to.deep.equal([[1, 100, 25]]);
    });
  });

  describe("amend", () => {
    it("when a resting order's quantity is reduced, then it keeps its place in the queue", () => {
      limit("SELL", 100, 5, { account: 2 }); // 1
      limit("SELL", 100, 5, { account: 3 }); // 2
      expect(apply({ type: "amend", id: 1, quantity: 2 })).to.deep.equal([{ type: "amended", id: 1, remaining: 2, requeued: false, seq: 3 }]);
      expect(book.depth(1).asks).to.deep.equal([{ price: 100, quantity: 7, orderCount: 2 }]);
      expect(fills(limit("BUY", 100, 3, { account: 4 }))).to.deep.equal([
        [1, 100, 2],
        [2, 100, 1],
      ]);
    });

    it("when a resting order's quantity grows, then it goes to the back of the queue", () => {
      limit("SELL", 100, 5, { account: 2 }); // 1
      limit("SELL", 100, 5, { account: 3 }); // 2
      expect(apply({ type: "amend", id: 1, quantity: 6 })[0]).to.deep.include({ type: "amended", requeued: true, remaining: 6 });
      expect(fills(limit("BUY", 100, 6, { account: 4 }))).to.deep.equal([
        [2, 100, 5],
        [1, 100, 1],
      ]);
    });

    it("when an amend gives a price that crosses, then the order trades as a new one would, with its own id", () => {
      limit("SELL", 101, 2, { account: 2 }); // 1
      limit("BUY", 99, 3, { account: 3 }); // 2
      const events = apply({ type: "amend", id: 2, quantity: 3, price: 101 });
      expect(types(events)).to.deep.equal(["amended", "fill"]);
      expect(book.depth(5).bids).to.deep.equal([{ price: 101, quantity: 1, orderCount: 1 }]);
    });

    it("when an amend brings the quantity to zero, then the order is cancelled", () => {
      limit("BUY", 99, 3, { account: 3 });
      expect(types(apply({ type: "amend", id: 1, quantity: 0 }))).to.deep.equal(["cancelled:USER"]);
      expect(book.openOrders().size).to.equal(0);
    });

    it("when an amend names no open order or is malformed, then it is rejected and nothing changes", () => {
      limit("BUY", 99, 3, { account: 3 });
      expect(apply({ type: "amend", id: 9, quantity: 1 })[0]).to.deep.include({ reason: "UNKNOWN_ORDER" });
      expect(apply({ type: "amend", id: 1, quantity: -1 })[0]).to.deep.include({ reason: "INVALID_ORDER" });
      expect(apply({ type: "amend", id: 1, quantity: 1, stopPrice: 5 })[0]).to.deep.include({ reason: "INVALID_ORDER" });
      expect(book.depth(5).bids).to.deep.equal([{ price: 99, quantity: 3, orderCount: 1 }]);
    });

    it("when an iceberg is reduced below its shown part, then it shows the new quantity", () => {
      limit("SELL", 100, 25, { account: 2, display: 10 });
      apply({ type: "amend", id: 1, quantity: 4 });
      expect(book.depth(5).asks).to.deep.equal([{ price: 100, quantity: 4, orderCount: 1 }]);
    });

    it("when a waiting stop's stop price is amended, then it triggers at the new price", () => {
      limit("SELL", 105, 5, { account: 2 }); // 1
      submit({ side: "BUY", kind: "STOP", stopPrice: 103, quantity: 1, account: 3 }); // 2
      apply({ type: "amend", id: 2, quantity: 1, stopPrice: 100 });
      limit("SELL", 100, 1, { account: 4 }); // 3
      expect(types(limit("BUY", 100, 1, { account: 5 }))).to.deep.equal(["accepted", "fill", "triggered", "fill"]);
    });

    it("when a stop's protection moves with its stop price, then once triggered it fills no worse than the new protection", () => {
      limit("SELL", 100, 1, { account: 2 }); // 1
      limit("SELL", 104, 5, { account: 2 }); // 2
      submit({ side: "BUY", kind: "STOP", stopPrice: 100, protection: 101, quantity: 2, account: 3 }); // 3
      apply({ type: "amend", id: 3, quantity: 2, stopPrice: 100, protection: 104 });
      const events = limit("BUY", 100, 1, { account: 5 }); // 4 prints 100: the stop triggers
      expect(fills(events)).to.deep.equal([
        [1, 100, 1],
        [2, 104, 2],
      ]);
      expect(apply({ type: "amend", id: 2, quantity: 1, protection: 3 })[0]).to.deep.include({ reason: "INVALID_ORDER" });
    });
  });

  describe("trailing stops", () => {
    const print = (price: number) => {
      limit("SELL", price, 1, { account: 8 });
      return limit("BUY", price, 1, { account: 9 });
    };

    it("when the price rises, then a sell trailing stop follows the highest trade down by its trail, and triggers when the price falls to it", () => {
      print(100); // ids 1, 2
      const accepted = submit({ side: "SELL", kind: "TRAILING_STOP", trailAmount: 5, quantity: 1, account: 3 }); // 3
      expect(accepted[0]).to.deep.include({ type: "accepted", pendingTrigger: true, mark: 100 });
      expect(book.trailingStopPrice(3)).to.equal(95);
      print(110);
      expect(book.trailingStopPrice(3)).to.equal(105);
      print(106); // above 105: waits
      expect(book.openOrders().has(3)).to.equal(true);
      limit("BUY", 90, 5, { account: 7 });
      const events = print(105);
      expect(types(events)).to.include("triggered");
      expect(book.openOrders().has(3)).to.equal(false);
    });

    it("when a buy trailing stop trails by percent, then its stop is the lowest trade up by the percent, rounded up to the tick", () => {
      print(1000);
      submit({ side: "BUY", kind: "TRAILING_STOP", trailBps: 250, quantity: 1, account: 3 }); // 3
      expect(book.trailingStopPrice(3)).to.equal(1025);
      print(999);
      expect(book.trailingStopPrice(3)).to.equal(1024); // 999 * 1.025 = 1023.975, up
    });

    it("when a trailing stop arrives before any trade, then its mark is the given reference, and without one it is invalid", () => {
      expect(submit({ side: "SELL", kind: "TRAILING_STOP", trailAmount: 5, quantity: 1, mark: 50 })[0]).to.deep.include({ mark: 50 });
      expect(submit({ side: "SELL", kind: "TRAILING_STOP", trailAmount: 5, quantity: 1 })[0]).to.deep.include({ reason: "INVALID_ORDER" });
      expect(submit({ side: "SELL", kind: "TRAILING_STOP", trailAmount: 5, trailBps: 5, quantity: 1, mark: 50 })[0]).to.deep.include({ reason: "INVALID_ORDER" });
    });

    it("when plain and trailing stops trigger together, then they run in acceptance order", () => {
      print(100);
      submit({ side: "SELL", kind: "TRAILING_STOP", trailAmount: 2, quantity: 1, account: 3 }); // 3
      submit({ side: "SELL", kind: "STOP", stopPrice: 99, quantity: 1, account: 4 }); // 4
      limit("BUY", 90, 5, { account: 7 });
      const events = print(97);
      expect(events.filter((e) => e.type === "triggered").map((e) => (e.type === "triggered" ? e.id : 0))).to.deep.equal([3, 4]);
    });

    it("when a trailing stop is restored with its mark, then it goes on identically", () => {
      print(100);
      submit({ side: "SELL", kind: "TRAILING_STOP", trailAmount: 3, quantity: 2, account: 3 }); // 3
      print(108);
      const restored = create();
      restored.restore([{ id: 3, account: 3, side: "SELL", kind: "TRAILING_STOP", tif: "GTC", quantity: 2, trailAmount: 3, mark: 108 }], { sequence: book.sequence, lastTradePrice: book.lastTradePrice });
      expect(restored.trailingStopPrice(3)).to.equal(book.trailingStopPrice(3));
      const next: SubmitCommand = { type: "submit", id: 20, account: 5, side: "SELL", kind: "LIMIT", tif: "GTC", quantity: 1, price: 104 };
      const buy: SubmitCommand = { type: "submit", id: 21, account: 6, side: "BUY", kind: "LIMIT", tif: "GTC", quantity: 3, price: 104 };
      expect(restored.apply(next)).to.deep.equal(book.apply(next));
      expect(restored.apply(buy)).to.deep.equal(book.apply(buy));
    });
  });

  describe("GTD", () => {
    it("when the time passes an order's expiresAt, then it expires, resting or waiting; later ones stay", () => {
      limit("BUY", 90, 1, { account: 2, tif: "GTD", expiresAt: 1_000 }); // 1
      limit("BUY", 91, 1, { account: 2, tif: "GTD", expiresAt: 2_000 }); // 2
      submit({ side: "SELL", kind: "STOP", stopPrice: 80, quantity: 1, account: 2, tif: "GTD", expiresAt: 1_000 }); // 3
      expect(apply({ type: "expire", now: 999 })).to.deep.equal([]);
      const events = apply({ type: "expire", now: 1_000 });
      expect(events.map((e) => (e.type === "expired" ? e.id : -1))).to.deep.equal([1, 3]);
      expect(book.depth(5).bids).to.deep.equal([{ price: 91, quantity: 1, orderCount: 1 }]);
    });

    it("when GTD comes without expiresAt, or expiresAt without GTD, then it is invalid", () => {
      expect(limit("BUY", 90, 1, { tif: "GTD" })[0]).to.deep.include({ reason: "INVALID_ORDER" });
      expect(limit("BUY", 90, 1, { expiresAt: 5 })[0]).to.deep.include({ reason: "INVALID_ORDER" });
    });

    it("when an iceberg is restored with what it shows, then depth is as before", () => {
      limit("SELL", 100, 25, { account: 2, display: 10 }); // 1
      limit("BUY", 100, 4, { account: 3 });
      const restored = create();
      restored.restore([{ id: 1, account: 2, side: "SELL", kind: "LIMIT", tif: "GTC", quantity: 21, price: 100, display: 10, visible: 6 }], { sequence: book.sequence, lastTradePrice: book.lastTradePrice });
      expect(restored.depth(5)).to.deep.equal(book.depth(5));
      const buy: SubmitCommand = { type: "submit", id: 9, account: 6, side: "BUY", kind: "LIMIT", tif: "GTC", quantity: 8, price: 100 };
      expect(restored.apply(buy)).to.deep.equal(book.apply(buy));
    });
  });
}
