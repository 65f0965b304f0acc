import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { parseFixed } from "../src/infra/fixed";
import { topics } from "../src/infra/pubsub";
import { bearer, gql, registerUser, startTestServer, subscribe, wsClient } from "./helpers";

/**
 * What `npm start` gives a user with no services: PGlite and the in-process pub/sub. The same
 * trading path as production (group commit, the market maker, fills over graphql-ws) on them.
 */
describe("embedded defaults: trading with no services", () => {
  let server: RunningServer;
  before(async function () {
    this.timeout(120_000);
    server = await startTestServer({ DATABASE_URL: undefined, REDIS_URL: undefined, MARKET_MAKER: "true" });
    await server.pubsub.publish(topics.quotes("AAPL"), { symbol: "AAPL", bid: null, ask: null, last: "200", timestamp: new Date().toISOString() });
    for (;;) {
      const book = (await gql(server, `{ orderBook(symbol: "AAPL", depth: 3) { asks { price } } }`)).data!.orderBook;
      // The maker's whole ladder around the new reference (it may still be requoting an older one).
      if (book.asks.length === 3 && book.asks.every((ask: { price: string }) => parseFixed(ask.price) < parseFixed("202"))) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  after(() => server?.stop());

  it("when a trader buys at market against the market maker, then the fill streams to them and cash and position agree", async () => {
    expect(server.database.kind).to.equal("pglite");
    expect(server.pubsub.kind).to.equal("memory");
    const user = await registerUser(server);
    const auth = bearer(user.accessToken);
    const portfolioId = (await gql(server, `mutation { createPortfolio(input: { name: "Embedded" }) { id } }`, {}, auth)).data!.createPortfolio.id;
    await gql(server, `mutation ($p: ID!) { deposit(portfolioId: $p, amount: "10000") { id } }`, { p: portfolioId }, auth);
    const client = wsClient(server, { connectionParams: { authorization: `Bearer ${user.accessToken}` } });
    const updates = subscribe(client, `subscription { orderUpdates { order { status } fill { price quantity } } }`);
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const PLACE = `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { status filledQuantity averageFillPrice rejectReason } }`;
      // Several at once, so they share a commit on PGlite's single session too.
      const orders = await Promise.all(
        [1, 2, 3].map(() => gql(server, PLACE, { i: { portfolioId, symbol: "AAPL", side: "BUY", type: "MARKET", quantity: "2" } }, auth)),
      );
      for (const { data, errors } of orders) {
        expect(errors).to.equal(undefined);
        expect(data!.placeOrder).to.include({ status: "FILLED", filledQuantity: "2" });
      }
      const fill = (await updates.nth(1)).orderUpdates;
      expect(fill.order.status).to.equal("FILLED");
      expect(fill.fill.quantity).to.equal("2");
      const portfolio = (await gql(server, `query ($id: ID!) { portfolio(id: $id) { cashBalance positions { symbol quantity } } }`, { id: portfolioId }, auth)).data!.portfolio;
      expect(portfolio.positions).to.deep.equal([{ symbol: "AAPL", quantity: "6" }]);
      const [ledger] = await server.database.dataSource.query(
        `SELECT SUM(CASE transaction_type WHEN 'DEPOSIT' THEN total_amount WHEN 'SELL' THEN total_amount ELSE -total_amount END) AS sum FROM transactions WHERE portfolio_id = $1`,
        [portfolioId],
      );
      expect(parseFixed(ledger.sum)).to.equal(parseFixed(portfolio.cashBalance));
    } finally {
      updates.dispose();
      await client.dispose();
    }
  });
});
