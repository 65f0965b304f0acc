import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { Role } from "../src/identity";
import { parseFixed } from "../src/infra/fixed";
import { topics } from "../src/infra/pubsub";
import { bearer, clearBook, codeOf, gql, grantRole, registerUser, startTestServer, subscribe, type TestUser, wsClient } from "./helpers";

const ORDER_FIELDS = "id clientOrderId portfolioId symbol side type timeInForce quantity limitPrice stopPrice filledQuantity averageFillPrice status rejectReason postOnly displayQuantity trailAmount trailPercent expiresAt fills { price quantity fee liquidity side }";
const PLACE = `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { ${ORDER_FIELDS} } }`;
const AMEND = `mutation ($i: AmendOrderInput!) { amendOrder(input: $i) { ${ORDER_FIELDS} } }`;
const CANCEL = `mutation ($id: ID!) { cancelOrder(id: $id) { ${ORDER_FIELDS} } }`;
const PORTFOLIO = `query ($id: ID!) { portfolio(id: $id) { cashBalance availableCash realizedPnl positions { symbol quantity averageCost } } }`;

interface Trader extends TestUser {
  portfolioId: string;
}

describe("trading over GraphQL", () => {
  let server: RunningServer;
  let alice: Trader;
  let bob: Trader;

  async function trader(cash: string): Promise<Trader> {
    const user = await registerUser(server);
    const { data } = await gql(server, `mutation { createPortfolio(input: { name: "Trading" }) { id } }`, {}, bearer(user.accessToken));
    const portfolioId = data!.createPortfolio.id;
    await gql(server, `mutation ($p: ID!, $a: Decimal!) { deposit(portfolioId: $p, amount: $a) { id } }`, { p: portfolioId, a: cash }, bearer(user.accessToken));
    return { ...user, portfolioId };
  }

  const place = (who: Trader, input: Record<string, unknown>) =>
    gql(server, PLACE, { i: { portfolioId: who.portfolioId, symbol: "AAPL", timeInForce: "GTC", ...input } }, bearer(who.accessToken));
  const placed = async (who: Trader, input: Record<string, unknown>) => {
    const response = await place(who, input);
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data!.placeOrder;
  };
  /** A placement whose answer is not inspected: it asks for little, so it costs little of the caller's rate limit. */
  const quick = async (who: Trader, input: Record<string, unknown>) => {
    const response = await gql(server, `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { id status } }`, { i: { portfolioId: who.portfolioId, symbol: "AAPL", timeInForce: "GTC", ...input } }, bearer(who.accessToken));
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data!.placeOrder;
  };
  const portfolio = async (who: Trader) => (await gql(server, PORTFOLIO, { id: who.portfolioId }, bearer(who.accessToken))).data!.portfolio;
  const book = async (symbol = "AAPL") => (await gql(server, `{ orderBook(symbol: "${symbol}", depth: 5) { bids { price quantity orderCount } asks { price quantity orderCount } sequence } }`)).data!.orderBook;
  const reasonOf = (response: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => response.errors?.[0]?.extensions?.reason;

  /** The completed transactions (deposits and sells in; withdrawals, buys and fees out) sum to the cash balance. */
  async function expectLedgerAgrees(who: Trader) {
    const [row] = await server.database.dataSource.query(
      `SELECT p.cash_balance, SUM(CASE t.transaction_type WHEN 'DEPOSIT' THEN t.total_amount WHEN 'SELL' THEN t.total_amount ELSE -t.total_amount END) AS ledger
         FROM portfolios p JOIN transactions t ON t.portfolio_id = p.id WHERE p.id = $1 GROUP BY p.cash_balance`,
      [who.portfolioId],
    );
    expect(parseFixed(row.ledger)).to.equal(parseFixed(row.cash_balance));
  }

  async function setReference(symbol: string, last: string) {
    await server.pubsub.publish(topics.quotes(symbol), { symbol, bid: null, ask: null, last, timestamp: new Date().toISOString() });
    while (server.services.marketData.lastPrice(symbol) !== last) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  before(async () => {
    // Two traders place a few hundred orders here; rate limits have their own tests (access.test.ts).
    server = await startTestServer({ TRADING_FEES_BPS: "*:10/20", MAX_ORDER_NOTIONAL: "50000", RATE_LIMIT_CAPACITY: "100000" });
    alice = await trader("100000");
    bob = await trader("100000");
    await setReference("AAPL", "100");
    // Bob owns shares to sell: bought from Alice's one-off sell... seeded through the ledger.
    await server.services.ledger.applyFill({ portfolioId: bob.portfolioId, userId: bob.id, symbol: "AAPL", assetName: "AAPL", side: "BUY", quantity: parseFixed("100"), price: parseFixed("90"), fee: 0n, reference: { seed: "test" } });
    await server.services.ledger.applyFill({ portfolioId: alice.portfolioId, userId: alice.id, symbol: "AAPL", assetName: "AAPL", side: "BUY", quantity: parseFixed("50"), price: parseFixed("90"), fee: 0n, reference: { seed: "test" } });
  });
  after(() => server?.stop());
  beforeEach(() => clearBook(server, "AAPL"));

  it("when a limit buy rests, then cash is reserved against it, the book shows it, and cancelling releases both", async () => {
    const before = await portfolio(alice);
    const order = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "10", limitPrice: "99.50" });
    expect(order).to.deep.include({ status: "NEW", filledQuantity: "0", limitPrice: "99.5", side: "BUY" });
    expect((await book()).bids).to.deep.equal([{ price: "99.5", quantity: "10", orderCount: 1 }]);
    const during = await portfolio(alice);
    // 10 × 99.50 plus the higher fee rate (20 bp): 995 + 1.99.
    expect(parseFixed(before.availableCash) - parseFixed(during.availableCash)).to.equal(parseFixed("996.99"));
    const cancelled = (await gql(server, CANCEL, { id: order.id }, bearer(alice.accessToken))).data!.cancelOrder;
    expect(cancelled.status).to.equal("CANCELLED");
    expect((await portfolio(alice)).availableCash).to.equal(before.availableCash);
    expect((await book()).bids).to.deep.equal([]);
    expect(codeOf(await gql(server, CANCEL, { id: order.id }, bearer(alice.accessToken)))).to.equal("CONFLICT");
  });

  it("when a sell crosses a resting buy, then both fill at the resting price, with maker and taker fees, and the ledger agrees", async () => {
    const aliceBefore = await portfolio(alice);
    const bobBefore = await portfolio(bob);
    const buy = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "10", limitPrice: "100" });
    const sell = await placed(bob, { side: "SELL", type: "LIMIT", quantity: "4", limitPrice: "99.90" });
    expect(sell).to.deep.include({ status: "FILLED", filledQuantity: "4", averageFillPrice: "100" });
    expect(sell.fills).to.deep.equal([{ price: "100", quantity: "4", fee: "0.8", liquidity: "TAKER", side: "SELL" }]);
    const buyNow = (await gql(server, `query ($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`, { id: buy.id }, bearer(alice.accessToken))).data!.order;
    expect(buyNow).to.deep.include({ status: "PARTIALLY_FILLED", filledQuantity: "4" });
    expect(buyNow.fills).to.deep.equal([{ price: "100", quantity: "4", fee: "0.4", liquidity: "MAKER", side: "BUY" }]);
    const aliceAfter = await portfolio(alice);
    const bobAfter = await portfolio(bob);
    expect(parseFixed(aliceBefore.cashBalance) - parseFixed(aliceAfter.cashBalance)).to.equal(parseFixed("400.4"));
    expect(parseFixed(bobAfter.cashBalance) - parseFixed(bobBefore.cashBalance)).to.equal(parseFixed("399.2"));
    for (const who of [alice, bob]) await expectLedgerAgrees(who);
    expect((await book()).bids).to.deep.equal([{ price: "100", quantity: "6", orderCount: 1 }]);
  });

  it("when a market order meets the book, then it fills within its protection and never rests; against nothing, it ends CANCELLED with a reason", async () => {
    await placed(bob, { side: "SELL", type: "LIMIT", quantity: "3", limitPrice: "100.50" });
    await placed(bob, { side: "SELL", type: "LIMIT", quantity: "3", limitPrice: "120.00" }).catch(() => undefined);
    const market = await placed(alice, { side: "BUY", type: "MARKET", quantity: "5", timeInForce: "IOC" });
    expect(market).to.deep.include({ status: "CANCELLED", filledQuantity: "3", rejectReason: "NO_LIQUIDITY" });
    const empty = await placed(alice, { side: "SELL", type: "MARKET", quantity: "1", timeInForce: "IOC" });
    expect(empty).to.deep.include({ status: "CANCELLED", filledQuantity: "0", rejectReason: "NO_LIQUIDITY" });
  });

  it("when IOC and FOK orders cannot fill completely, then IOC keeps what filled and FOK fills nothing", async () => {
    await placed(bob, { side: "SELL", type: "LIMIT", quantity: "2", limitPrice: "100" });
    const fok = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "5", limitPrice: "100", timeInForce: "FOK" });
    expect(fok).to.deep.include({ status: "CANCELLED", filledQuantity: "0", rejectReason: "FOK_UNFILLABLE" });
    const ioc = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "5", limitPrice: "100", timeInForce: "IOC" });
    expect(ioc).to.deep.include({ status: "CANCELLED", filledQuantity: "2", rejectReason: "IOC_REMAINDER" });
  });

  it("when the last trade crosses a stop, then the stop triggers, fills, and its owner is told over orderUpdates", async () => {
    const client = wsClient(server, { connectionParams: { authorization: `Bearer ${alice.accessToken}` } });
    const updates = subscribe(client, `subscription { orderUpdates { order { id status filledQuantity } fill { price quantity liquidity } } }`);
    try {
      const stop = await placed(alice, { side: "BUY", type: "STOP", quantity: "2", stopPrice: "101" });
      expect(stop.status).to.equal("PENDING_TRIGGER");
      await placed(bob, { side: "SELL", type: "LIMIT", quantity: "1", limitPrice: "101" });
      await placed(bob, { side: "SELL", type: "LIMIT", quantity: "5", limitPrice: "101.50" });
      await placed(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "101" }); // trades at 101: triggers
      const order = (await gql(server, `query ($id: ID!) { order(id: $id) { status filledQuantity averageFillPrice } }`, { id: stop.id }, bearer(alice.accessToken))).data!.order;
      expect(order).to.deep.equal({ status: "FILLED", filledQuantity: "2", averageFillPrice: "101.5" });
      let seen;
      for (let i = 1; !seen; i++) {
        const update = (await updates.nth(i)).orderUpdates;
        if (update.order.id === stop.id && update.fill) seen = update;
      }
      expect(seen.fill).to.deep.include({ price: "101.5", quantity: "2", liquidity: "TAKER" });
    } finally {
      updates.dispose();
      await client.dispose();
    }
  });

  it("when an order would trade with its owner's own resting order, then that order is cancelled instead (self-trade prevention)", async () => {
    const own = await placed(alice, { side: "SELL", type: "LIMIT", quantity: "1", limitPrice: "100" });
    await placed(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "100" });
    const after = (await gql(server, `query ($id: ID!) { order(id: $id) { status rejectReason } }`, { id: own.id }, bearer(alice.accessToken))).data!.order;
    expect(after).to.deep.equal({ status: "CANCELLED", rejectReason: "SELF_TRADE" });
  });

  it("when risk limits are broken, then the order is RISK_REJECTED with its reason and nothing is reserved", async () => {
    const poor = await trader("10");
    expect(reasonOf(await place(poor, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "100" }))).to.equal("INSUFFICIENT_BUYING_POWER");
    expect(reasonOf(await place(poor, { side: "SELL", type: "LIMIT", quantity: "1", limitPrice: "100" }))).to.equal("INSUFFICIENT_POSITION");
    expect(reasonOf(await place(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "150" }))).to.equal("PRICE_BAND");
    expect(reasonOf(await place(alice, { side: "BUY", type: "LIMIT", quantity: "600", limitPrice: "100" }))).to.equal("MAX_NOTIONAL");
    expect((await portfolio(poor)).availableCash).to.equal("10");
  });

  it("when an ADMIN flips a kill switch, then new orders are refused until it is flipped back", async () => {
    const admin = await registerUser(server);
    await grantRole(server, admin.email, Role.ADMIN);
    await gql(server, `mutation { setTradingHalted(symbol: "AAPL", halted: true) }`, {}, bearer(admin.accessToken));
    expect(reasonOf(await place(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "99" }))).to.equal("TRADING_HALTED");
    await gql(server, `mutation { setTradingHalted(symbol: "AAPL", halted: false) }`, {}, bearer(admin.accessToken));
    await gql(server, `mutation ($u: ID!) { setUserTradingDisabled(userId: $u, disabled: true) }`, { u: bob.id }, bearer(admin.accessToken));
    expect(reasonOf(await place(bob, { side: "SELL", type: "LIMIT", quantity: "1", limitPrice: "101" }))).to.equal("KILL_SWITCH");
    await gql(server, `mutation ($u: ID!) { setUserTradingDisabled(userId: $u, disabled: false) }`, { u: bob.id }, bearer(admin.accessToken));
    expect(codeOf(await place(bob, { side: "SELL", type: "LIMIT", quantity: "1", limitPrice: "101" }))).to.equal(undefined);
    expect(codeOf(await gql(server, `mutation { setTradingHalted(symbol: "AAPL", halted: true) }`, {}, bearer(alice.accessToken)))).to.equal("FORBIDDEN");
  });

  it("when an order is malformed, then it is BAD_USER_INPUT naming the field", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "99.995" }, "limitPrice"],
      [{ side: "BUY", type: "LIMIT", quantity: "1.5", limitPrice: "99" }, "quantity"],
      [{ side: "BUY", type: "LIMIT", quantity: "1" }, "limitPrice"],
      [{ side: "BUY", type: "MARKET", quantity: "1", limitPrice: "99" }, "limitPrice"],
      [{ side: "BUY", type: "STOP", quantity: "1" }, "stopPrice"],
      [{ side: "BUY", type: "LIMIT", quantity: "0", limitPrice: "99" }, "quantity"],
      [{ side: "BUY", type: "LIMIT", quantity: "-1", limitPrice: "99" }, "quantity"],
      [{ side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "99", clientOrderId: "bad id!" }, "clientOrderId"],
    ];
    for (const [input, field] of cases) {
      const response = await place(alice, input);
      expect(codeOf(response), JSON.stringify(input)).to.equal("BAD_USER_INPUT");
      expect(response.errors![0].extensions!.field, JSON.stringify(input)).to.equal(field);
    }
    expect(codeOf(await place(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "99", symbol: "NOPE" }))).to.equal("BAD_USER_INPUT");
    expect(codeOf(await gql(server, PLACE, { i: { portfolioId: bob.portfolioId, symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "99" } }, bearer(alice.accessToken)))).to.equal("NOT_FOUND");
  });

  it("when placeOrder is retried with the same clientOrderId, even concurrently, then the original order comes back and only one exists", async () => {
    const input = { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "98", clientOrderId: `retry-${Date.now()}` };
    const [first, second, third] = await Promise.all([placed(alice, input), placed(alice, input), placed(alice, input)]);
    expect(second.id).to.equal(first.id);
    expect(third.id).to.equal(first.id);
    const [{ count }] = await server.database.dataSource.query(`SELECT count(*) FROM orders WHERE client_order_id = $1`, [input.clientOrderId]);
    expect(Number(count)).to.equal(1);
  });

  it("when many orders arrive together, then they share commits, each is judged against the ones before it, and the ledger still sums to the cash", async () => {
    const carol = await trader("1000");
    const stats = { ...server.services.trading.commitStats };
    // Each buy reserves 3 × 100 plus the 20 bp fee, 300.60: three fit in 1,000, the other two do not.
    const buys = await Promise.all(Array.from({ length: 5 }, () => place(carol, { side: "BUY", type: "LIMIT", quantity: "3", limitPrice: "100" })));
    expect(buys.filter((r) => r.data?.placeOrder?.status === "NEW")).to.have.length(3);
    expect(buys.filter((r) => reasonOf(r) === "INSUFFICIENT_BUYING_POWER")).to.have.length(2);
    expect((await portfolio(carol)).availableCash).to.equal("98.2");
    const sells = await Promise.all(Array.from({ length: 9 }, () => placed(bob, { side: "SELL", type: "LIMIT", timeInForce: "IOC", quantity: "1", limitPrice: "100" })));
    expect(sells.map((order) => order.status)).to.deep.equal(Array(9).fill("FILLED"));
    const after = await portfolio(carol);
    // 900 for the shares and a 10 bp maker fee of 0.10 on each of the nine fills.
    expect(after).to.deep.include({ cashBalance: "99.1", availableCash: "99.1" });
    expect(after.positions).to.deep.equal([{ symbol: "AAPL", quantity: "9", averageCost: "100" }]);
    for (const who of [carol, bob]) await expectLedgerAgrees(who);
    const { commands, groups } = server.services.trading.commitStats;
    expect(commands - stats.commands, "every order was committed").to.equal(14);
    expect(groups - stats.groups, "some orders shared a commit").to.be.below(14);
    expect((await server.services.audit.verify()).valid).to.equal(true);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).to.match(/^trading_commit_groups \d+/m);
  });

  it("when another user asks for an order, then it is invisible: null, NOT_FOUND, and absent from their list", async () => {
    const order = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "97" });
    expect((await gql(server, `query ($id: ID!) { order(id: $id) { id } }`, { id: order.id }, bearer(bob.accessToken))).data!.order).to.equal(null);
    expect(codeOf(await gql(server, CANCEL, { id: order.id }, bearer(bob.accessToken)))).to.equal("NOT_FOUND");
    const list = (await gql(server, `{ orders(first: 100) { edges { node { id } } } }`, {}, bearer(bob.accessToken))).data!.orders.edges;
    expect(list.map((e: { node: { id: string } }) => e.node.id)).not.to.include(order.id);
    const mine = (await gql(server, `{ orders(first: 5, status: [NEW]) { edges { node { id status } } } }`, {}, bearer(alice.accessToken))).data!.orders.edges;
    expect(mine[0].node).to.deep.equal({ id: order.id, status: "NEW" });
  });

  it("when the trading day closes, then DAY orders expire and release their reservation", async () => {
    const before = await portfolio(alice);
    const day = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "2", limitPrice: "96", timeInForce: "DAY" });
    const gtc = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "95" });
    await server.services.trading.expireDay();
    const status = async (id: string) => (await gql(server, `query ($id: ID!) { order(id: $id) { status } }`, { id }, bearer(alice.accessToken))).data!.order.status;
    expect(await status(day.id)).to.equal("EXPIRED");
    expect(await status(gtc.id)).to.equal("NEW");
    await gql(server, CANCEL, { id: gtc.id }, bearer(alice.accessToken));
    expect((await portfolio(alice)).availableCash).to.equal(before.availableCash);
  });

  it("when the server restarts, then the book is rebuilt from the database with the same levels and priority", async () => {
    await placed(alice, { side: "BUY", type: "LIMIT", quantity: "3", limitPrice: "99" });
    const second = await placed(bob, { side: "BUY", type: "LIMIT", quantity: "2", limitPrice: "99" });
    await placed(bob, { side: "SELL", type: "LIMIT", quantity: "4", limitPrice: "101" });
    await placed(alice, { side: "SELL", type: "STOP", quantity: "1", stopPrice: "95" });
    const before = await book();
    const config = server.config;
    await server.stop();
    server = await startTestServer({ DATA_DIR: config.dataDir, TRADING_FEES_BPS: "*:10/20", MAX_ORDER_NOTIONAL: "50000", RATE_LIMIT_CAPACITY: "100000" });
    await setReference("AAPL", "100");
    expect(await book()).to.deep.equal(before);
    // Priority survived: Bob's sell of 4 at 99 takes Alice's 3 (queued first), then meets his own
    // buy, which self-trade prevention cancels; the last 1 rests.
    const sell = await placed(bob, { side: "SELL", type: "LIMIT", quantity: "4", limitPrice: "99" });
    expect(sell).to.deep.include({ status: "PARTIALLY_FILLED", filledQuantity: "3" });
    const bobBuy = (await gql(server, `query ($id: ID!) { order(id: $id) { status rejectReason } }`, { id: second.id }, bearer(bob.accessToken))).data!.order;
    expect(bobBuy).to.deep.equal({ status: "CANCELLED", rejectReason: "SELF_TRADE" });
  });

  describe("order options (issue 15)", () => {
    it("when a post-only buy would take liquidity, then it is answered as an order, CANCELLED untouched with POST_ONLY, and nothing is reserved", async () => {
      await placed(bob, { side: "SELL", type: "LIMIT", quantity: "2", limitPrice: "100" });
      const before = await portfolio(alice);
      const order = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "100", postOnly: true });
      expect(order).to.deep.include({ status: "CANCELLED", rejectReason: "POST_ONLY", filledQuantity: "0" });
      expect((await portfolio(alice)).availableCash).to.equal(before.availableCash);
      expect((await book()).asks).to.deep.equal([{ price: "100", quantity: "2", orderCount: 1 }]);
      const resting = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "99", postOnly: true });
      expect(resting).to.deep.include({ status: "NEW" });
      const shown = await gql(server, `query ($id: ID!) { order(id: $id) { postOnly displayQuantity } }`, { id: resting.id }, bearer(alice.accessToken));
      expect(shown.data!.order).to.deep.equal({ postOnly: true, displayQuantity: null });
    });

    it("when post-only or a display quantity is asked of an order that cannot rest, then it is BAD_USER_INPUT naming the field", async () => {
      const post = await place(alice, { side: "BUY", type: "MARKET", quantity: "1", postOnly: true });
      expect(codeOf(post)).to.equal("BAD_USER_INPUT");
      expect(post.errors![0].extensions!.field).to.equal("postOnly");
      const ice = await place(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "99", displayQuantity: "2" });
      expect(codeOf(ice)).to.equal("BAD_USER_INPUT");
      expect(ice.errors![0].extensions!.field).to.equal("displayQuantity");
    });

    it("when an iceberg rests and its shown part fills, then the book shows only the next part, and a rebuild from the journal shows the same", async () => {
      const ice = await placed(bob, { side: "SELL", type: "LIMIT", quantity: "25", limitPrice: "101", displayQuantity: "10" });
      expect(ice).to.deep.include({ status: "NEW" });
      expect((await book()).asks).to.deep.equal([{ price: "101", quantity: "10", orderCount: 1 }]);
      await placed(alice, { side: "BUY", type: "LIMIT", quantity: "13", limitPrice: "101" });
      expect((await book()).asks).to.deep.equal([{ price: "101", quantity: "7", orderCount: 1 }]);
      await server.services.trading.idle();
      const desk = server.services.trading.desk("AAPL");
      const depth = desk.book.depth(5);
      await desk.recover(server.database.dataSource.manager);
      expect(desk.book.depth(5)).to.deep.equal(depth);
    });

    describe("amendOrder", () => {
      const amend = (who: Trader, input: Record<string, unknown>) => gql(server, AMEND, { i: input }, bearer(who.accessToken));
      const amended = async (who: Trader, input: Record<string, unknown>) => {
        const response = await amend(who, input);
        if (response.errors) throw new Error(JSON.stringify(response.errors));
        return response.data!.amendOrder;
      };

      it("when a resting order is reduced, then it keeps its place; when it grows, it goes to the back; the reservation follows the quantity", async () => {
        const first = await placed(bob, { side: "SELL", type: "LIMIT", quantity: "5", limitPrice: "101" });
        await placed(bob, { side: "SELL", type: "LIMIT", quantity: "5", limitPrice: "101" });
        const buy = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "10", limitPrice: "99" });
        const cashWithTen = (await portfolio(alice)).availableCash;
        expect(await amended(alice, { orderId: buy.id, quantity: "4" })).to.deep.include({ id: buy.id, quantity: "4", status: "NEW" });
        // 6 fewer at 99 with the 20 bps fee: 594 + 1.188, rounded up.
        expect(parseFixed((await portfolio(alice)).availableCash) - parseFixed(cashWithTen)).to.equal(parseFixed("595.188"));
        await amended(bob, { orderId: first.id, quantity: "3" });
        expect((await book()).asks).to.deep.equal([{ price: "101", quantity: "8", orderCount: 2 }]);
        const taker = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "3", limitPrice: "101", timeInForce: "IOC" });
        expect(taker.status).to.equal("FILLED");
        const firstNow = await gql(server, `query ($id: ID!) { order(id: $id) { status filledQuantity } }`, { id: first.id }, bearer(bob.accessToken));
        expect(firstNow.data!.order).to.deep.equal({ status: "FILLED", filledQuantity: "3" });
        // Growing loses priority: a second order queues ahead of the grown one.
        await clearBook(server, "AAPL");
        const grown = await placed(bob, { side: "SELL", type: "LIMIT", quantity: "2", limitPrice: "102" });
        const later = await placed(bob, { side: "SELL", type: "LIMIT", quantity: "2", limitPrice: "102" });
        await amended(bob, { orderId: grown.id, quantity: "3" });
        await placed(alice, { side: "BUY", type: "LIMIT", quantity: "2", limitPrice: "102", timeInForce: "IOC" });
        const laterNow = await gql(server, `query ($id: ID!) { order(id: $id) { status } }`, { id: later.id }, bearer(bob.accessToken));
        expect(laterNow.data!.order.status).to.equal("FILLED");
        await expectLedgerAgrees(alice);
      });

      it("when an amend's new price crosses, then it trades as a new order would, keeping its id, and a rebuild from the journal shows the same book", async () => {
        await placed(bob, { side: "SELL", type: "LIMIT", quantity: "2", limitPrice: "101" });
        const buy = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "5", limitPrice: "99" });
        const order = await amended(alice, { orderId: buy.id, limitPrice: "101" });
        expect(order).to.deep.include({ id: buy.id, status: "PARTIALLY_FILLED", filledQuantity: "2", limitPrice: "101", quantity: "5" });
        expect((await book()).bids).to.deep.equal([{ price: "101", quantity: "3", orderCount: 1 }]);
        await server.services.trading.idle();
        const desk = server.services.trading.desk("AAPL");
        const depth = desk.book.depth(5);
        await desk.recover(server.database.dataSource.manager);
        expect(desk.book.depth(5)).to.deep.equal(depth);
        const [row] = await server.database.dataSource.query(`SELECT quantity, limit_price, reserved_cash FROM orders WHERE id = $1`, [buy.id]);
        // 3 left at 101 with the 20 bps fee.
        expect({ quantity: parseFixed(row.quantity), limit: parseFixed(row.limit_price), reserved: parseFixed(row.reserved_cash) }).to.deep.equal({ quantity: parseFixed("5"), limit: parseFixed("101"), reserved: parseFixed("303.606") });
        await expectLedgerAgrees(alice);
      });

      it("when amended to exactly what filled, then it is CANCELLED keeping its fills; below that, or closed, or not theirs, it is refused", async () => {
        await placed(bob, { side: "SELL", type: "LIMIT", quantity: "2", limitPrice: "100" });
        const buy = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "5", limitPrice: "100" });
        expect(buy.filledQuantity).to.equal("2");
        const below = await amend(alice, { orderId: buy.id, quantity: "1" });
        expect(codeOf(below)).to.equal("BAD_USER_INPUT");
        expect(below.errors![0].extensions!.field).to.equal("quantity");
        expect(codeOf(await amend(bob, { orderId: buy.id, quantity: "3" }))).to.equal("NOT_FOUND");
        const before = await portfolio(alice);
        const closed = await amended(alice, { orderId: buy.id, quantity: "2" });
        expect(closed).to.deep.include({ status: "CANCELLED", filledQuantity: "2", quantity: "2", rejectReason: null });
        expect(parseFixed((await portfolio(alice)).availableCash) > parseFixed(before.availableCash)).to.equal(true);
        expect((await book()).bids).to.deep.equal([]);
        expect(codeOf(await amend(alice, { orderId: buy.id, quantity: "3" }))).to.equal("CONFLICT");
        const unfilled = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "4", limitPrice: "90" });
        expect(await amended(alice, { orderId: unfilled.id, quantity: "0" })).to.deep.include({ status: "CANCELLED", quantity: "4", filledQuantity: "0" });
        await expectLedgerAgrees(alice);
      });

      it("when an amend asks for more than the account can carry, or a price off the band or the type, then it is refused and nothing changes", async () => {
        const poor = await trader("1000");
        const buy = await placed(poor, { side: "BUY", type: "LIMIT", quantity: "5", limitPrice: "99" });
        const before = await portfolio(poor);
        const tooMuch = await amend(poor, { orderId: buy.id, quantity: "20" });
        expect(codeOf(tooMuch)).to.equal("RISK_REJECTED");
        expect(reasonOf(tooMuch)).to.equal("INSUFFICIENT_BUYING_POWER");
        const band = await amend(poor, { orderId: buy.id, limitPrice: "150" });
        expect(reasonOf(band)).to.equal("PRICE_BAND");
        const wrongField = await amend(poor, { orderId: buy.id, stopPrice: "98" });
        expect(codeOf(wrongField)).to.equal("BAD_USER_INPUT");
        expect(wrongField.errors![0].extensions!.field).to.equal("stopPrice");
        expect(codeOf(await amend(poor, { orderId: buy.id }))).to.equal("BAD_USER_INPUT");
        expect(codeOf(await amend(poor, { orderId: buy.id, limitPrice: "99.005" }))).to.equal("BAD_USER_INPUT");
        expect(await portfolio(poor)).to.deep.equal(before);
        expect((await book()).bids).to.deep.equal([{ price: "99", quantity: "5", orderCount: 1 }]);
        const sell = await placed(bob, { side: "SELL", type: "LIMIT", quantity: "10", limitPrice: "105" });
        const oversell = await amend(bob, { orderId: sell.id, quantity: "200" });
        expect(reasonOf(oversell)).to.equal("INSUFFICIENT_POSITION");
      });

      it("when a waiting stop's stop price is amended, then it triggers at the new price, within the protection the new price gives", async () => {
        await setReference("AAPL", "100");
        const print = async (price: string) => {
          await quick(bob, { side: "SELL", type: "LIMIT", quantity: "1", limitPrice: price });
          await quick(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: price, timeInForce: "IOC" });
        };
        await print("100");
        await placed(bob, { side: "SELL", type: "LIMIT", quantity: "5", limitPrice: "108" });
        const stop = await placed(alice, { side: "BUY", type: "STOP", quantity: "2", stopPrice: "105" });
        expect(stop.status).to.equal("PENDING_TRIGGER");
        const moved = await amended(alice, { orderId: stop.id, stopPrice: "101" });
        expect(moved).to.deep.include({ status: "PENDING_TRIGGER", stopPrice: "101" });
        await print("101");
        await server.services.trading.idle();
        // From 101 the protection is 106.05 (5%): the 108 ask is beyond it (from 105 it was not).
        const after = await gql(server, `query ($id: ID!) { order(id: $id) { status filledQuantity rejectReason } }`, { id: stop.id }, bearer(alice.accessToken));
        expect(after.data!.order).to.deep.equal({ status: "CANCELLED", filledQuantity: "0", rejectReason: "NO_LIQUIDITY" });
        expect((await book()).asks).to.deep.equal([{ price: "108", quantity: "5", orderCount: 1 }]);
        await expectLedgerAgrees(alice);
      });
    });

    describe("trailing stops", () => {
      const print = async (price: string) => {
        await quick(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: price });
        await quick(bob, { side: "SELL", type: "LIMIT", quantity: "1", limitPrice: price, timeInForce: "IOC" });
      };
      const stopPriceOf = async (orderId: string) => {
        await server.services.trading.idle();
        const [{ engine_id }] = await server.database.dataSource.query(`SELECT engine_id FROM orders WHERE id = $1`, [orderId]);
        return server.services.trading.desk("AAPL").book.trailingStopPrice(Number(engine_id));
      };
      const rebuild = () => server.services.trading.desk("AAPL").recover(server.database.dataSource.manager);

      it("when the price rises, then a sell trailing stop follows it, survives a rebuild from the journal with its mark, and sells when the price falls to it", async () => {
        await setReference("AAPL", "100");
        await print("100");
        const stop = await placed(bob, { side: "SELL", type: "TRAILING_STOP", quantity: "1", trailAmount: "2" });
        expect(stop).to.deep.include({ status: "PENDING_TRIGGER", type: "TRAILING_STOP", trailAmount: "2", trailPercent: null, stopPrice: null });
        expect(await stopPriceOf(stop.id)).to.equal(9800);
        await print("105");
        expect(await stopPriceOf(stop.id)).to.equal(10300);
        await rebuild();
        expect(await stopPriceOf(stop.id)).to.equal(10300);
        await print("104");
        expect(await stopPriceOf(stop.id)).to.equal(10300);
        await placed(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "102" });
        await print("103");
        await server.services.trading.idle();
        const after = await gql(server, `query ($id: ID!) { order(id: $id) { status filledQuantity averageFillPrice } }`, { id: stop.id }, bearer(bob.accessToken));
        expect(after.data!.order).to.deep.equal({ status: "FILLED", filledQuantity: "1", averageFillPrice: "102" });
      });

      it("when a buy trails by percent, then it reserves the worst cost from the reference plus the trail, and an amended trail keeps the mark across a rebuild", async () => {
        await setReference("AAPL", "100");
        await print("100");
        const before = await portfolio(alice);
        const stop = await placed(alice, { side: "BUY", type: "TRAILING_STOP", quantity: "2", trailPercent: "5" });
        expect(stop).to.deep.include({ status: "PENDING_TRIGGER", trailPercent: "5", trailAmount: null });
        // Trigger at most 105, protection 5% beyond: 110.25 a share, with the 20 bps fee.
        expect(parseFixed(before.availableCash) - parseFixed((await portfolio(alice)).availableCash)).to.equal(parseFixed("220.941"));
        expect(await stopPriceOf(stop.id)).to.equal(10500);
        await print("98");
        expect(await stopPriceOf(stop.id)).to.equal(10290);
        const amended = await gql(server, AMEND, { i: { orderId: stop.id, trailAmount: "1" } }, bearer(alice.accessToken));
        expect(amended.errors).to.equal(undefined);
        expect(amended.data!.amendOrder).to.deep.include({ trailAmount: "1", trailPercent: null, status: "PENDING_TRIGGER" });
        expect(await stopPriceOf(stop.id)).to.equal(9900);
        // Above the mark of 98 (below the stop): the mark stays, before and after a rebuild.
        await print("98.5");
        expect(await stopPriceOf(stop.id)).to.equal(9900);
        await rebuild();
        expect(await stopPriceOf(stop.id)).to.equal(9900);
        await expectLedgerAgrees(alice);
      });

      it("when a trail is missing, doubled, out of range or given to another type, then it is BAD_USER_INPUT naming the field", async () => {
        const fresh = await trader("1000");
        const field = async (input: Record<string, unknown>) => {
          const response = await place(fresh, { side: "SELL", quantity: "1", ...input });
          expect(codeOf(response)).to.equal("BAD_USER_INPUT");
          return response.errors![0].extensions!.field;
        };
        expect(await field({ type: "TRAILING_STOP" })).to.equal("trailAmount");
        expect(await field({ type: "TRAILING_STOP", trailAmount: "1", trailPercent: "1" })).to.equal("trailAmount");
        expect(await field({ type: "TRAILING_STOP", trailPercent: "100" })).to.equal("trailPercent");
        expect(await field({ type: "TRAILING_STOP", trailPercent: "0.001" })).to.equal("trailPercent");
        expect(await field({ type: "TRAILING_STOP", trailAmount: "0.005" })).to.equal("trailAmount");
        expect(await field({ type: "TRAILING_STOP", trailAmount: "1", stopPrice: "99" })).to.equal("stopPrice");
        expect(await field({ type: "LIMIT", limitPrice: "100", trailAmount: "1" })).to.equal("trailAmount");
      });
    });

    describe("good till date", () => {
      const statusOf = async (who: Trader, id: string) => (await gql(server, `query ($id: ID!) { order(id: $id) { status } }`, { id }, bearer(who.accessToken))).data!.order.status;

      it("when a GTD order's time comes, then the timer expires it and its reservation is released", async () => {
        const before = await portfolio(alice);
        const expiresAt = new Date(Date.now() + 300).toISOString();
        const order = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "2", limitPrice: "95", timeInForce: "GTD", expiresAt });
        expect(order).to.deep.include({ status: "NEW", timeInForce: "GTD", expiresAt });
        const later = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "94", timeInForce: "GTD", expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
        while ((await statusOf(alice, order.id)) !== "EXPIRED") await new Promise((resolve) => setTimeout(resolve, 20));
        expect(await statusOf(alice, later.id)).to.equal("NEW");
        await gql(server, CANCEL, { id: later.id }, bearer(alice.accessToken));
        expect((await portfolio(alice)).availableCash).to.equal(before.availableCash);
      });

      it("when the book is rebuilt from the journal, then GTD orders keep their time and expire when it passes; later ones stay", async () => {
        await setReference("AAPL", "100");
        // A known last trade, below the stop's trigger.
        await quick(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "100" });
        await quick(bob, { side: "SELL", type: "LIMIT", quantity: "1", limitPrice: "100", timeInForce: "IOC" });
        const soon = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "95", timeInForce: "GTD", expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
        const stop = await placed(alice, { side: "BUY", type: "STOP", quantity: "1", stopPrice: "108", timeInForce: "GTD", expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
        const later = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "94", timeInForce: "GTD", expiresAt: new Date(Date.now() + 3 * 3_600_000).toISOString() });
        await server.services.trading.idle();
        await server.services.trading.desk("AAPL").recover(server.database.dataSource.manager);
        await server.services.trading.expireDue(new Date(Date.now() + 2 * 3_600_000));
        expect(await statusOf(alice, soon.id)).to.equal("EXPIRED");
        expect(await statusOf(alice, stop.id)).to.equal("EXPIRED");
        expect(await statusOf(alice, later.id)).to.equal("NEW");
        expect((await book()).bids).to.deep.equal([{ price: "94", quantity: "1", orderCount: 1 }]);
      });

      it("when expiresAt is missing, stray, past, or asked of a market order, then it is BAD_USER_INPUT naming the field", async () => {
        const fresh = await trader("1000");
        const field = async (input: Record<string, unknown>) => {
          const response = await place(fresh, { side: "BUY", type: "LIMIT", limitPrice: "95", quantity: "1", ...input });
          expect(codeOf(response)).to.equal("BAD_USER_INPUT");
          return response.errors![0].extensions!.field;
        };
        const future = new Date(Date.now() + 60_000).toISOString();
        expect(await field({ timeInForce: "GTD" })).to.equal("expiresAt");
        expect(await field({ timeInForce: "GTC", expiresAt: future })).to.equal("expiresAt");
        expect(await field({ timeInForce: "GTD", expiresAt: new Date(Date.now() - 1_000).toISOString() })).to.equal("expiresAt");
        expect(await field({ type: "MARKET", limitPrice: null, timeInForce: "GTD", expiresAt: future })).to.equal("timeInForce");
      });
    });

    it("when a trader cancels all in a symbol, then every open order of theirs there is cancelled in one step and others' stay", async () => {
      const a = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "95" });
      const b = await placed(alice, { side: "BUY", type: "LIMIT", quantity: "2", limitPrice: "96" });
      const other = await placed(bob, { side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "94" });
      const response = await gql(server, `mutation { cancelAllOrders(symbol: "AAPL") { id status } }`, {}, bearer(alice.accessToken));
      expect(response.errors).to.equal(undefined);
      expect(response.data!.cancelAllOrders.map((o: { id: string }) => o.id).sort()).to.deep.equal([a.id, b.id].sort());
      expect(response.data!.cancelAllOrders.every((o: { status: string }) => o.status === "CANCELLED")).to.equal(true);
      expect((await book()).bids).to.deep.equal([{ price: "94", quantity: "1", orderCount: 1 }]);
      const mine = await gql(server, `query ($id: ID!) { order(id: $id) { status } }`, { id: other.id }, bearer(bob.accessToken));
      expect(mine.data!.order.status).to.equal("NEW");
      const unknown = await gql(server, `mutation { cancelAllOrders(symbol: "NOPE") { id } }`, {}, bearer(alice.accessToken));
      expect(codeOf(unknown)).to.equal("BAD_USER_INPUT");
    });
  });
});
