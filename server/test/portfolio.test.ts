import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { parseFixed } from "../src/infra/fixed";
import { topics } from "../src/infra/pubsub";
import { bearer, codeOf, gql, registerUser, startTestServer, subscribe, type TestUser, wsClient } from "./helpers";

const CREATE = `mutation ($i: CreatePortfolioInput!) { createPortfolio(input: $i) { id name cashBalance availableCash totalValue riskLevel rebalanceThreshold } }`;
const DEPOSIT = `mutation ($p: ID!, $a: Decimal!) { deposit(portfolioId: $p, amount: $a) { transactionId type totalAmount status currency } }`;
const WITHDRAW = `mutation ($p: ID!, $a: Decimal!) { withdraw(portfolioId: $p, amount: $a) { transactionId type totalAmount } }`;
const PORTFOLIO = `query ($id: ID!) { portfolio(id: $id) { id cashBalance totalValue unrealizedPnl realizedPnl investedAmount
  positions { symbol quantity averageCost marketPrice marketValue unrealizedPnl weight instrument { symbol lotSize } }
  transactions(first: 10) { edges { cursor node { type totalAmount fees symbol quantity price } } pageInfo { hasNextPage endCursor } } } }`;

async function newPortfolio(server: RunningServer, user: TestUser, name = "Main") {
  const { data, errors } = await gql(server, CREATE, { i: { name } }, bearer(user.accessToken));
  if (errors) throw new Error(JSON.stringify(errors));
  return data!.createPortfolio as { id: string };
}

/** Σ completed transactions, signed by type, must equal the cash balance. */
async function ledgerInvariant(server: RunningServer, portfolioId: string) {
  const [row] = await server.database.dataSource.query(
    `SELECT p.cash_balance,
            COALESCE(SUM(CASE t.transaction_type WHEN 'DEPOSIT' THEN t.total_amount WHEN 'SELL' THEN t.total_amount ELSE -t.total_amount END), 0) AS ledger
       FROM portfolios p LEFT JOIN transactions t ON t.portfolio_id = p.id AND t.status = 'COMPLETED'
      WHERE p.id = $1 GROUP BY p.cash_balance`,
    [portfolioId],
  );
  return { cash: parseFixed(row.cash_balance), ledger: parseFixed(row.ledger) };
}

