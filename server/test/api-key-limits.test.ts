import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { topics } from "../src/infra/pubsub";
import { bearer, codeOf, gql, registerUser, startTestServer, type TestUser } from "./helpers";

const CREATE = `mutation ($n: String!, $s: [String!]!, $e: DateTime, $ips: [String!], $p: [ID!]) {
  createApiKey(name: $n, scopes: $s, expiresAt: $e, allowedIps: $ips, portfolioIds: $p) { secret apiKey { id scopes expiresAt allowedIps portfolioIds lastUsedAt } }
}`;
const DEPOSIT = `mutation ($p: ID!, $a: Decimal!) { deposit(portfolioId: $p, amount: $a) { id } }`;
const WITHDRAW = `mutation ($p: ID!, $a: Decimal!) { withdraw(portfolioId: $p, amount: $a) { id } }`;
const PLACE = `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { id status portfolioId } }`;
const ME = `{ me { id } }`;

describe("API keys a partner can trust: expiry, networks, portfolios and scopes", () => {
  let server: RunningServer;
  let owner: TestUser;
  let inside: string;
  let outside: string;

  const key = (secret: string) => ({ authorization: `ApiKey ${secret}` });
  async function createKey(variables: Record<string, unknown>, as = owner): Promise<{ secret: string; apiKey: Record<string, any> }> {
    const response = await gql(server, CREATE, { n: "partner", ...variables }, bearer(as.accessToken));
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data!.createApiKey;
  }
  const order = (portfolioId: string) => ({ i: { portfolioId, symbol: "AAPL", side: "BUY", type: "LIMIT", quantity: "1", limitPrice: "100", timeInForce: "GTC" } });

  before(async () => {
    server = await startTestServer();
    owner = await registerUser(server);
    const create = async (name: string) => (await gql(server, `mutation ($n: String!) { createPortfolio(input: { name: $n }) { id } }`, { n: name }, bearer(owner.accessToken))).data!.createPortfolio.id as string;
    inside = await create("partner's");
    outside = await create("private");
    for (const p of [inside, outside]) await gql(server, DEPOSIT, { p, a: "10000" }, bearer(owner.accessToken));
    await server.pubsub.publish(topics.quotes("AAPL"), { symbol: "AAPL", bid: null, ask: null, last: "100", timestamp: new Date().toISOString() });
    while (server.services.marketData.lastPrice("AAPL") !== "100") await new Promise((resolve) => setTimeout(resolve, 5));
  });
  after(() => server?.stop());

  it("when a key's expiry passes, then it is UNAUTHENTICATED; an expiry in the past is refused at creation", async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await createKey({ s: ["read:profile"], e: expiresAt });
    expect(created.apiKey.expiresAt).to.equal(expiresAt);
    expect(codeOf(await gql(server, ME, {}, key(created.secret)))).to.equal(undefined);
    await server.database.dataSource.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [created.apiKey.id]);
    const refused = await gql(server, ME, {}, key(created.secret));
    expect(codeOf(refused)).to.equal("UNAUTHENTICATED");
    expect(refused.errors![0].message).to.match(/expired/);
    const past = await gql(server, CREATE, { n: "late", s: ["read:profile"], e: new Date(Date.now() - 1000).toISOString() }, bearer(owner.accessToken));
    expect(codeOf(past)).to.equal("BAD_USER_INPUT");
  });

  it("when a key is limited to networks, then a request from elsewhere is FORBIDDEN and one from inside is served; a malformed range is refused", async () => {
    const elsewhere = await createKey({ s: ["read:profile"], ips: ["203.0.113.0/24", "2001:db8::/32"] });
    expect(elsewhere.apiKey.allowedIps).to.deep.equal(["203.0.113.0/24", "2001:db8::/32"]);
    expect(codeOf(await gql(server, ME, {}, key(elsewhere.secret)))).to.equal("FORBIDDEN");
    const here = await createKey({ s: ["read:profile"], ips: ["127.0.0.0/8", "::1"] });
    expect(here.apiKey.allowedIps).to.deep.equal(["127.0.0.0/8", "::1/128"]);
    expect((await gql(server, ME, {}, key(here.secret))).data!.me.id).to.equal(owner.id);
    for (const bad of ["127.0.0.1/33", "localhost", "10.0.0.0/8/8"]) {
      expect(codeOf(await gql(server, CREATE, { n: "bad", s: ["read:profile"], ips: [bad] }, bearer(owner.accessToken))), bad).to.equal("BAD_USER_INPUT");
    }
  });

  it("when a key is limited to portfolios, then it sees and trades only those, and every path naming another is FORBIDDEN", async () => {
    const outsideOrder = (await gql(server, PLACE, order(outside), bearer(owner.accessToken))).data!.placeOrder;
    const created = await createKey({ s: ["read:portfolios", "read:orders", "trade", "transfer"], p: [inside] });
    expect(created.apiKey.portfolioIds).to.deep.equal([inside]);
    const partner = key(created.secret);
    expect((await gql(server, `{ portfolios { id } }`, {}, partner)).data!.portfolios).to.deep.equal([{ id: inside }]);
    expect((await gql(server, `query ($id: ID!) { portfolio(id: $id) { id } }`, { id: inside }, partner)).data!.portfolio.id).to.equal(inside);
    const insideOrder = (await gql(server, PLACE, order(inside), partner)).data!.placeOrder;
    expect(insideOrder.portfolioId).to.equal(inside);
    expect(codeOf(await gql(server, DEPOSIT, { p: inside, a: "1" }, partner))).to.equal(undefined);

    const refusals: Record<string, [string, Record<string, unknown>]> = {
      portfolio: [`query ($id: ID!) { portfolio(id: $id) { id } }`, { id: outside }],
      placeOrder: [PLACE, order(outside)],
      deposit: [DEPOSIT, { p: outside, a: "1" }],
      withdraw: [WITHDRAW, { p: outside, a: "1" }],
      orders: [`query ($p: ID) { orders(portfolioId: $p) { edges { node { id } } } }`, { p: outside }],
      order: [`query ($id: ID!) { order(id: $id) { id } }`, { id: outsideOrder.id }],
      cancelOrder: [`mutation ($id: ID!) { cancelOrder(id: $id) { id } }`, { id: outsideOrder.id }],
      amendOrder: [`mutation ($i: AmendOrderInput!) { amendOrder(input: $i) { id } }`, { i: { orderId: outsideOrder.id, quantity: "2" } }],
      cancelAllOrders: [`mutation ($p: ID) { cancelAllOrders(portfolioId: $p) { id } }`, { p: outside }],
      setTargetAllocation: [`mutation ($p: ID!) { setTargetAllocation(portfolioId: $p, targets: []) { id } }`, { p: outside }],
    };
    for (const [path, [query, variables]] of Object.entries(refusals)) {
      expect(codeOf(await gql(server, query, variables, partner)), path).to.equal("FORBIDDEN");
    }
    // Unfiltered paths stay inside the list: the other portfolio's order is neither listed nor cancelled.
    const listed = (await gql(server, `{ orders(first: 100) { edges { node { id portfolioId } } } }`, {}, partner)).data!.orders.edges.map((e: { node: { portfolioId: string } }) => e.node.portfolioId);
    expect(listed).to.include(inside);
    expect(listed).not.to.include(outside);
    const cancelled = (await gql(server, `mutation { cancelAllOrders { id portfolioId } }`, {}, partner)).data!.cancelAllOrders;
    expect(cancelled.map((o: { portfolioId: string }) => o.portfolioId)).to.deep.equal([inside]);
    const still = (await gql(server, `query ($id: ID!) { order(id: $id) { status } }`, { id: outsideOrder.id }, bearer(owner.accessToken))).data!.order;
    expect(still.status).to.equal("NEW");
  });

  it("when a key names someone else's portfolio at creation, then it is NOT_FOUND", async () => {
    const stranger = await registerUser(server);
    expect(codeOf(await gql(server, CREATE, { n: "x", s: ["trade"], p: [inside] }, bearer(stranger.accessToken)))).to.equal("NOT_FOUND");
  });

  it("when a key has the trade scope only, then it places orders but cannot deposit or withdraw; the transfer scope moves money", async () => {
    const trade = key((await createKey({ s: ["trade"] })).secret);
    expect(codeOf(await gql(server, PLACE, order(inside), trade))).to.equal(undefined);
    expect(codeOf(await gql(server, DEPOSIT, { p: inside, a: "1" }, trade))).to.equal("FORBIDDEN");
    expect(codeOf(await gql(server, WITHDRAW, { p: inside, a: "1" }, trade))).to.equal("FORBIDDEN");
    const transfer = key((await createKey({ s: ["transfer"] })).secret);
    expect(codeOf(await gql(server, DEPOSIT, { p: inside, a: "1" }, transfer))).to.equal(undefined);
    expect(codeOf(await gql(server, WITHDRAW, { p: inside, a: "1" }, transfer))).to.equal(undefined);
    expect(codeOf(await gql(server, PLACE, order(inside), transfer))).to.equal("FORBIDDEN");
  });

  it("when a key is used, then lastUsedAt is written without the request waiting for it", async () => {
    const created = await createKey({ s: ["read:profile"] });
    expect(created.apiKey.lastUsedAt).to.equal(null);
    await gql(server, ME, {}, key(created.secret));
    for (;;) {
      const [row] = await server.database.dataSource.query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [created.apiKey.id]);
      if (row.last_used_at) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
});
