import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { parseFixed } from "../src/infra/fixed";
import { topics } from "../src/infra/pubsub";
import { Role, Session } from "../src/identity";
import { bearer, codeOf, gql, grantRole, registerUser, startTestServer, type TestUser } from "./helpers";

const PLACE = `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { id status createdAt } }`;
const FILLS = `query ($p: ID, $s: String, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
  fills(portfolioId: $p, symbol: $s, from: $from, to: $to, first: $first, after: $after) {
    totalCount edges { cursor node { id orderId symbol side price quantity fee liquidity executedAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
const ORDERS = `query ($p: ID, $s: String, $from: DateTime, $to: DateTime, $first: Int, $after: String, $last: Int, $before: String) {
  orders(portfolioId: $p, symbol: $s, from: $from, to: $to, first: $first, after: $after, last: $last, before: $before) {
    totalCount edges { cursor node { id symbol } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
const STATEMENT = `query ($p: ID!, $from: DateTime!, $to: DateTime!) {
  statement(portfolioId: $p, from: $from, to: $to) {
    portfolioId from to openingCash closingCash
    openingPositions { symbol quantity } closingPositions { symbol quantity }
    lines { time description amount balance }
    json: content(format: JSON) csv: content(format: CSV) xml: content(format: XML) } }`;

interface Trader extends TestUser {
  portfolioId: string;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("fills, statements and two-way order pages", () => {
  let server: RunningServer;
  let alice: Trader;
  let bob: Trader;
  /** Times that split the story: before alice's first trade, between the two trades, after everything. */
  let origin: Date;
  let start: Date;
  let middle: Date;
  let end: Date;

  async function trader(cash: string): Promise<Trader> {
    const user = await registerUser(server);
    const { data } = await gql(server, `mutation { createPortfolio(input: { name: "Statements" }) { id } }`, {}, bearer(user.accessToken));
    const portfolioId = data!.createPortfolio.id;
    await gql(server, `mutation ($p: ID!, $a: Decimal!) { deposit(portfolioId: $p, amount: $a) { id } }`, { p: portfolioId, a: cash }, bearer(user.accessToken));
    return { ...user, portfolioId };
  }

  async function place(who: Trader, input: Record<string, unknown>) {
    const response = await gql(server, PLACE, { i: { portfolioId: who.portfolioId, symbol: "AAPL", timeInForce: "GTC", type: "LIMIT", ...input } }, bearer(who.accessToken));
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data!.placeOrder as { id: string; status: string; createdAt: string };
  }

  const call = (who: TestUser, query: string, variables: Record<string, unknown>) => gql(server, query, variables, bearer(who.accessToken));

  before(async () => {
    server = await startTestServer({ TRADING_FEES_BPS: "*:10/20", MAX_ORDER_NOTIONAL: "50000", RATE_LIMIT_CAPACITY: "100000" });
    for (const [symbol, last] of [["AAPL", "100"], ["MSFT", "400"]]) {
      await server.pubsub.publish(topics.quotes(symbol), { symbol, bid: null, ask: null, last, timestamp: new Date().toISOString() });
      while (server.services.marketData.lastPrice(symbol) !== last) await tick();
    }
    origin = new Date();
    await tick();
    // Orders left resting by earlier runs on a shared database would otherwise meet these.
    // Cancelled per owner and symbol in one step: cancelling one order of a family (OCO, bracket) ends the others.
    const open = await server.database.dataSource.query(`SELECT DISTINCT user_id, symbol FROM orders WHERE symbol IN ('AAPL', 'MSFT') AND status IN ('NEW', 'PARTIALLY_FILLED', 'PENDING_TRIGGER')`);
    for (const row of open) {
      const owner = new Session({ kind: "user", userId: row.user_id, roles: [Role.TRADER], tokenId: "test", expiresAt: new Date(Date.now() + 60_000) }, "127.0.0.1");
      await server.services.trading.cancelAllOrders(owner, null, row.symbol);
    }
    alice = await trader("10000");
    bob = await trader("100000");
    for (const symbol of ["AAPL", "MSFT"]) {
      await server.services.ledger.applyFill({ portfolioId: bob.portfolioId, userId: bob.id, symbol, assetName: symbol, side: "BUY", quantity: parseFixed("100"), price: parseFixed("90"), fee: 0n, reference: { seed: "test" } });
    }
    await tick();
    start = new Date();
    await tick();
    // Alice buys 10 AAPL at 100 from bob (maker fee 0.1% = 1), then 2 MSFT at 400 (fee 0.8).
    await place(alice, { side: "BUY", quantity: "10", limitPrice: "100" });
    await place(bob, { side: "SELL", quantity: "10", limitPrice: "100" });
    await tick();
    middle = new Date();
    await tick();
    await place(alice, { side: "BUY", symbol: "MSFT", quantity: "2", limitPrice: "400" });
    await place(bob, { side: "SELL", symbol: "MSFT", quantity: "2", limitPrice: "400" });
    await gql(server, `mutation ($p: ID!, $a: Decimal!) { withdraw(portfolioId: $p, amount: $a) { id } }`, { p: alice.portfolioId, a: "500" }, bearer(alice.accessToken));
    await tick();
    end = new Date();
  });
  after(() => server?.stop());

  it("when a trader lists fills, then each of theirs appears once, newest first, with totalCount, and filters by symbol, time and portfolio", async () => {
    const all = (await call(alice, FILLS, {})).data!.fills;
    expect(all.totalCount).to.equal(2);
    expect(all.edges.map((e: any) => [e.node.symbol, e.node.side, e.node.price, e.node.quantity, e.node.fee, e.node.liquidity])).to.deep.equal([
      ["MSFT", "BUY", "400", "2", "0.8", "MAKER"],
      ["AAPL", "BUY", "100", "10", "1", "MAKER"],
    ]);
    expect(all.pageInfo).to.deep.include({ hasNextPage: false, hasPreviousPage: false });
    expect((await call(alice, FILLS, { s: "AAPL" })).data!.fills.edges.map((e: any) => e.node.symbol)).to.deep.equal(["AAPL"]);
    expect((await call(alice, FILLS, { to: middle.toISOString() })).data!.fills.edges.map((e: any) => e.node.symbol)).to.deep.equal(["AAPL"]);
    expect((await call(alice, FILLS, { from: middle.toISOString() })).data!.fills.edges.map((e: any) => e.node.symbol)).to.deep.equal(["MSFT"]);
    expect((await call(alice, FILLS, { p: alice.portfolioId })).data!.fills.totalCount).to.equal(2);
    // Paged one at a time, the pages join up.
    const first = (await call(alice, FILLS, { first: 1 })).data!.fills;
    expect(first.pageInfo).to.deep.include({ hasNextPage: true, hasPreviousPage: false });
    const second = (await call(alice, FILLS, { first: 1, after: first.pageInfo.endCursor })).data!.fills;
    expect(second.edges.map((e: any) => e.node.symbol)).to.deep.equal(["AAPL"]);
    expect(second.pageInfo).to.deep.include({ hasNextPage: false, hasPreviousPage: true });
  });

  it("when someone asks for another user's fills, then none appear, whatever portfolio id they name", async () => {
    const aliceFills = new Set((await call(alice, FILLS, {})).data!.fills.edges.map((e: any) => e.node.id));
    const bobs = (await call(bob, FILLS, {})).data!.fills;
    expect(bobs.totalCount).to.equal(2);
    expect(bobs.edges.every((e: any) => e.node.side === "SELL" && !aliceFills.has(e.node.id))).to.equal(true);
    const spying = (await call(bob, FILLS, { p: alice.portfolioId })).data!.fills;
    expect(spying).to.deep.include({ totalCount: 0, edges: [] });
    const stranger = await registerUser(server);
    expect((await call(stranger, FILLS, {})).data!.fills.totalCount).to.equal(0);
  });

  it("when a cursor is forged or a page size is out of range, then the list refuses with BAD_USER_INPUT", async () => {
    const forged = [
      "not-a-cursor",
      Buffer.from("2026-13-45T00:00:00.000Z|00000000-0000-4000-8000-000000000000").toString("base64url"),
      Buffer.from("1' OR '1'='1").toString("base64url"),
      Buffer.from("2026-01-01T00:00:00.000Z|zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz").toString("base64url"),
      "A".repeat(2_000),
    ];
    for (const after of forged) {
      expect(codeOf(await call(alice, FILLS, { after })), `fills after ${after.slice(0, 40)}`).to.equal("BAD_USER_INPUT");
      expect(codeOf(await call(alice, ORDERS, { before: after })), `orders before ${after.slice(0, 40)}`).to.equal("BAD_USER_INPUT");
    }
    for (const first of [0, -1, 501]) expect(codeOf(await call(alice, FILLS, { first }))).to.equal("BAD_USER_INPUT");
    expect(codeOf(await call(alice, ORDERS, { last: 101 }))).to.equal("BAD_USER_INPUT");
    expect(codeOf(await call(alice, ORDERS, { first: 1, last: 1 }))).to.equal("BAD_USER_INPUT");
    expect(codeOf(await call(alice, FILLS, { from: end.toISOString(), to: start.toISOString() }))).to.equal("BAD_USER_INPUT");
  });

  it("when orders are paged forward and backward, then the pages follow Relay's rules and cover every order once", async () => {
    const carol = await trader("100000");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.unshift((await place(carol, { side: "BUY", quantity: "1", limitPrice: String(90 + i) })).id);
      await tick();
    }
    const msft = await place(carol, { side: "BUY", symbol: "MSFT", quantity: "1", limitPrice: "380" });
    ids.unshift(msft.id);
    const page = async (variables: Record<string, unknown>) => (await call(carol, ORDERS, variables)).data!.orders;
    // Forward, newest first.
    const f1 = await page({ first: 4 });
    expect(f1.totalCount).to.equal(6);
    expect(f1.edges.map((e: any) => e.node.id)).to.deep.equal(ids.slice(0, 4));
    expect(f1.pageInfo).to.deep.equal({ hasNextPage: true, hasPreviousPage: false, startCursor: f1.edges[0].cursor, endCursor: f1.edges[3].cursor });
    const f2 = await page({ first: 4, after: f1.pageInfo.endCursor });
    expect(f2.edges.map((e: any) => e.node.id)).to.deep.equal(ids.slice(4));
    expect(f2.pageInfo).to.deep.include({ hasNextPage: false, hasPreviousPage: true });
    // Backward: the oldest come first with last alone; before walks towards the newest.
    const b1 = await page({ last: 4 });
    expect(b1.edges.map((e: any) => e.node.id)).to.deep.equal(ids.slice(2));
    expect(b1.pageInfo).to.deep.include({ hasNextPage: false, hasPreviousPage: true });
    const b2 = await page({ last: 4, before: b1.pageInfo.startCursor });
    expect(b2.edges.map((e: any) => e.node.id)).to.deep.equal(ids.slice(0, 2));
    expect(b2.pageInfo).to.deep.include({ hasNextPage: true, hasPreviousPage: false });
    // Filters: symbol and time, with totalCount following the filters.
    const aapl = await page({ s: "AAPL" });
    expect(aapl.totalCount).to.equal(5);
    expect(aapl.edges.map((e: any) => e.node.id)).to.deep.equal(ids.slice(1));
    const since = await page({ from: msft.createdAt });
    expect(since.edges.map((e: any) => e.node.id)).to.deep.equal([msft.id]);
    const until = await page({ to: msft.createdAt, s: "MSFT" });
    expect(until.totalCount).to.equal(0);
  });

  it("when a statement is asked for, then it shows opening and closing cash, every movement with its running balance, and positions at both ends", async () => {
    const statement = (await call(alice, STATEMENT, { p: alice.portfolioId, from: middle.toISOString(), to: end.toISOString() })).data!.statement;
    // Before `middle`: 10,000 deposited, 1,000 of AAPL bought, a 1 fee.
    expect(statement).to.deep.include({ portfolioId: alice.portfolioId, openingCash: "8999", closingCash: "7698.2" });
    expect(statement.lines.map((l: any) => [l.amount, l.balance])).to.deep.equal([
      ["-800", "8199"],
      ["-0.8", "8198.2"],
      ["-500", "7698.2"],
    ]);
    expect(statement.lines[0].description).to.match(/^Buy 2 MSFT at 400 \(ref /);
    expect(statement.lines[2].description).to.match(/^Withdrawal/);
    expect(statement.openingPositions).to.deep.equal([{ symbol: "AAPL", quantity: "10" }]);
    expect(statement.closingPositions).to.deep.equal([
      { symbol: "AAPL", quantity: "10" },
      { symbol: "MSFT", quantity: "2" },
    ]);
    // The whole story from before the first deposit: opening cash is zero, closing is the cash balance.
    const whole = (await call(alice, STATEMENT, { p: alice.portfolioId, from: origin.toISOString(), to: end.toISOString() })).data!.statement;
    const balance = (await call(alice, `query ($id: ID!) { portfolio(id: $id) { cashBalance } }`, { id: alice.portfolioId })).data!.portfolio.cashBalance;
    expect(whole).to.deep.include({ openingCash: "0", closingCash: balance, openingPositions: [] });
    expect(whole.lines.map((l: any) => l.amount)).to.deep.equal(["10000", "-1000", "-1", "-800", "-0.8", "-500"]);
  });

  it("when a statement is rendered, then JSON, CSV and XML carry the same figures", async () => {
    const statement = (await call(alice, STATEMENT, { p: alice.portfolioId, from: middle.toISOString(), to: end.toISOString() })).data!.statement;
    const json = JSON.parse(statement.json);
    expect(json).to.deep.include({ openingCash: "8999", closingCash: "7698.2", currency: "USD" });
    expect(json.lines.map((l: any) => l.balance)).to.deep.equal(["8199", "8198.2", "7698.2"]);
    const rows = statement.csv.trimEnd().split("\r\n");
    expect(rows[0]).to.equal("time,description,amount,balance,currency");
    expect(rows[1]).to.match(/,Opening balance,,8999,USD$/);
    expect(rows.at(-1)).to.match(/,Closing balance,,7698.2,USD$/);
    expect(rows).to.have.length(2 + 3 + 1);
    expect(statement.xml).to.contain("<OpeningCash>8999</OpeningCash>").and.contain("<ClosingCash>7698.2</ClosingCash>");
    expect(statement.xml).to.contain('<Position symbol="MSFT" quantity="2"/>');
    expect(statement.xml.match(/<Line /g)).to.have.length(3);
  });

  it("when a statement names someone else's portfolio or a bad period, then it is refused (NOT_FOUND, BAD_USER_INPUT)", async () => {
    expect(codeOf(await call(bob, STATEMENT, { p: alice.portfolioId, from: start.toISOString(), to: end.toISOString() }))).to.equal("NOT_FOUND");
    expect(codeOf(await call(alice, STATEMENT, { p: alice.portfolioId, from: end.toISOString(), to: start.toISOString() }))).to.equal("BAD_USER_INPUT");
    expect(codeOf(await call(alice, STATEMENT, { p: alice.portfolioId, from: end.toISOString(), to: end.toISOString() }))).to.equal("BAD_USER_INPUT");
    expect(codeOf(await call(alice, STATEMENT, { p: alice.portfolioId, from: "2000-01-01T00:00:00.000Z", to: end.toISOString() }))).to.equal("BAD_USER_INPUT");
    expect(codeOf(await call(alice, STATEMENT, { p: alice.portfolioId, from: "2026-02-30T00:00:00.000Z", to: end.toISOString() }))).to.equal("BAD_USER_INPUT");
  });

  it("when an API key with the read scopes asks, then it reads its owner's fills and statement; without them it is refused", async () => {
    const CREATE = `mutation ($s: [String!]!) { createApiKey(name: "partner", scopes: $s) { secret } }`;
    const reader = (await call(alice, CREATE, { s: ["read:orders", "read:portfolios"] })).data!.createApiKey.secret;
    const market = (await call(alice, CREATE, { s: ["read:market"] })).data!.createApiKey.secret;
    const asKey = (secret: string, query: string, variables: Record<string, unknown>) => gql(server, query, variables, { authorization: `ApiKey ${secret}` });
    expect((await asKey(reader, FILLS, {})).data!.fills.totalCount).to.equal(2);
    const statement = (await asKey(reader, STATEMENT, { p: alice.portfolioId, from: middle.toISOString(), to: end.toISOString() })).data!.statement;
    expect(statement.closingCash).to.equal("7698.2");
    expect(codeOf(await asKey(market, FILLS, {}))).to.equal("FORBIDDEN");
    expect(codeOf(await asKey(market, STATEMENT, { p: alice.portfolioId, from: middle.toISOString(), to: end.toISOString() }))).to.equal("FORBIDDEN");
  });

  it("when transactions and the audit log are listed, then they carry totalCount and the new PageInfo fields", async () => {
    const portfolio = (
      await call(alice, `query ($id: ID!) { portfolio(id: $id) { transactions(first: 2) { totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`, { id: alice.portfolioId })
    ).data!.portfolio;
    // Deposit, two buys, two fees, a withdrawal.
    expect(portfolio.transactions.totalCount).to.equal(6);
    expect(portfolio.transactions.pageInfo).to.deep.include({ hasNextPage: true, hasPreviousPage: false, startCursor: portfolio.transactions.edges[0].cursor });
    const officer = await registerUser(server);
    await grantRole(server, officer.email, Role.COMPLIANCE_OFFICER);
    const AUDIT = `query ($u: ID, $after: String) { auditLog(userId: $u, first: 1, after: $after) { totalCount edges { node { eventType } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;
    const [{ count }] = await server.database.dataSource.query(`SELECT count(*)::int AS count FROM audit_logs WHERE user_id = $1`, [alice.id]);
    const log = (await call(officer, AUDIT, { u: alice.id })).data!.auditLog;
    expect(log.totalCount).to.equal(count).and.to.be.greaterThan(1);
    expect(log.pageInfo).to.deep.include({ hasNextPage: true, hasPreviousPage: false });
    const next = (await call(officer, AUDIT, { u: alice.id, after: log.pageInfo.endCursor })).data!.auditLog;
    expect(next.totalCount).to.equal(count);
    expect(next.pageInfo.hasPreviousPage).to.equal(true);
  });
});