describe("portfolios and the cash ledger", () => {
  let server: RunningServer;
  let user: TestUser;
  before(async () => {
    server = await startTestServer();
    user = await registerUser(server);
  });
  after(() => server?.stop());

  it("when a portfolio is created, then it starts empty with the seed's defaults", async () => {
    const { data } = await gql(server, CREATE, { i: { name: " Growth ", description: "long term" } }, bearer(user.accessToken));
    expect(data!.createPortfolio).to.deep.include({ name: "Growth", cashBalance: "0", availableCash: "0", totalValue: "0", riskLevel: "MODERATE", rebalanceThreshold: "0.05" });
  });

  it("when cash is deposited and withdrawn, then the balance, the transactions and the audit trail follow exactly", async () => {
    const portfolio = await newPortfolio(server, user);
    const deposit = await gql(server, DEPOSIT, { p: portfolio.id, a: "1000.10" }, bearer(user.accessToken));
    expect(deposit.data!.deposit).to.deep.include({ type: "DEPOSIT", totalAmount: "1000.1", status: "COMPLETED", currency: "USD" });
    expect(deposit.data!.deposit.transactionId).to.match(/^TX-\d{8}-[0-9a-f]{12}$/);
    await gql(server, WITHDRAW, { p: portfolio.id, a: "0.20" }, bearer(user.accessToken));
    const { data } = await gql(server, PORTFOLIO, { id: portfolio.id }, bearer(user.accessToken));
    expect(data!.portfolio).to.deep.include({ cashBalance: "999.9", totalValue: "999.9" });
    expect(data!.portfolio.transactions.edges.map((e: any) => `${e.node.type} ${e.node.totalAmount}`)).to.deep.equal(["WITHDRAWAL 0.2", "DEPOSIT 1000.1"]);
    const audit = await server.database.dataSource.query(`SELECT event_type FROM audit_logs WHERE payload->>'portfolioId' = $1 ORDER BY seq`, [portfolio.id]);
    expect(audit.map((row: { event_type: string }) => row.event_type)).to.deep.equal(["ledger.deposit", "ledger.withdrawal"]);
  });

  it("when an amount is zero, negative, off the cent, not a decimal, a JSON number or absurd, then it is BAD_USER_INPUT and nothing moves", async () => {
    const portfolio = await newPortfolio(server, user);
    await gql(server, DEPOSIT, { p: portfolio.id, a: "50" }, bearer(user.accessToken));
    for (const amount of ["0", "-5", "1.234", "1e3", "NaN", "", "10000000000.00", 12.5]) {
      const response = await gql(server, DEPOSIT, { p: portfolio.id, a: amount }, bearer(user.accessToken));
      expect(codeOf(response), String(amount)).to.equal("BAD_USER_INPUT");
    }
    expect(codeOf(await gql(server, WITHDRAW, { p: portfolio.id, a: "50.01" }, bearer(user.accessToken)))).to.equal("BAD_USER_INPUT");
    const { data } = await gql(server, PORTFOLIO, { id: portfolio.id }, bearer(user.accessToken));
    expect(data!.portfolio.cashBalance).to.equal("50");
    expect(data!.portfolio.transactions.edges).to.have.length(1);
  });

  it("when two withdrawals of the whole balance race, then exactly one succeeds and the balance never goes negative", async () => {
    const portfolio = await newPortfolio(server, user);
    await gql(server, DEPOSIT, { p: portfolio.id, a: "100" }, bearer(user.accessToken));
    const results = await Promise.all([1, 2, 3].map(() => gql(server, WITHDRAW, { p: portfolio.id, a: "100" }, bearer(user.accessToken))));
    expect(results.filter((r) => !r.errors)).to.have.length(1);
    expect(results.filter((r) => codeOf(r) === "BAD_USER_INPUT")).to.have.length(2);
    const { cash, ledger } = await ledgerInvariant(server, portfolio.id);
    expect(cash).to.equal(0n);
    expect(ledger).to.equal(cash);
  });

  it("when many deposits and withdrawals run concurrently, then completed transactions still sum to the cash balance", async () => {
    const portfolio = await newPortfolio(server, user);
    await gql(server, DEPOSIT, { p: portfolio.id, a: "500" }, bearer(user.accessToken));
    const operations = Array.from({ length: 30 }, (_, i) =>
      gql(server, i % 2 ? WITHDRAW : DEPOSIT, { p: portfolio.id, a: `${(i % 7) + 1}.${String(i).padStart(2, "0")}` }, bearer(user.accessToken)),
    );
    await Promise.all(operations);
    const { cash, ledger } = await ledgerInvariant(server, portfolio.id);
    expect(ledger).to.equal(cash);
  });

  it("when someone asks for another user's portfolio, then it answers as not found on query, mutation and subscription", async () => {
    const portfolio = await newPortfolio(server, user);
    const stranger = await registerUser(server);
    expect((await gql(server, PORTFOLIO, { id: portfolio.id }, bearer(stranger.accessToken))).data!.portfolio).to.equal(null);
    const unknown = await gql(server, PORTFOLIO, { id: "11111111-2222-4333-8444-555555555555" }, bearer(stranger.accessToken));
    expect(unknown.errors, JSON.stringify(unknown.errors)).to.equal(undefined);
    expect(unknown.data!.portfolio).to.equal(null);
    expect(codeOf(await gql(server, DEPOSIT, { p: portfolio.id, a: "5" }, bearer(stranger.accessToken)))).to.equal("NOT_FOUND");
    expect(codeOf(await gql(server, WITHDRAW, { p: portfolio.id, a: "5" }, bearer(stranger.accessToken)))).to.equal("NOT_FOUND");
    const mine = (await gql(server, `{ portfolios { id } }`, {}, bearer(stranger.accessToken))).data!.portfolios;
    expect(mine).to.deep.equal([]);
    const client = wsClient(server, { connectionParams: { authorization: `Bearer ${stranger.accessToken}` } });
    const sub = subscribe(client, `subscription ($p: ID!) { portfolioValuation(portfolioId: $p) { totalValue } }`, { p: portfolio.id });
    const errors = (await sub.failed()) as Array<{ extensions: { code: string } }>;
    expect(errors[0].extensions.code).to.equal("NOT_FOUND");
    await client.dispose();
  });

  it("when transactions are paged, then cursors walk them newest first without gaps or repeats", async () => {
    const portfolio = await newPortfolio(server, user);
    for (let i = 1; i <= 7; i++) await gql(server, DEPOSIT, { p: portfolio.id, a: `${i}` }, bearer(user.accessToken));
    const PAGE = `query ($id: ID!, $after: String) { portfolio(id: $id) { transactions(first: 3, after: $after) { edges { cursor node { totalAmount } } pageInfo { hasNextPage endCursor } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await gql(server, PAGE, { id: portfolio.id, after }, bearer(user.accessToken))).data!.portfolio.transactions;
      seen.push(...page.edges.map((e: any) => e.node.totalAmount));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).to.deep.equal(["7", "6", "5", "4", "3", "2", "1"]);
    expect(codeOf(await gql(server, PAGE, { id: portfolio.id, after: "bm90LWEtY3Vyc29y" }, bearer(user.accessToken)))).to.equal("BAD_USER_INPUT");
  });
});

describe("positions, valuation and rebalancing", () => {
  let server: RunningServer;
  let user: TestUser;
  before(async () => {
    server = await startTestServer({ VALUATION_PUBLISH_INTERVAL_MS: "50", VALUATION_SNAPSHOT_INTERVAL_MS: "1000" });
    user = await registerUser(server);
  });
  after(() => server?.stop());

  async function fill(portfolioId: string, side: "BUY" | "SELL", symbol: string, quantity: string, price: string, fee = "0") {
    await server.services.ledger.applyFill({
        portfolioId,
        userId: user.id,
        symbol,
        assetName: symbol,
        side,
        quantity: parseFixed(quantity),
        price: parseFixed(price),
        fee: parseFixed(fee),
        reference: { test: "fill" },
      });
    await server.services.ledger.notifyChanged([portfolioId]);
  }

  const quote = (symbol: string, last: string) =>
    server.pubsub.publish(topics.quotes(symbol), { symbol, bid: null, ask: null, last, timestamp: new Date().toISOString() });

  it("when fills settle, then positions follow the average-cost method and realized PnL is net of fees", async () => {
    const portfolio = await newPortfolio(server, user);
    await gql(server, DEPOSIT, { p: portfolio.id, a: "10000" }, bearer(user.accessToken));
    await fill(portfolio.id, "BUY", "NVDA", "10", "100", "1.00");
    await fill(portfolio.id, "BUY", "NVDA", "10", "110", "1.00");
    await fill(portfolio.id, "SELL", "NVDA", "5", "120", "0.50");
    const [position] = await server.database.dataSource.query("SELECT quantity, average_cost, realized_pnl FROM positions WHERE portfolio_id = $1", [portfolio.id]);
    expect([position.quantity, position.average_cost, position.realized_pnl].map((v: string) => parseFixed(v))).to.deep.equal([
      parseFixed("15"),
      parseFixed("105"),
      parseFixed("75"),
    ]);
    const { cash, ledger } = await ledgerInvariant(server, portfolio.id);
    expect(cash).to.equal(parseFixed("10000") - parseFixed("2100") - parseFixed("2") + parseFixed("600") - parseFixed("0.5"));
    expect(ledger).to.equal(cash);
    const [row] = await server.database.dataSource.query("SELECT realized_pnl, invested_amount FROM portfolios WHERE id = $1", [portfolio.id]);
    expect(parseFixed(row.realized_pnl)).to.equal(parseFixed("72.5"));
    expect(parseFixed(row.invested_amount)).to.equal(parseFixed("1575"));
    const oversell = await server.services.ledger.applyFill({ portfolioId: portfolio.id, userId: user.id, symbol: "NVDA", assetName: "NVDA", side: "SELL", quantity: parseFixed("16"), price: parseFixed("1"), fee: 0n, reference: {} })
      .then(() => undefined, (error: Error) => error.message);
    expect(oversell).to.contain("exceeds");
  });

  it("when a price ticks, then the owner's valuation stream moves and agrees with the portfolio query", async () => {
    const portfolio = await newPortfolio(server, user);
    await gql(server, DEPOSIT, { p: portfolio.id, a: "5000" }, bearer(user.accessToken));
    await fill(portfolio.id, "BUY", "AMZN", "10", "200");
    await quote("AMZN", "200");
    const client = wsClient(server, { connectionParams: { authorization: `Bearer ${user.accessToken}` } });
    const sub = subscribe(client, `subscription ($p: ID!) { portfolioValuation(portfolioId: $p) { portfolioId totalValue cashBalance unrealizedPnl realizedPnl timestamp } }`, { p: portfolio.id });
    try {
      const first = (await sub.nth(1)).portfolioValuation;
      expect(first).to.deep.include({ portfolioId: portfolio.id, cashBalance: "3000" });
      // Publish until the stream shows the new price: the engine may still be reloading the fill.
      let latest = first;
      for (let i = 2; latest.totalValue !== "5012.5"; i++) {
        await quote("AMZN", "201.25");
        latest = (await sub.nth(i)).portfolioValuation;
      }
      expect(latest).to.deep.include({ totalValue: "5012.5", unrealizedPnl: "12.5" });
      const { data } = await gql(server, PORTFOLIO, { id: portfolio.id }, bearer(user.accessToken));
      expect(data!.portfolio).to.deep.include({ totalValue: latest.totalValue, unrealizedPnl: latest.unrealizedPnl, cashBalance: latest.cashBalance });
      expect(data!.portfolio.positions[0]).to.deep.include({ symbol: "AMZN", quantity: "10", marketPrice: "201.25", marketValue: "2012.5", weight: "0.4014962594" });
    } finally {
      sub.dispose();
      await client.dispose();
    }
  });

  it("when nobody watches a portfolio, then a tick revalues it in memory without queueing a publication; once watched, ticks publish", async () => {
    const portfolio = await newPortfolio(server, user);
    await gql(server, DEPOSIT, { p: portfolio.id, a: "1000" }, bearer(user.accessToken));
    await fill(portfolio.id, "BUY", "TGLD", "10", "80");
    const valuation = server.services.valuation;
    // The fill reaches the engine through pub/sub: tick until the holding is valued at the new price.
    while (valuation.current(portfolio.id)?.totalValue !== "1010") {
      await quote("TGLD", "81");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(valuation.queued(portfolio.id)).to.equal(false);
    const client = wsClient(server, { connectionParams: { authorization: `Bearer ${user.accessToken}` } });
    const sub = subscribe(client, `subscription ($p: ID!) { portfolioValuation(portfolioId: $p) { totalValue } }`, { p: portfolio.id });
    try {
      expect((await sub.nth(1)).portfolioValuation.totalValue).to.equal("1010");
      // The watch announcement crosses pub/sub: tick at new prices until one is published.
      let published: string | null = null;
      for (let cents = 8200; published === null && cents < 8300; cents++) {
        await quote("TGLD", (cents / 100).toFixed(2));
        const next = await sub.nth(2, 500).catch(() => null);
        if (next) {
          published = next.portfolioValuation.totalValue;
          // 200 cash and 10 TGLD at the price just published.
          expect(published).to.equal(String(200 + cents / 10));
        }
      }
      expect(published).to.not.equal(null);
    } finally {
      sub.dispose();
      await client.dispose();
    }
  });

  it("when targets are set, then the rebalance proposal sells the overweight and buys the underweight within cash, on the lot", async () => {
    const portfolio = await newPortfolio(server, user);
    await gql(server, DEPOSIT, { p: portfolio.id, a: "10000" }, bearer(user.accessToken));
    await fill(portfolio.id, "BUY", "AAPL", "40", "200");
    await quote("AAPL", "200");
    await quote("MSFT", "400");
    await quote("BTC-USD", "50000");
    const SET = `mutation ($p: ID!, $t: [AllocationTargetInput!]!) { setTargetAllocation(portfolioId: $p, targets: $t) { targetAllocation { symbol weight }
      rebalanceProposal { maxDrift needed orders { symbol side quantity estimatedPrice } } } }`;
    const bad = await gql(server, SET, { p: portfolio.id, t: [{ symbol: "AAPL", weight: "0.5" }, { symbol: "MSFT", weight: "0.4" }] }, bearer(user.accessToken));
    expect(codeOf(bad)).to.equal("BAD_USER_INPUT");
    expect(codeOf(await gql(server, SET, { p: portfolio.id, t: [{ symbol: "NOPE", weight: "1" }] }, bearer(user.accessToken)))).to.equal("BAD_USER_INPUT");
    const { data, errors } = await gql(server, SET, {
      p: portfolio.id,
      t: [{ symbol: "AAPL", weight: "0.25" }, { symbol: "MSFT", weight: "0.5" }, { symbol: "BTC-USD", weight: "0.25" }],
    }, bearer(user.accessToken));
    expect(errors).to.equal(undefined);
    // Total 10,000: AAPL is 8,000 (0.8) against 0.25; MSFT 0 against 0.5; BTC 0 against 0.25.
    expect(data!.setTargetAllocation.rebalanceProposal).to.deep.equal({
      maxDrift: "0.55",
      needed: true,
      orders: [
        { symbol: "AAPL", side: "SELL", quantity: "27", estimatedPrice: "200" },
        { symbol: "MSFT", side: "BUY", quantity: "12", estimatedPrice: "400" },
        { symbol: "BTC-USD", side: "BUY", quantity: "0.05", estimatedPrice: "50000" },
      ],
    });
  });

  it("when time passes, then every portfolio's valuation is stored as a snapshot for analytics", async () => {
    const portfolio = await newPortfolio(server, user);
    await gql(server, DEPOSIT, { p: portfolio.id, a: "123.45" }, bearer(user.accessToken));
    let rows: Array<{ total_value: string; cash_balance: string }> = [];
    // Snapshots are taken every second here; wait for one that has seen the deposit.
    while (!rows.some((row) => parseFixed(row.cash_balance) === parseFixed("123.45"))) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      rows = await server.database.dataSource.query("SELECT total_value, cash_balance FROM valuation_snapshots WHERE portfolio_id = $1", [portfolio.id]);
    }
    expect(parseFixed(rows.at(-1)!.total_value)).to.equal(parseFixed("123.45"));
  });
});
