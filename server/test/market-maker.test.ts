import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { parseFixed } from "../src/infra/fixed";
import { topics } from "../src/infra/pubsub";
import { bearer, gql, registerUser, startTestServer, subscribe, wsClient } from "./helpers";

describe("market maker and live trading between users", () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({ MARKET_MAKER: "true", VALUATION_PUBLISH_INTERVAL_MS: "50", SYSTEM_ACTIVITY_AUDIT_MS: "200" });
    // Prices come from quotes; give the maker a reference for ETH-USD.
    await server.pubsub.publish(topics.quotes("ETH-USD"), { symbol: "ETH-USD", bid: null, ask: null, last: "3000", timestamp: new Date().toISOString() });
    while (server.services.marketData.lastPrice("ETH-USD") !== "3000") await new Promise((resolve) => setTimeout(resolve, 5));
  });
  after(() => server?.stop());

  async function trader(cash: string) {
    const user = await registerUser(server);
    const { data } = await gql(server, `mutation { createPortfolio(input: { name: "Main" }) { id } }`, {}, bearer(user.accessToken));
    await gql(server, `mutation ($p: ID!, $a: Decimal!) { deposit(portfolioId: $p, amount: $a) { id } }`, { p: data!.createPortfolio.id, a: cash }, bearer(user.accessToken));
    return { ...user, portfolioId: data!.createPortfolio.id as string };
  }

  it("when the maker runs, then it keeps several levels on both sides around the reference, and a lone market order fills", async () => {
    let depth: any;
    // The maker quotes asynchronously after the price arrives: wait for its ladder.
    const around3000 = (d: any) => d.bids.length >= 3 && d.asks.length >= 3 && parseFixed(d.bids[0].price) < parseFixed("3000") && parseFixed(d.asks[0].price) > parseFixed("3000");
    for (;;) {
      depth = (await gql(server, `{ orderBook(symbol: "ETH-USD", depth: 5) { bids { price orderCount } asks { price orderCount } } }`)).data!.orderBook;
      if (around3000(depth)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const alone = await trader("20000");
    const { data, errors } = await gql(
      server,
      `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { status filledQuantity averageFillPrice } }`,
      { i: { portfolioId: alone.portfolioId, symbol: "ETH-USD", side: "BUY", type: "MARKET", quantity: "1", timeInForce: "IOC" } },
      bearer(alone.accessToken),
    );
    expect(errors).to.equal(undefined);
    expect(data!.placeOrder).to.deep.include({ status: "FILLED", filledQuantity: "1" });
    expect(data!.placeOrder.averageFillPrice).to.equal(depth.asks[0].price);
  });

  it("when a customer trades off the reference, then the maker keeps quoting around the feed's reference, and the feed's next tick moves last price and book again", async () => {
    const quote = (fields: Record<string, string>) =>
      server.pubsub.publish(topics.quotes("BTC-USD"), { symbol: "BTC-USD", bid: null, ask: null, timestamp: new Date().toISOString(), ...fields } as never);
    const bestBidAsk = async () => {
      const book = (await gql(server, `{ orderBook(symbol: "BTC-USD", depth: 1) { bids { price } asks { price } } }`)).data!.orderBook;
      return { bid: book.bids[0] ? parseFixed(book.bids[0].price) : null, ask: book.asks[0] ? parseFixed(book.asks[0].price) : null };
    };
    const waitFor = async (ok: () => Promise<boolean>) => {
      while (!(await ok())) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    const startedAt = new Date();
    await quote({ last: "96500", reference: "96500" });
    await waitFor(async () => {
      const { bid, ask } = await bestBidAsk();
      return bid !== null && ask !== null && bid < parseFixed("96500") && ask > parseFixed("96500") && ask - bid < parseFixed("300");
    });
    const buyer = await trader("20000");
    const bought = await gql(server, `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { status averageFillPrice } }`, { i: { portfolioId: buyer.portfolioId, symbol: "BTC-USD", side: "BUY", type: "MARKET", quantity: "0.05", timeInForce: "IOC" } }, bearer(buyer.accessToken));
    expect(bought.data!.placeOrder.status).to.equal("FILLED");
    const tradedAt = bought.data!.placeOrder.averageFillPrice;
    await waitFor(async () => server.services.marketData.lastPrice("BTC-USD") === tradedAt);
    // The maker's ladder stays around the reference, not around its own fill above it.
    expect(server.services.marketData.referencePrice("BTC-USD")).to.equal("96500");
    // The feed moves: last price and book follow it, whatever the last trade was.
    await quote({ last: "97000", reference: "97000" });
    await waitFor(async () => {
      const { bid, ask } = await bestBidAsk();
      return bid !== null && ask !== null && bid < parseFixed("97000") && ask > parseFixed("97000") && bid > parseFixed("96800");
    });
    expect(server.services.marketData.lastPrice("BTC-USD")).to.equal("97000");
    // The maker's quoting is system liquidity: summarised per instrument, never an event per order.
    const maker = `SELECT id FROM users WHERE email = 'market-maker@system.blockguardian.local'`;
    const perOrder = await server.database.dataSource.query(`SELECT count(*)::int AS n FROM audit_logs WHERE event_type = 'order.placed' AND user_id = (${maker}) AND timestamp >= $1`, [startedAt]);
    expect(perOrder[0].n).to.equal(0);
    await quote({ last: "97010", reference: "97010" });
    let summaries: Array<{ payload: Record<string, unknown> }> = [];
    while (summaries.length === 0) {
      await quote({ last: "97020", reference: "97020" });
      await new Promise((resolve) => setTimeout(resolve, 100));
      summaries = await server.database.dataSource.query(`SELECT payload FROM audit_logs WHERE event_type = 'market_maker.activity' AND entity_id = 'BTC-USD'`);
    }
    expect(summaries[0].payload).to.include.keys("ordersPlaced", "ordersCancelled", "fills", "since", "until");
  });

  it("when two users trade, then both receive their fills live, and positions, cash and valuation agree afterwards", async () => {
    const seller = await trader("1000");
    const buyer = await trader("50000");
    // The seller acquires ETH first from the maker, then offers it above the maker's asks.
    const buyFromMaker = await gql(
      server,
      `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { status } }`,
      { i: { portfolioId: seller.portfolioId, symbol: "ETH-USD", side: "BUY", type: "MARKET", quantity: "0.1", timeInForce: "IOC" } },
      bearer(seller.accessToken),
    );
    expect(buyFromMaker.data!.placeOrder.status).to.equal("FILLED");
    const clients = [seller, buyer].map((user) => wsClient(server, { connectionParams: { authorization: `Bearer ${user.accessToken}` } }));
    const [sellerUpdates, buyerUpdates] = clients.map((client) =>
      subscribe(client, `subscription { orderUpdates { order { id side status } fill { price quantity liquidity } } }`),
    );
    const valuation = subscribe(clients[1], `subscription ($p: ID!) { portfolioValuation(portfolioId: $p) { totalValue cashBalance } }`, { p: buyer.portfolioId });
    try {
      await valuation.nth(1);
      const PLACE = `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { id status } }`;
      // Inside the maker's spread, the seller's offer is the best ask; the buyer lifts it.
      const offer = await gql(server, PLACE, { i: { portfolioId: seller.portfolioId, symbol: "ETH-USD", side: "SELL", type: "LIMIT", quantity: "0.05", limitPrice: "3000" } }, bearer(seller.accessToken));
      expect(offer.errors, JSON.stringify(offer.errors)).to.equal(undefined);
      const lift = await gql(server, PLACE, { i: { portfolioId: buyer.portfolioId, symbol: "ETH-USD", side: "BUY", type: "LIMIT", quantity: "0.05", limitPrice: "3000" } }, bearer(buyer.accessToken));
      expect(lift.data!.placeOrder.status).to.equal("FILLED");
      const findFill = async (updates: ReturnType<typeof subscribe<any>>) => {
        for (let i = 1; ; i++) {
          const update = (await updates.nth(i)).orderUpdates;
          if (update.fill) return update;
        }
      };
      const sellerFill = await findFill(sellerUpdates);
      const buyerFill = await findFill(buyerUpdates);
      expect(sellerFill.order.side).to.equal("SELL");
      expect(sellerFill.fill).to.deep.include({ price: "3000", quantity: "0.05", liquidity: "MAKER" });
      expect(buyerFill.fill).to.deep.include({ price: "3000", quantity: "0.05", liquidity: "TAKER" });
      const PORTFOLIO = `query ($id: ID!) { portfolio(id: $id) { cashBalance totalValue positions { symbol quantity } } }`;
      const buyerPortfolio = (await gql(server, PORTFOLIO, { id: buyer.portfolioId }, bearer(buyer.accessToken))).data!.portfolio;
      expect(buyerPortfolio.positions).to.deep.equal([{ symbol: "ETH-USD", quantity: "0.05" }]);
      // The stream catches up with the query: the same cash, the same total at the same price.
      let latest = (await valuation.nth(1)).portfolioValuation;
      for (let i = 2; latest.cashBalance !== buyerPortfolio.cashBalance; i++) latest = (await valuation.nth(i)).portfolioValuation;
      expect(latest.cashBalance).to.equal(buyerPortfolio.cashBalance);
    } finally {
      for (const sub of [sellerUpdates, buyerUpdates, valuation]) sub.dispose();
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });
});

describe("auto-rebalancing", () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({ MARKET_MAKER: "true" });
    for (const [symbol, last] of [["MSFT", "400"], ["NVDA", "150"]] as const) {
      await server.pubsub.publish(topics.quotes(symbol), { symbol, bid: null, ask: null, last, timestamp: new Date().toISOString() });
      while (server.services.marketData.lastPrice(symbol) !== last) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  after(() => server?.stop());

  it("when a portfolio with autoRebalance drifts past its threshold, then its proposal is submitted as orders and the drift falls", async () => {
    const user = await registerUser(server);
    const { data } = await gql(server, `mutation { createPortfolio(input: { name: "Auto", autoRebalance: true, rebalanceThreshold: "0.1" }) { id } }`, {}, bearer(user.accessToken));
    const portfolioId = data!.createPortfolio.id;
    await gql(server, `mutation ($p: ID!) { deposit(portfolioId: $p, amount: "20000") { id } }`, { p: portfolioId }, bearer(user.accessToken));
    const SET = `mutation ($p: ID!, $t: [AllocationTargetInput!]!) { setTargetAllocation(portfolioId: $p, targets: $t) { rebalanceProposal { maxDrift needed } } }`;
    const before = (await gql(server, SET, { p: portfolioId, t: [{ symbol: "MSFT", weight: "0.5" }, { symbol: "NVDA", weight: "0.5" }] }, bearer(user.accessToken))).data!.setTargetAllocation.rebalanceProposal;
    expect(before.needed).to.equal(true);
    // Wait for the maker's whole ladders (three levels a side) around both new references.
    for (const symbol of ["MSFT", "NVDA"]) {
      for (;;) {
        const book = (await gql(server, `{ orderBook(symbol: "${symbol}", depth: 3) { asks { price } } }`)).data!.orderBook;
        const reference = parseFixed(server.services.marketData.lastPrice(symbol)!);
        if (book.asks.length === 3 && book.asks.every((ask: { price: string }) => parseFixed(ask.price) - reference < reference / 50n)) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    expect(await server.services.autoRebalancer.runOnce()).to.be.at.least(1);
    const after = (await gql(server, `query ($id: ID!) { portfolio(id: $id) { cashBalance positions { symbol quantity weight } rebalanceProposal { maxDrift needed } } }`, { id: portfolioId }, bearer(user.accessToken))).data!.portfolio;
    expect(after.positions.map((p: { symbol: string }) => p.symbol).sort()).to.deep.equal(["MSFT", "NVDA"]);
    expect(parseFixed(after.rebalanceProposal.maxDrift) < parseFixed("0.1"), JSON.stringify(after)).to.equal(true);
    const audit = await server.database.dataSource.query(`SELECT event_type FROM audit_logs WHERE entity_id = $1 AND event_type = 'portfolio.auto_rebalanced'`, [portfolioId]);
    expect(audit).to.have.length(1);
  });
});
