import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { bearer, codeOf, gql, registerUser, services, startTestServer } from "./helpers";

const ME = "{ me { id email } }";
type CostExtensions = { cost: { requestedQueryCost: number; throttleStatus: { currentlyAvailable: number; maximumAvailable: number; restoreRate: number } | null } };

async function post(server: { url: string }, query: string, headers: Record<string, string>) {
  const response = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query }) });
  const body = (await response.json()) as { data?: Record<string, any>; errors?: Array<{ extensions: Record<string, unknown> }>; extensions?: CostExtensions };
  return { status: response.status, ...body };
}

// Two servers that share nothing but PostgreSQL and Redis (the same REDIS_KEY_PREFIX), as two
// processes of one deployment do: every check on the request path must hold across them.
describe("the request path across two processes sharing Redis", () => {
  let a: RunningServer;
  let b: RunningServer;
  // Sign-ups are anonymous and charged per address: each comes from its own (trusted-proxy) address.
  let address = 0;
  const signUp = () => registerUser(a, {}, { "x-forwarded-for": `198.51.100.${++address}` });
  before(async function () {
    if (!services.redisUrl) this.skip();
    const shared = { REDIS_KEY_PREFIX: `bgtest:${process.pid}:request-path:`, RATE_LIMIT_CAPACITY: "20", RATE_LIMIT_RESTORE_PER_SECOND: "1" };
    a = await startTestServer(shared);
    b = await startTestServer(shared);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
  });

  it("when a token is used on both, then one bucket is charged and throttling applies across them, with the status in extensions", async () => {
    const user = await signUp();
    const first = await post(a, "{ me { id } }", bearer(user.accessToken));
    expect(first.extensions!.cost).to.deep.include({ requestedQueryCost: 1 });
    const left = first.extensions!.cost.throttleStatus!.currentlyAvailable;
    expect(left).to.be.within(18, 19);
    const second = await post(b, "{ me { id } }", bearer(user.accessToken));
    // A row for the user and one for each of the ten webhooks the list may hold.
    const query = "{ me { id } webhooks { id } }";
    expect(second.extensions!.cost.throttleStatus!.currentlyAvailable).to.be.lessThan(left);
    let limited;
    for (let i = 0; i < 20 && !limited; i++) {
      const response = await post(i % 2 ? a : b, query, bearer(user.accessToken));
      if (response.errors) limited = response;
    }
    expect(limited, "never limited").not.to.equal(undefined);
    expect(limited!.status).to.equal(429);
    expect(limited!.errors![0].extensions).to.include({ code: "RATE_LIMITED" });
    expect(limited!.extensions!.cost.throttleStatus).to.include({ maximumAvailable: 20 });
  });

  it("when the user logs out on one, then the very next request with that token is refused on the other with 401", async () => {
    const user = await signUp();
    expect(codeOf(await gql(b, ME, {}, bearer(user.accessToken)))).to.equal(undefined);
    const out = await gql(a, `mutation ($t: String) { logout(refreshToken: $t) }`, { t: user.refreshToken }, bearer(user.accessToken));
    expect(out.data).to.deep.equal({ logout: true });
    const refused = await gql(b, ME, {}, bearer(user.accessToken));
    expect(codeOf(refused)).to.equal("UNAUTHENTICATED");
    expect(refused.status).to.equal(401);
    expect(refused.data ?? null).to.equal(null);
  });

  it("when a revoked token sends a query over the cost limit, then it is still refused for its credential first", async () => {
    const user = await signUp();
    await gql(a, `mutation ($t: String) { logout(refreshToken: $t) }`, { t: user.refreshToken }, bearer(user.accessToken));
    const histories = Array.from({ length: 29 }, (_, i) => `h${i}: priceHistory(symbol: "AAPL", limit: 1000) { open }`).join(" ");
    expect(codeOf(await gql(b, `{ ${histories} }`, {}, bearer(user.accessToken)))).to.equal("UNAUTHENTICATED");
  });
});

describe("the request path", () => {
  let server: RunningServer;
  before(async () => {
    // Operations above 90 are refused outright; below it, a bucket of 100 takes them.
    server = await startTestServer({ RATE_LIMIT_CAPACITY: "100", RATE_LIMIT_RESTORE_PER_SECOND: "100", QUERY_MAX_COST: "90" });
  });
  after(() => server?.stop());

  it("when an account is disabled, then its still-valid token is refused on the very next request", async () => {
    const user = await registerUser(server);
    expect(codeOf(await gql(server, ME, {}, bearer(user.accessToken)))).to.equal(undefined);
    await server.database.dataSource.query(`UPDATE users SET is_active = false WHERE id = $1`, [user.id]);
    const refused = await gql(server, ME, {}, bearer(user.accessToken));
    expect(codeOf(refused)).to.equal("UNAUTHENTICATED");
    expect(refused.status).to.equal(401);
  });

  it("when `me` is asked, then it answers with the account as the database has it at that request", async () => {
    const user = await registerUser(server);
    await server.database.dataSource.query(`UPDATE users SET first_name = 'Renamed', kyc_status = 'VERIFIED' WHERE id = $1`, [user.id]);
    const { data } = await gql(server, "{ me { id firstName kycStatus roles } }", {}, bearer(user.accessToken));
    expect(data!.me).to.deep.equal({ id: user.id, firstName: "Renamed", kycStatus: "VERIFIED", roles: ["TRADER"] });
  });

  it("when many users' requests arrive at once, then each is answered with its own account", async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => registerUser(server)));
    const answers = await Promise.all(users.flatMap((user) => [0, 1, 2].map(() => gql(server, ME, {}, bearer(user.accessToken)).then((r) => ({ user, r })))));
    for (const { user, r } of answers) expect(r.data!.me).to.deep.equal({ id: user.id, email: user.email });
  });

  it("when the same over-cost document is sent again and again, then it is refused every time and nothing is charged", async () => {
    const user = await registerUser(server);
    const histories = Array.from({ length: 29 }, (_, i) => `h${i}: priceHistory(symbol: "AAPL", limit: 1000) { open }`).join(" ");
    for (let i = 0; i < 3; i++) {
      const refused = await gql(server, `{ ${histories} }`, {}, bearer(user.accessToken));
      expect(codeOf(refused)).to.equal("BAD_USER_INPUT");
      expect(refused.status).to.equal(400);
      expect(refused.errors![0].message).to.match(/Query cost \d+ exceeds the maximum of 90/);
    }
    const cheap = await post(server, "{ me { id } }", bearer(user.accessToken));
    expect(cheap.extensions!.cost.throttleStatus!.currentlyAvailable).to.equal(99);
  });

  it("when a query's cost depends on its variables, then each set of variables is priced for itself", async () => {
    const user = await registerUser(server);
    const query = `query ($n: Int!) { priceHistory(symbol: "AAPL", limit: $n) { open } }`;
    const cost = async (n: number) => {
      const response = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...bearer(user.accessToken) },
        body: JSON.stringify({ query, variables: { n } }),
      });
      return ((await response.json()) as { extensions: CostExtensions }).extensions.cost.requestedQueryCost;
    };
    const small = await cost(60);
    const large = await cost(600);
    expect(large).to.be.greaterThan(small);
    expect(await cost(60)).to.equal(small);
    expect(await cost(600)).to.equal(large);
  });
});
