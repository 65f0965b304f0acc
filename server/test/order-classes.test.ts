import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { parseFixed } from "../src/infra/fixed";
import { topics } from "../src/infra/pubsub";
import { bearer, clearBook, codeOf, gql, registerUser, startTestServer, type TestUser } from "./helpers";
import { ledgerViolations } from "./ledger-invariants";

const FIELDS = "id side type quantity limitPrice stopPrice filledQuantity status rejectReason orderClass parentOrderId updatedAt";
const PLACE = `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { ${FIELDS} legs { ${FIELDS} } } }`;
const ORDER = `query ($id: ID!) { order(id: $id) { ${FIELDS} legs { ${FIELDS} } } }`;

interface Trader extends TestUser {
  portfolioId: string;
}

interface OrderShape {
  id: string;
  side: string;
  type: string;
  quantity: string;
  limitPrice: string | null;
  stopPrice: string | null;
  filledQuantity: string;
  status: string;
  rejectReason: string | null;
  orderClass: string;
  parentOrderId: string | null;
  updatedAt: string;
  legs: OrderShape[];
}

/** Order classes (issue 15): OCO, OTO and BRACKET families through the API, in the sequencer. */
describe("order classes over GraphQL", () => {
  let server: RunningServer;
  let alice: Trader;
  let bob: Trader;

  async function trader(cash: string, shares: string): Promise<Trader> {
    const user = await registerUser(server);
    const { data } = await gql(server, `mutation { createPortfolio(input: { name: "Classes" }) { id } }`, {}, bearer(user.accessToken));
    const portfolioId = data!.createPortfolio.id;
    await gql(server, `mutation ($p: ID!, $a: Decimal!) { deposit(portfolioId: $p, amount: $a) { id } }`, { p: portfolioId, a: cash }, bearer(user.accessToken));
    await server.services.ledger.applyFill({ portfolioId, userId: user.id, symbol: "AAPL", assetName: "AAPL", side: "BUY", quantity: parseFixed(shares), price: parseFixed("90"), fee: 0n, reference: { seed: "test" } });
    return { ...user, portfolioId };
  }

  const place = (who: Trader, input: Record<string, unknown>) => gql(server, PLACE, { i: { portfolioId: who.portfolioId, symbol: "AAPL", timeInForce: "GTC", ...input } }, bearer(who.accessToken));
  const placed = async (who: Trader, input: Record<string, unknown>): Promise<OrderShape> => {
    const response = await place(who, input);
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data!.placeOrder;
  };
  const order = async (who: Trader, id: string): Promise<OrderShape> => (await gql(server, ORDER, { id }, bearer(who.accessToken))).data!.order;
  const available = async (who: Trader) => parseFixed((await gql(server, `query ($id: ID!) { portfolio(id: $id) { availableCash } }`, { id: who.portfolioId }, bearer(who.accessToken))).data!.portfolio.availableCash);
  const query = (sql: string, params?: unknown[]) => server.database.dataSource.query(sql, params);
  const reservedQuantity = async (who: Trader) => (await query(`SELECT reserved_quantity FROM positions WHERE portfolio_id = $1 AND symbol = 'AAPL'`, [who.portfolioId]))[0].reserved_quantity as string;
  async function expectInvariants() {
    await server.services.trading.idle();
    expect(await ledgerViolations(query, [alice.portfolioId, bob.portfolioId])).to.deep.equal({ cash: [], positions: [], reservedCash: [], reservedQuantity: [] });
  }

  before(async () => {
    server = await startTestServer({ TRADING_FEES_BPS: "*:10/20", MAX_ORDER_NOTIONAL: "50000", RATE_LIMIT_CAPACITY: "100000" });
    alice = await trader("100000", "50");
    bob = await trader("100000", "100");
  });
  after(() => server?.stop());
  beforeEach(async () => {
    await clearBook(server, "AAPL");
    // Each test starts from a reference of 100, whatever the last one traded at.
    const last = "100";
    await server.pubsub.publish(topics.quotes("AAPL"), { symbol: "AAPL", bid: null, ask: null, last, timestamp: new Date().toISOString() });
    while (server.services.marketData.lastPrice("AAPL") !== last) await new Promise((resolve) => setTimeout(resolve, 5));
    // ... and so does the book's last trade (stops trigger on it).
    await placed(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "100" });
    await placed(bob, { side: "SELL", type: "LIMIT", quantity: "1", limitPrice: "100" });
  });

  it("when the server restarts, then OCO pairs and brackets are rebuilt from the journal and go on: a sibling is still cancelled, exits still grow", async () => {
    const pair = await placed(bob, { side: "SELL", type: "LIMIT", quantity: "3", limitPrice: "106", orderClass: "OCO", ocoWith: { type: "STOP", stopPrice: "93" } });
    const entry = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "6", limitPrice: "100", orderClass: "BRACKET", takeProfit: { limitPrice: "107" }, stopLoss: { stopPrice: "92" } });
    await placed(bob, { side: "SELL", type: "LIMIT", quantity: "2", limitPrice: "100" });
    expect((await order(alice, entry.id)).legs.map((leg) => leg.quantity)).to.deep.equal(["2", "2"]);

    const config = server.config;
    await server.stop();
    server = await startTestServer({ DATA_DIR: config.dataDir, TRADING_FEES_BPS: "*:10/20", MAX_ORDER_NOTIONAL: "50000", RATE_LIMIT_CAPACITY: "100000" });
    const last = "100";
    await server.pubsub.publish(topics.quotes("AAPL"), { symbol: "AAPL", bid: null, ask: null, last, timestamp: new Date().toISOString() });
    while (server.services.marketData.lastPrice("AAPL") !== last) await new Promise((resolve) => setTimeout(resolve, 5));

    await placed(bob, { side: "SELL", type: "LIMIT", quantity: "2", limitPrice: "100" });
    const grown = await order(alice, entry.id);
    expect(grown.legs.map((leg) => [leg.type, leg.quantity, leg.status])).to.deep.equal([
      ["LIMIT", "4", "NEW"],
      ["STOP", "4", "PENDING_TRIGGER"],
    ]);
    await placed(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "106" });
    const after = await order(bob, pair.id);
    expect(after).to.deep.include({ status: "PARTIALLY_FILLED", filledQuantity: "1" });
    expect(after.legs[0]).to.deep.include({ status: "CANCELLED", rejectReason: "OCO_SIBLING" });
    await expectInvariants();
  });

  describe("OCO", () => {
    it("when one order of a sell pair partly fills, then its sibling is cancelled in the same sequence step, and the pair reserved its quantity once", async () => {
      const before = parseFixed(await reservedQuantity(bob));
      const first = await placed(bob, { side: "SELL", type: "LIMIT", quantity: "10", limitPrice: "110", orderClass: "OCO", ocoWith: { type: "STOP", stopPrice: "90" } });
      expect(first).to.deep.include({ orderClass: "OCO", parentOrderId: null, status: "NEW" });
      expect(first.legs).to.have.length(1);
      const sibling = first.legs[0];
      expect(sibling).to.deep.include({ orderClass: "OCO", parentOrderId: first.id, type: "STOP", stopPrice: "90", quantity: "10", status: "PENDING_TRIGGER" });
      await server.services.trading.idle();
      expect(parseFixed(await reservedQuantity(bob)) - before).to.equal(parseFixed("10"));

      await placed(alice, { side: "BUY", type: "LIMIT", quantity: "4", limitPrice: "110" });
      const after = await order(bob, first.id);
      expect(after).to.deep.include({ status: "PARTIALLY_FILLED", filledQuantity: "4" });
      expect(after.legs[0]).to.deep.include({ status: "CANCELLED", rejectReason: "OCO_SIBLING" });
      // The same sequence step: the fill and the sibling's cancel carry the step's one clock and
      // the cancel's sequence number follows the trade's.
      const [fill] = await query(`SELECT executed_at, seq FROM fills WHERE order_id = $1`, [first.id]);
      const [cancelled] = await query(`SELECT updated_at, last_seq FROM orders WHERE id = $1`, [sibling.id]);
      expect(new Date(cancelled.updated_at).getTime()).to.equal(new Date(fill.executed_at).getTime());
      expect(Number(cancelled.last_seq)).to.be.greaterThan(Number(fill.seq));
      expect(parseFixed(await reservedQuantity(bob)) - before).to.equal(parseFixed("6"));
      await expectInvariants();
    });

    it("when a buy pair rests, then it reserves what the dearer order may cost, once; cancelling one cancels both and releases it all", async () => {
      const start = await available(alice);
      const alone = await placed(alice, { side: "BUY", type: "STOP", quantity: "10", stopPrice: "105" });
      const stopCost = start - (await available(alice));
      await gql(server, `mutation ($id: ID!) { cancelOrder(id: $id) { id } }`, { id: alone.id }, bearer(alice.accessToken));
      const limitCost = parseFixed("951.9"); // 10 x 95 with the 20 bp fee
      const pair = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "10", limitPrice: "95", orderClass: "OCO", ocoWith: { type: "STOP", stopPrice: "105" } });
      expect(stopCost > limitCost).to.equal(true);
      expect(start - (await available(alice))).to.equal(stopCost);
      const cancelled = (await gql(server, `mutation ($id: ID!) { cancelOrder(id: $id) { id status } }`, { id: pair.legs[0].id }, bearer(alice.accessToken))).data!.cancelOrder;
      expect(cancelled.status).to.equal("CANCELLED");
      expect((await order(alice, pair.id)).status).to.equal("CANCELLED");
      expect(await available(alice)).to.equal(start);
      await expectInvariants();
    });

    it("when the stop of a buy pair triggers and buys, then the pair's one reservation pays for it and the limit is cancelled in the same step", async () => {
      const carol = await trader("100000", "10");
      const start = await available(alice);
      const pair = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "5", limitPrice: "95", orderClass: "OCO", ocoWith: { type: "STOP", stopPrice: "103" } });
      await placed(bob, { side: "SELL", type: "LIMIT", quantity: "10", limitPrice: "104" });
      // A trade at 103 triggers the stop (the sibling, which reserved nothing): it buys 5 at 104.
      await placed(carol, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "103" });
      await placed(bob, { side: "SELL", type: "LIMIT", quantity: "1", limitPrice: "103" });
      const after = await order(alice, pair.id);
      expect(after).to.deep.include({ status: "CANCELLED", rejectReason: "OCO_SIBLING", filledQuantity: "0" });
      expect(after.legs[0]).to.deep.include({ status: "FILLED", filledQuantity: "5" });
      // 5 at 104 with the 20 bp taker fee: 520 + 1.04; nothing stays reserved.
      expect(start - (await available(alice))).to.equal(parseFixed("521.04"));
      await server.services.trading.idle();
      expect(await ledgerViolations(query, [alice.portfolioId, bob.portfolioId, carol.portfolioId])).to.deep.equal({ cash: [], positions: [], reservedCash: [], reservedQuantity: [] });
    });

    it("when the pair's shape is wrong, then it is BAD_USER_INPUT in words", async () => {
      const noLeg = await place(bob, { side: "SELL", type: "LIMIT", quantity: "1", limitPrice: "110", orderClass: "OCO" });
      expect(codeOf(noLeg)).to.equal("BAD_USER_INPUT");
      expect(noLeg.errors![0].message).to.match(/needs ocoWith/);
      const twoLimits = await place(bob, { side: "SELL", type: "LIMIT", quantity: "1", limitPrice: "110", orderClass: "OCO", ocoWith: { type: "LIMIT", limitPrice: "105" } });
      expect(twoLimits.errors![0].message).to.match(/one LIMIT order and one STOP/);
      const wrongSide = await place(bob, { side: "SELL", type: "LIMIT", quantity: "1", limitPrice: "95", orderClass: "OCO", ocoWith: { type: "STOP", stopPrice: "99" } });
      expect(codeOf(wrongSide)).to.equal("BAD_USER_INPUT");
      expect(wrongSide.errors![0].message).to.match(/limit price 95 must be above the stop price 99/);
      const simpleWithLeg = await place(bob, { side: "SELL", type: "LIMIT", quantity: "1", limitPrice: "110", ocoWith: { type: "STOP", stopPrice: "90" } });
      expect(simpleWithLeg.errors![0].message).to.match(/ocoWith is for OCO orders/);
    });
  });

  describe("OTO", () => {
    it("when the parent fills, then its one child is placed for the filled quantity", async () => {
      const parent = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "10", limitPrice: "100", orderClass: "OTO", stopLoss: { stopPrice: "90" } });
      expect(parent.legs).to.deep.equal([]);
      await placed(bob, { side: "SELL", type: "LIMIT", quantity: "4", limitPrice: "100" });
      const after = await order(alice, parent.id);
      expect(after).to.deep.include({ status: "PARTIALLY_FILLED", filledQuantity: "4" });
      expect(after.legs).to.have.length(1);
      expect(after.legs[0]).to.deep.include({ side: "SELL", type: "STOP", stopPrice: "90", quantity: "4", status: "PENDING_TRIGGER", orderClass: "OTO", parentOrderId: parent.id });
      await expectInvariants();
    });

    it("when an OTO has no child or two, or sells, then it is BAD_USER_INPUT", async () => {
      const none = await place(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "100", orderClass: "OTO" });
      expect(none.errors![0].message).to.match(/exactly one child/);
      const sell = await place(bob, { side: "SELL", type: "LIMIT", quantity: "1", limitPrice: "100", orderClass: "OTO", takeProfit: { limitPrice: "90" } });
      expect(codeOf(sell)).to.equal("BAD_USER_INPUT");
      expect(sell.errors![0].message).to.match(/short selling is not allowed/);
    });
  });

  describe("BRACKET", () => {
    it("when the entry fills in parts, then both exits stand at what filled and grow with it; a fill of one exit reduces the other; the family survives a rebuild; closing the position ends it", async () => {
      const entry = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "10", limitPrice: "100", orderClass: "BRACKET", takeProfit: { limitPrice: "110" }, stopLoss: { stopPrice: "92", limitPrice: "91" } });
      expect(entry).to.deep.include({ orderClass: "BRACKET", status: "NEW" });
      expect(entry.legs).to.deep.equal([]);
      const heldBefore = parseFixed(await reservedQuantity(alice));

      await placed(bob, { side: "SELL", type: "LIMIT", quantity: "4", limitPrice: "100" });
      let family = await order(alice, entry.id);
      expect(family.legs.map((leg) => [leg.type, leg.quantity, leg.status])).to.deep.equal([
        ["LIMIT", "4", "NEW"],
        ["STOP_LIMIT", "4", "PENDING_TRIGGER"],
      ]);
      const [takeProfit, stopLoss] = family.legs;
      await server.services.trading.idle();
      // The two exits reserve the 4 shares they close, once.
      expect(parseFixed(await reservedQuantity(alice)) - heldBefore).to.equal(parseFixed("4"));
      const [{ queued_seq: queuedAt4 }] = await query(`SELECT queued_seq FROM orders WHERE id = $1`, [takeProfit.id]);

      await placed(bob, { side: "SELL", type: "LIMIT", quantity: "3", limitPrice: "100" });
      family = await order(alice, entry.id);
      expect(family.legs.map((leg) => leg.quantity)).to.deep.equal(["7", "7"]);
      const [{ queued_seq: queuedAt7 }] = await query(`SELECT queued_seq FROM orders WHERE id = $1`, [takeProfit.id]);
      // Grown, so it lost its place (as an amend to a larger quantity does).
      expect(Number(queuedAt7)).to.be.greaterThan(Number(queuedAt4));

      await placed(bob, { side: "BUY", type: "LIMIT", quantity: "2", limitPrice: "110" });
      family = await order(alice, entry.id);
      expect(family.legs[0]).to.deep.include({ filledQuantity: "2", status: "PARTIALLY_FILLED" });
      expect(family.legs[1]).to.deep.include({ quantity: "5", status: "PENDING_TRIGGER" });
      await server.services.trading.idle();
      expect(parseFixed(await reservedQuantity(alice)) - heldBefore).to.equal(parseFixed("5"));
      await expectInvariants();

      // A restart rebuilds the book from the journal: the family with it.
      const desk = server.services.trading.desk("AAPL");
      await desk.recover(server.database.dataSource.manager);
      expect(desk.families.get(stopLoss.id)?.root.id).to.equal(entry.id);
      expect(desk.families.get(takeProfit.id)?.legs.map((leg) => leg.id)).to.deep.equal([takeProfit.id, stopLoss.id]);

      await placed(bob, { side: "BUY", type: "LIMIT", quantity: "5", limitPrice: "110" });
      family = await order(alice, entry.id);
      expect(family.legs[0]).to.deep.include({ filledQuantity: "7", status: "FILLED" });
      expect(family.legs[1]).to.deep.include({ status: "CANCELLED", rejectReason: "POSITION_CLOSED" });
      expect(family).to.deep.include({ status: "CANCELLED", filledQuantity: "7", rejectReason: "POSITION_CLOSED" });
      expect(desk.families.has(entry.id)).to.equal(false);
      await expectInvariants();
    });

    it("when the stop-loss triggers and sells part, then the take-profit is reduced by as much, the shared reservation moving to the exit that fills", async () => {
      const carol = await trader("100000", "10");
      const entry = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "4", limitPrice: "100", orderClass: "BRACKET", takeProfit: { limitPrice: "108" }, stopLoss: { stopPrice: "92", limitPrice: "91" } });
      await placed(bob, { side: "SELL", type: "LIMIT", quantity: "4", limitPrice: "100" });
      expect((await order(alice, entry.id)).legs.map((leg) => leg.quantity)).to.deep.equal(["4", "4"]);
      const heldBefore = parseFixed(await reservedQuantity(alice));
      await placed(bob, { side: "BUY", type: "LIMIT", quantity: "3", limitPrice: "91" });
      // A trade at 92 triggers the stop-loss, which sells 3 into Bob's bid at 91 and rests 1 there.
      await placed(carol, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "92" });
      await placed(bob, { side: "SELL", type: "LIMIT", quantity: "1", limitPrice: "92" });
      let family = await order(alice, entry.id);
      expect(family.legs[1]).to.deep.include({ filledQuantity: "3", status: "PARTIALLY_FILLED" });
      expect(family.legs[0]).to.deep.include({ quantity: "1", filledQuantity: "0", status: "NEW" });
      await server.services.trading.idle();
      // 1 share left to protect, reserved once.
      expect(parseFixed(await reservedQuantity(alice))).to.equal(heldBefore - parseFixed("3"));
      await expectInvariants();
      // The stop-loss's last share sells: the position is closed and the take-profit goes.
      await placed(carol, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "91" });
      family = await order(alice, entry.id);
      expect(family.legs[1]).to.deep.include({ filledQuantity: "4", status: "FILLED" });
      expect(family.legs[0]).to.deep.include({ filledQuantity: "0", status: "CANCELLED", rejectReason: "POSITION_CLOSED" });
      await server.services.trading.idle();
      expect(await ledgerViolations(query, [alice.portfolioId, bob.portfolioId, carol.portfolioId])).to.deep.equal({ cash: [], positions: [], reservedCash: [], reservedQuantity: [] });
    });

    it("when an exit is cancelled, then the other exit and the rest of the entry go with it; cancelAllOrders leaves nothing open", async () => {
      const entry = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "5", limitPrice: "100", orderClass: "BRACKET", takeProfit: { limitPrice: "110" }, stopLoss: { stopPrice: "90" } });
      await placed(bob, { side: "SELL", type: "LIMIT", quantity: "2", limitPrice: "100" });
      const [takeProfit] = (await order(alice, entry.id)).legs;
      await gql(server, `mutation ($id: ID!) { cancelOrder(id: $id) { id } }`, { id: takeProfit.id }, bearer(alice.accessToken));
      const family = await order(alice, entry.id);
      expect([family.status, ...family.legs.map((leg) => leg.status)]).to.deep.equal(["CANCELLED", "CANCELLED", "CANCELLED"]);
      await expectInvariants();

      const again = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "5", limitPrice: "100", orderClass: "BRACKET", takeProfit: { limitPrice: "110" }, stopLoss: { stopPrice: "90" } });
      await placed(bob, { side: "SELL", type: "LIMIT", quantity: "1", limitPrice: "100" });
      const all = await gql(server, `mutation { cancelAllOrders(symbol: "AAPL") { id status } }`, {}, bearer(alice.accessToken));
      expect(all.errors).to.equal(undefined);
      const after = await order(alice, again.id);
      expect([after.status, ...after.legs.map((leg) => leg.status)]).to.deep.equal(["CANCELLED", "CANCELLED", "CANCELLED"]);
      await expectInvariants();
    });

    it("when the exits are missing or on the wrong side of the entry, then it is BAD_USER_INPUT in words", async () => {
      const missing = await place(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "100", orderClass: "BRACKET", takeProfit: { limitPrice: "110" } });
      expect(missing.errors![0].message).to.match(/needs both takeProfit and stopLoss/);
      const lowProfit = await place(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "100", orderClass: "BRACKET", takeProfit: { limitPrice: "99" }, stopLoss: { stopPrice: "90" } });
      expect(codeOf(lowProfit)).to.equal("BAD_USER_INPUT");
      expect(lowProfit.errors![0].message).to.match(/take-profit 99 must be above the entry price 100/);
      const highStop = await place(alice, { side: "BUY", type: "MARKET", quantity: "1", timeInForce: "IOC", orderClass: "BRACKET", takeProfit: { limitPrice: "110" }, stopLoss: { stopPrice: "101" } });
      expect(highStop.errors![0].message).to.match(/stop-loss 101 must be below the entry price 100/);
      const simple = await place(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "100", takeProfit: { limitPrice: "110" } });
      expect(simple.errors![0].message).to.match(/takeProfit and stopLoss are for BRACKET and OTO orders/);
      const amendExit = await (async () => {
        const entry = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "2", limitPrice: "100", orderClass: "OTO", takeProfit: { limitPrice: "110" } });
        await placed(bob, { side: "SELL", type: "LIMIT", quantity: "2", limitPrice: "100" });
        const [exit] = (await order(alice, entry.id)).legs;
        return gql(server, `mutation ($i: AmendOrderInput!) { amendOrder(input: $i) { id } }`, { i: { orderId: exit.id, quantity: "1" } }, bearer(alice.accessToken));
      })();
      expect(codeOf(amendExit)).to.equal("BAD_USER_INPUT");
      await expectInvariants();
    });
  });
});
