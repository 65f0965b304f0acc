import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { Role } from "../src/identity";
import { bearer, codeOf, gql, grantRole, registerUser, startTestServer, type TestUser } from "./helpers";

const PERFORMANCE = `query ($id: ID!, $benchmark: String) {
  portfolioPerformance(portfolioId: $id, from: "2024-01-01T00:00:00Z", to: "2024-01-04T00:00:00Z", benchmarkSymbol: $benchmark) {
    interval startValue endValue benchmarkSymbol series { time value cumulativeReturn drawdown }
    metrics { observations totalReturn maxDrawdown beta correlation } } }`;
const ALL = `query ($first: Int, $after: String) { allPortfolios(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name description cashBalance } } } }`;

const at = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2024, 0, 1 + day, hour, minute));

describe("portfolio performance (time-weighted) and analysts' read-only access", () => {
  let server: RunningServer;
  let owner: TestUser;
  let stranger: TestUser;
  let analyst: TestUser;
  let portfolioId: string;
  const benchmark = `PB${Date.now().toString(36).toUpperCase()}`;

  before(async () => {
    server = await startTestServer({ RATE_LIMIT_CAPACITY: "100000" });
    const admin = await registerUser(server);
    [owner, stranger, analyst] = await Promise.all([registerUser(server), registerUser(server), registerUser(server)]);
    await grantRole(server, admin.email, Role.ADMIN);
    // An analyst only: not a trader as well, so every refusal below is the role's.
    const roles = await gql(server, `mutation ($u: ID!) { setUserRoles(userId: $u, roles: [ANALYST]) { roles } }`, { u: analyst.id }, bearer(admin.accessToken));
    expect(roles.data!.setUserRoles.roles).to.deep.equal(["ANALYST"]);
    const created = await gql(server, `mutation { createPortfolio(input: { name: "Jane Doe's pension", description: "for the kids" }) { id } }`, {}, bearer(owner.accessToken));
    portfolioId = created.data!.createPortfolio.id;
    // Seeded history (figures of time-weighted.spec.ts): Jan 1 ends at 1000; Jan 2: 1100 at 10:00,
    // 500 deposited at 12:00, 1650 at the end; Jan 3: 650 withdrawn at 09:00, 900 at the end.
    const db = server.database.dataSource;
    for (const [time, value] of [[at(0, 9), 950], [at(0, 23, 59), 1000], [at(1, 10), 1100], [at(1, 23, 59), 1650], [at(2, 23, 59), 900]] as const) {
      await db.query(`INSERT INTO valuation_snapshots (portfolio_id, taken_at, total_value, cash_balance, unrealized_pnl, realized_pnl) VALUES ($1, $2, $3, $3, 0, 0)`, [portfolioId, time, value]);
    }
    for (const [time, type, amount] of [[at(0, 8), "DEPOSIT", 950], [at(1, 12), "DEPOSIT", 500], [at(2, 9), "WITHDRAWAL", 650]] as const) {
      await db.query(
        `INSERT INTO transactions (user_id, portfolio_id, transaction_id, transaction_type, total_amount, fees, currency, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 0, 'USD', 'COMPLETED', $6, $6)`,
        [owner.id, portfolioId, `TX-SEED-${portfolioId.slice(0, 8)}-${time.getTime()}`, type, amount, time],
      );
    }
    const listed = await gql(server, `mutation ($i: ListInstrumentInput!) { listInstrument(input: $i) { symbol } }`, { i: { symbol: benchmark, name: benchmark, assetClass: "EQUITY", currency: "USD", tickSize: "0.01", lotSize: "1" } }, bearer(admin.accessToken));
    expect(listed.errors).to.equal(undefined);
    const bars = ["100", "105", "94.5"].map((close, i) => ({ time: at(i, 0).toISOString(), open: close, high: close, low: close, close, volume: "1" }));
    const imported = await gql(server, `mutation ($s: String!, $b: [PriceBarInput!]!) { importPriceBars(symbol: $s, interval: DAY_1, bars: $b) { stored } }`, { s: benchmark, b: bars }, bearer(admin.accessToken));
    expect(imported.data!.importPriceBars.stored).to.equal(3);
  });
  after(() => server?.stop());

  it("when the owner asks, then deposits and withdrawals are chain-linked out of the return", async () => {
    const { data, errors } = await gql(server, PERFORMANCE, { id: portfolioId }, bearer(owner.accessToken));
    expect(errors).to.equal(undefined);
    const report = data!.portfolioPerformance;
    expect(report).to.include({ interval: "DAY_1", startValue: "1000", endValue: "900", benchmarkSymbol: null });
    expect(report.series.map((p: { time: string }) => p.time)).to.deep.equal([at(0, 0), at(1, 0), at(2, 0)].map((d) => d.toISOString()));
    expect(report.series.map((p: { value: string }) => p.value)).to.deep.equal(["1000", "1650", "900"]);
    expect(report.series[1].cumulativeReturn).to.be.closeTo(0.134375, 1e-12); // the +65% in value is mostly a deposit
    expect(report.series[2].cumulativeReturn).to.be.closeTo(0.0209375, 1e-12);
    expect(report.series[2].drawdown).to.be.closeTo(0.1, 1e-12);
    expect(report.metrics).to.deep.include({ observations: 2, beta: null, correlation: null });
    expect(report.metrics.totalReturn).to.be.closeTo(0.0209375, 1e-12);
  });

  it("when a benchmark is given, then beta and correlation compare the time-weighted returns with its closes", async () => {
    const { data } = await gql(server, PERFORMANCE, { id: portfolioId, benchmark }, bearer(owner.accessToken));
    const [r, b] = [[0.134375, -0.1], [0.05, -0.1]];
    const cov = ((r[0] - (r[0] + r[1]) / 2) * (b[0] - (b[0] + b[1]) / 2)) * 2; // n - 1 = 1
    const varB = ((b[0] - (b[0] + b[1]) / 2) ** 2) * 2;
    expect(data!.portfolioPerformance.metrics.beta).to.be.closeTo(cov / varB, 1e-9);
    expect(data!.portfolioPerformance.metrics.correlation).to.be.closeTo(1, 1e-9);
  });

  it("when someone else's trader asks, then the portfolio is NOT_FOUND; an analyst reads it and the read is audited", async () => {
    expect(codeOf(await gql(server, PERFORMANCE, { id: portfolioId }, bearer(stranger.accessToken)))).to.equal("NOT_FOUND");
    const { data, errors } = await gql(server, PERFORMANCE, { id: portfolioId }, bearer(analyst.accessToken));
    expect(errors).to.equal(undefined);
    expect(data!.portfolioPerformance.metrics.totalReturn).to.be.closeTo(0.0209375, 1e-12);
    const audit = await server.database.dataSource.query(`SELECT payload FROM audit_logs WHERE event_type = 'portfolio.read_by_staff' AND user_id = $1 AND entity_id = $2`, [analyst.id, portfolioId]);
    expect(audit.map((row: { payload: { read: string } }) => row.payload.read)).to.deep.equal(["performance"]);
  });

  it("when an analyst reads one portfolio, then positions come without the owner's words or transactions, and the read is audited", async () => {
    const Q = `query ($id: ID!) { portfolio(id: $id) { id name description readOnly cashBalance positions { symbol } } }`;
    const { data, errors } = await gql(server, Q, { id: portfolioId }, bearer(analyst.accessToken));
    expect(errors).to.equal(undefined);
    expect(data!.portfolio).to.deep.equal({ id: portfolioId, name: `Portfolio ${portfolioId.slice(0, 8)}`, description: null, readOnly: true, cashBalance: "0", positions: [] });
    const withTransactions = await gql(server, `query ($id: ID!) { portfolio(id: $id) { transactions { edges { node { type } } } } }`, { id: portfolioId }, bearer(analyst.accessToken));
    expect(codeOf(withTransactions)).to.equal("FORBIDDEN");
    const audit = await server.database.dataSource.query(`SELECT payload FROM audit_logs WHERE event_type = 'portfolio.read_by_staff' AND user_id = $1 AND entity_id = $2 AND payload->>'read' = 'portfolio'`, [analyst.id, portfolioId]);
    expect(audit.length).to.equal(2);
    expect((await gql(server, Q, { id: portfolioId }, bearer(stranger.accessToken))).data!.portfolio).to.equal(null);
  });

  it("when an analyst pages through allPortfolios, then every portfolio comes once, pseudonymous, and each page read is audited", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let totalCount = 0;
    let pages = 0;
    do {
      const response: { data?: any; errors?: unknown } = await gql(server, ALL, { first: 50, after }, bearer(analyst.accessToken));
      expect(response.errors, JSON.stringify(response.errors)).to.equal(undefined);
      const page = response.data!.allPortfolios;
      totalCount = page.totalCount;
      seen.push(...page.edges.map((edge: { node: { id: string } }) => edge.node.id));
      for (const edge of page.edges) expect(edge.node.description).to.equal(null);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(new Set(seen).size).to.equal(seen.length);
    expect(seen.length).to.be.at.least(totalCount - 5); // other test files may create portfolios meanwhile
    expect(seen).to.include(portfolioId);
    const two = await gql(server, ALL, { first: 2 }, bearer(analyst.accessToken));
    const next = await gql(server, ALL, { first: 2, after: two.data!.allPortfolios.pageInfo.endCursor }, bearer(analyst.accessToken));
    expect(next.data!.allPortfolios.edges[0].node.id).to.equal(seen[2]);
    const audited = await server.database.dataSource.query(`SELECT payload FROM audit_logs WHERE event_type = 'portfolio.all_read' AND user_id = $1 ORDER BY seq`, [analyst.id]);
    expect(audited.length).to.equal(pages + 2);
    expect(audited[pages].payload.portfolioIds).to.deep.equal(seen.slice(0, 2));
    expect(codeOf(await gql(server, ALL, {}, bearer(owner.accessToken)))).to.equal("FORBIDDEN");
    expect(codeOf(await gql(server, ALL, { after: "bm90LWEtY3Vyc29y" }, bearer(analyst.accessToken)))).to.equal("BAD_USER_INPUT");
  });

  it("when an analyst tries to move cash, trade or change the portfolio, then each is FORBIDDEN and nothing moves", async () => {
    const attempts = [
      [`mutation ($p: ID!) { deposit(portfolioId: $p, amount: "10") { id } }`, { p: portfolioId }],
      [`mutation ($p: ID!) { withdraw(portfolioId: $p, amount: "10") { id } }`, { p: portfolioId }],
      [`mutation ($p: ID!) { placeOrder(input: { portfolioId: $p, symbol: "AAPL", side: BUY, type: MARKET, quantity: "1" }) { id } }`, { p: portfolioId }],
      [`mutation ($p: ID!) { cancelAllOrders(portfolioId: $p) { id } }`, { p: portfolioId }],
      [`mutation ($p: ID!) { setTargetAllocation(portfolioId: $p, targets: []) { id } }`, { p: portfolioId }],
      [`mutation { createPortfolio(input: { name: "mine" }) { id } }`, {}],
    ] as const;
    for (const [query, variables] of attempts) expect(codeOf(await gql(server, query, variables, bearer(analyst.accessToken))), query).to.equal("FORBIDDEN");
    const [row] = await server.database.dataSource.query(`SELECT cash_balance::text FROM portfolios WHERE id = $1`, [portfolioId]);
    expect(Number(row.cash_balance)).to.equal(0);
  });

  it("when the window is empty of snapshots, backwards or longer than 10,000 days, then it is BAD_USER_INPUT", async () => {
    const Q = `query ($id: ID!, $from: DateTime!, $to: DateTime!) { portfolioPerformance(portfolioId: $id, from: $from, to: $to) { endValue } }`;
    for (const [from, to] of [["2020-01-01T00:00:00Z", "2020-02-01T00:00:00Z"], ["2024-02-01T00:00:00Z", "2024-01-01T00:00:00Z"], ["1990-01-01T00:00:00Z", "2024-01-04T00:00:00Z"]]) {
      expect(codeOf(await gql(server, Q, { id: portfolioId, from, to }, bearer(owner.accessToken)))).to.equal("BAD_USER_INPUT");
    }
  });
});
