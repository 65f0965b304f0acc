import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { Role } from "../src/identity";
import { bearer, codeOf, grantRole, connected, gql, registerUser, startTestServer, subscribe, wsClient } from "./helpers";

const ME = "{ me { id } }";
const CREATE_KEY = `mutation ($n: String!, $s: [String!]!) { createApiKey(name: $n, scopes: $s) { secret apiKey { id name prefix scopes revokedAt } } }`;
const QUOTES = `subscription { quotes(symbols: ["AAPL"]) { symbol } }`;

describe("access control", () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server?.stop());

  describe("partner API keys", () => {
    it("when a key is created, then its secret is shown once, stored only as a hash, and it reaches what its scopes grant", async () => {
      const owner = await registerUser(server);
      const created = (await gql(server, CREATE_KEY, { n: "reporting", s: ["read:profile"] }, bearer(owner.accessToken))).data!.createApiKey;
      expect(created.secret).to.match(/^bgk_[0-9a-f]{12}\.[A-Za-z0-9_-]{43}$/);
      expect(created.secret.startsWith(created.apiKey.prefix)).to.equal(true);
      const [row] = await server.database.dataSource.query("SELECT secret_hash FROM api_keys WHERE id = $1", [created.apiKey.id]);
      expect(row.secret_hash).to.match(/^[0-9a-f]{64}$/);
      expect(created.secret).not.to.contain(row.secret_hash);
      const key = { authorization: `ApiKey ${created.secret}` };
      expect((await gql(server, ME, {}, key)).data!.me.id).to.equal(owner.id);
      // apiKeys names no scope: no key can list keys, whatever its scopes.
      expect(codeOf(await gql(server, "{ apiKeys { id } }", {}, key))).to.equal("FORBIDDEN");
      expect(codeOf(await gql(server, CREATE_KEY, { n: "escalate", s: ["trade"] }, key))).to.equal("FORBIDDEN");
      const listed = (await gql(server, "{ apiKeys { id prefix } }", {}, bearer(owner.accessToken))).data!.apiKeys;
      expect(JSON.stringify(listed)).not.to.contain(created.secret.split(".")[1]);
    });

    it("when a key is revoked, then it stops working at once", async () => {
      const owner = await registerUser(server);
      const created = (await gql(server, CREATE_KEY, { n: "temp", s: ["read:profile"] }, bearer(owner.accessToken))).data!.createApiKey;
      const key = { authorization: `ApiKey ${created.secret}` };
      expect(codeOf(await gql(server, ME, {}, key))).to.equal(undefined);
      const revoked = await gql(server, `mutation ($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: created.apiKey.id }, bearer(owner.accessToken));
      expect(revoked.data!.revokeApiKey.revokedAt).to.be.a("string");
      expect(codeOf(await gql(server, ME, {}, key))).to.equal("UNAUTHENTICATED");
    });

    it("when someone revokes another user's key, then it answers NOT_FOUND and the key keeps working", async () => {
      const owner = await registerUser(server);
      const stranger = await registerUser(server);
      const created = (await gql(server, CREATE_KEY, { n: "mine", s: ["read:profile"] }, bearer(owner.accessToken))).data!.createApiKey;
      const attempt = await gql(server, `mutation ($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: created.apiKey.id }, bearer(stranger.accessToken));
      expect(codeOf(attempt)).to.equal("NOT_FOUND");
      expect(codeOf(await gql(server, ME, {}, { authorization: `ApiKey ${created.secret}` }))).to.equal(undefined);
    });

    it("when a key asks for an unknown scope or a wrong secret is presented, then both are refused", async () => {
      const owner = await registerUser(server);
      expect(codeOf(await gql(server, CREATE_KEY, { n: "x", s: ["admin:everything"] }, bearer(owner.accessToken)))).to.equal("BAD_USER_INPUT");
      const created = (await gql(server, CREATE_KEY, { n: "x", s: ["read:profile"] }, bearer(owner.accessToken))).data!.createApiKey;
      const forged = `${created.apiKey.prefix}.${"x".repeat(43)}`;
      expect(codeOf(await gql(server, ME, {}, { authorization: `ApiKey ${forged}` }))).to.equal("UNAUTHENTICATED");
    });
  });

  describe("roles", () => {
    it("when an ADMIN sets roles, then they change; a TRADER trying the same is FORBIDDEN and the denial is audited", async () => {
      const admin = await registerUser(server);
      await grantRole(server, admin.email, Role.ADMIN);
      const target = await registerUser(server);
      const SET = `mutation ($u: ID!, $r: [Role!]!) { setUserRoles(userId: $u, roles: $r) { id roles } }`;
      const done = await gql(server, SET, { u: target.id, r: ["ANALYST", "TRADER"] }, bearer(admin.accessToken));
      expect(done.data!.setUserRoles.roles).to.deep.equal(["ANALYST", "TRADER"]);
      const denied = await gql(server, SET, { u: admin.id, r: ["TRADER"] }, bearer(target.accessToken));
      expect(codeOf(denied)).to.equal("FORBIDDEN");
      const audit = await server.database.dataSource.query(
        "SELECT payload FROM audit_logs WHERE user_id = $1 AND event_type = 'auth.permission_denied'",
        [target.id],
      );
      expect(audit.map((row: { payload: { field: string } }) => row.payload.field)).to.include("Mutation.setUserRoles");
    });
  });

  describe("limits", () => {
  it("when an address fails many logins, then further logins from it are RATE_LIMITED while others still work", async () => {
    const user = await registerUser(server);
    const LOGIN = `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { mfaRequired } }`;
    const from = (ip: string) => ({ "x-forwarded-for": ip });
    for (let i = 0; i < 20; i++) await gql(server, LOGIN, { e: `nobody${i}@example.com`, p: "wrong-password-xx" }, from("203.0.113.7"));
    const blocked = await gql(server, LOGIN, { e: user.email, p: user.password }, from("203.0.113.7"));
    expect(codeOf(blocked)).to.equal("RATE_LIMITED");
    expect(blocked.errors![0].message).to.contain("failed sign-ins");
    expect(codeOf(await gql(server, LOGIN, { e: user.email, p: user.password }, from("203.0.113.8")))).to.equal(undefined);
  });

  it("when a caller keeps getting refused, then its restore rate falls", async () => {
    const user = await registerUser(server);
    const restoreRate = async () => {
      const response = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...bearer(user.accessToken) },
        body: JSON.stringify({ query: "{ me { id } }" }),
      });
      return ((await response.json()) as { extensions: { cost: { throttleStatus: { restoreRate: number } } } }).extensions.cost.throttleStatus.restoreRate;
    };
    const before = await restoreRate();
    for (let i = 0; i < 10; i++) await gql(server, "{ nope }", {}, bearer(user.accessToken));
    expect(await restoreRate()).to.be.lessThan(before);
  });
  });

  describe("WebSocket authentication", () => {
    it("when connection_init carries a valid token, then subscriptions run; when it carries a bad one, then the socket closes 4403", async () => {
      const user = await registerUser(server);
      const good = wsClient(server, { connectionParams: { authorization: `Bearer ${user.accessToken}` } });
      await connected(good);
      await good.dispose();
      const closes: number[] = [];
      const bad = wsClient(server, { connectionParams: { authorization: "Bearer nope" }, on: { closed: (e) => closes.push((e as { code: number }).code) } });
      const sub = subscribe(bad, QUOTES);
      await sub.failed();
      expect(closes).to.deep.equal([4403]);
      await bad.dispose();
    });

    it("when the user logs out, then their open WebSocket is closed with 4401", async () => {
      const user = await registerUser(server);
      const closes: number[] = [];
      const client = wsClient(server, {
        connectionParams: { authorization: `Bearer ${user.accessToken}` },
        on: { closed: (e) => closes.push((e as { code: number }).code) },
      });
      const sub = subscribe(client, QUOTES);
      await connected(client);
      await gql(server, `mutation ($t: String) { logout(refreshToken: $t) }`, { t: user.refreshToken }, bearer(user.accessToken));
      await sub.failed();
      expect(closes).to.deep.equal([4401]);
      await client.dispose();
    });
  });
});

