import { expect } from "chai";
import type { EntitySubscriberInterface } from "typeorm";
import type { RunningServer } from "../src/app/server";
import { bearer, gql, grantRole, registerUser, startTestServer } from "./helpers";

const QUERY = `{ portfolios { id totalValue positions { symbol quantity instrument { symbol lastPrice } } transactions(first: 5) { edges { node { type totalAmount } } } } }`;

describe("no N+1 queries", () => {
  let server: RunningServer;
  before(async () => {
    // Fifty portfolios with every position: priced by rows, more than one query may cost by default.
    server = await startTestServer({ VALUATION_ENABLED: "false", RATE_LIMIT_CAPACITY: "100000", QUERY_MAX_COST: "100000" });
  });
  after(() => server?.stop());

  /** A user with `count` portfolios, each with cash and three positions. */
  async function userWithPortfolios(count: number) {
    const user = await registerUser(server);
    await grantRole(server, user.email, "TRADER" as never);
    for (let i = 0; i < count; i++) {
      const { data } = await gql(server, `mutation { createPortfolio(input: { name: "P${i}" }) { id } }`, {}, bearer(user.accessToken));
      const id = data!.createPortfolio.id;
      await gql(server, `mutation ($p: ID!) { deposit(portfolioId: $p, amount: "100000") { id } }`, { p: id }, bearer(user.accessToken));
      await server.database.dataSource.query(
        `INSERT INTO positions (portfolio_id, symbol, quantity, average_cost) VALUES ($1, 'AAPL', 1, 100), ($1, 'MSFT', 2, 200), ($1, 'ETH-USD', 0.5, 3000)`,
        [id],
      );
    }
    return user;
  }

  async function countStatements(accessToken: string): Promise<number> {
    let statements = 0;
    const counter: EntitySubscriberInterface = { beforeQuery: (event) => { statements++; if (process.env.SHOW_SQL) console.log(event.query.slice(0, 120)); } };
    server.database.dataSource.subscribers.push(counter);
    try {
      const { data, errors } = await gql(server, QUERY, {}, bearer(accessToken));
      expect(errors, JSON.stringify(errors)).to.equal(undefined);
      expect(data!.portfolios[0].positions).to.have.length(3);
      return statements;
    } finally {
      server.database.dataSource.subscribers.splice(server.database.dataSource.subscribers.indexOf(counter), 1);
    }
  }

  it("when portfolios with positions, instruments, prices and transactions are queried, then 50 portfolios take as many statements as 1", async () => {
    const one = await userWithPortfolios(1);
    const fifty = await userWithPortfolios(50);
    await countStatements(one.accessToken); // warms the process-wide instrument cache
    const forOne = await countStatements(one.accessToken);
    const forFifty = await countStatements(fifty.accessToken);
    expect(forFifty).to.equal(forOne);
    // Session user, portfolios, positions, transactions: instruments and prices come from memory.
    expect(forOne).to.equal(4);
  });
});