describe("abuse protection", () => {
  let server: RunningServer;
  // Anonymous calls are charged per address: each test comes from its own (trusted-proxy) address.
  let address = 0;
  const newAddress = () => ({ "x-forwarded-for": `198.51.100.${++address}` });
  before(async () => {
    server = await startTestServer({ RATE_LIMIT_CAPACITY: "30", RATE_LIMIT_RESTORE_PER_SECOND: "1", QUERY_MAX_DEPTH: "3" });
  });
  after(() => server?.stop());

  it("when a caller spends its bucket, then it gets RATE_LIMITED with HTTP 429, Retry-After and throttle status in extensions.cost", async () => {
    const user = await registerUser(server);
    const costs: Array<Record<string, any>> = [];
    let limited;
    for (let i = 0; i < 40 && !limited; i++) {
      const response = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...bearer(user.accessToken) },
        // One row for the user and a row for each of the ten webhooks the list may hold.
        body: JSON.stringify({ query: "{ me { id email } webhooks { id } }" }),
      });
      const body = (await response.json()) as { errors?: Array<{ extensions: Record<string, unknown> }>; extensions: { cost: Record<string, any> } };
      costs.push(body.extensions.cost);
      if (body.errors) limited = { response, body };
    }
    expect(limited, "never limited").not.to.equal(undefined);
    expect(limited!.response.status).to.equal(429);
    expect(Number(limited!.response.headers.get("retry-after"))).to.be.greaterThan(0);
    expect(limited!.body.errors![0].extensions).to.include({ code: "RATE_LIMITED" });
    expect(costs[0]).to.deep.include({ requestedQueryCost: 11 });
    expect(costs[0].throttleStatus).to.include({ maximumAvailable: 30, currentlyAvailable: 19 });
    // Another principal has its own bucket.
    const other = await registerUser(server);
    expect(codeOf(await gql(server, "{ me { id } }", {}, bearer(other.accessToken)))).to.equal(undefined);
  });

  it("when an operation would cost more than QUERY_MAX_COST, then it is refused before it runs and nothing is charged", async () => {
    const user = await registerUser(server, {}, newAddress());
    // Histories of 1,000 bars (a row each) and the portfolio list (fifty at most): above 1,000.
    const histories = Array.from({ length: 29 }, (_, i) => `h${i}: priceHistory(symbol: "AAPL", limit: 1000) { open high }`).join(" ");
    const costly = await gql(server, `{ portfolios { id } ${histories} }`, {}, bearer(user.accessToken));
    expect(codeOf(costly)).to.equal("BAD_USER_INPUT");
    expect(costly.status).to.equal(400);
    expect(costly.errors![0].message).to.match(/Query cost \d+ exceeds the maximum of 1000/);
    const cheap = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(user.accessToken) },
      body: JSON.stringify({ query: "{ me { id } }" }),
    });
    expect(((await cheap.json()) as { extensions: { cost: { throttleStatus: { currentlyAvailable: number } } } }).extensions.cost.throttleStatus.currentlyAvailable).to.equal(29);
  });

  it("when a query is too deep or uses too many aliases, then it is refused before it runs", async () => {
    const anonymous = newAddress();
    const deep = await gql(server, "{ me { id } auditLog { edges { node { seq } } pageInfo { hasNextPage } } }", {}, anonymous);
    expect(codeOf(deep)).to.equal("BAD_USER_INPUT");
    expect(deep.errors![0].message).to.contain("depth 4 exceeds the maximum of 3");
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: instruments { symbol }`).join(" ");
    const wide = await gql(server, `{ ${aliases} }`, {}, anonymous);
    expect(codeOf(wide)).to.equal("BAD_USER_INPUT");
    expect(wide.errors![0].message).to.contain("aliases");
  });

});

describe("token expiry on WebSocket", () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({ ACCESS_TOKEN_TTL_SECONDS: "5" });
  });
  after(() => server?.stop());

  it("when the access token of an open WebSocket expires, then the server closes it with 4401", async function () {
    this.timeout(30_000);
    const user = await registerUser(server);
    const closed = new Promise<number>((resolve) => {
      const client = wsClient(server, {
        connectionParams: { authorization: `Bearer ${user.accessToken}` },
        on: { closed: (e) => resolve((e as { code: number }).code) },
      });
      subscribe(client, QUOTES);
    });
    expect(await closed).to.equal(4401);
  });
});
