import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { Role } from "../src/identity";
import { bearer, codeOf, gql, grantRole, registerUser, startTestServer, subscribe, type TestUser, wsClient } from "./helpers";

/**
 * The reproductions of issue 12's attack run: hostile decimals, strings, ids, cursors and
 * arguments each end in a typed error (BAD_USER_INPUT), never INTERNAL_SERVER_ERROR, over HTTP
 * and graphql-ws.
 */
describe("hostile input", () => {
  let server: RunningServer;
  let user: TestUser;
  let portfolioId: string;

  const as = (who: TestUser) => bearer(who.accessToken);
  const cursorOf = (position: string) => Buffer.from(position, "utf8").toString("base64url");
  const expectRefused = (response: { status: number; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }, what: string) => {
    expect(codeOf(response), `${what}: ${JSON.stringify(response.errors)}`).to.equal("BAD_USER_INPUT");
  };

  before(async () => {
    server = await startTestServer();
    user = await registerUser(server);
    const created = await gql(server, `mutation { createPortfolio(input: { name: "Hostile" }) { id } }`, {}, as(user));
    portfolioId = created.data!.createPortfolio.id;
  });

  after(async () => {
    await server?.stop();
  });

  describe("decimals with more places than the database keeps", () => {
    const PLACE = `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }`;
    const order = (fields: Record<string, unknown>) => ({ portfolioId, symbol: "AAPL", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "1", limitPrice: "100", ...fields });

    it("when an order's price or quantity has more than 10 fractional digits, then it is BAD_USER_INPUT, as a variable or inline", async () => {
      for (const fields of [{ limitPrice: "12.343333333333334" }, { quantity: "1.0000000000000000001" }, { quantity: "0.00000000001" }, { type: "STOP_LIMIT", stopPrice: "0.00000000001" }]) {
        expectRefused(await gql(server, PLACE, { i: order(fields) }, as(user)), JSON.stringify(fields));
      }
      const inline = await gql(server, `mutation { placeOrder(input: { portfolioId: "${portfolioId}", symbol: "AAPL", side: BUY, type: LIMIT, timeInForce: GTC, quantity: "1", limitPrice: "12.343333333333334" }) { id } }`, {}, as(user));
      expectRefused(inline, "inline limitPrice");
      expect(inline.errors![0].message).to.match(/10 decimal places|after it/);
    });

    it("when a portfolio's threshold or target weights have more than 10 fractional digits, then it is BAD_USER_INPUT", async () => {
      expectRefused(await gql(server, `mutation { createPortfolio(input: { name: "T", rebalanceThreshold: "0.00000000001" }) { id } }`, {}, as(user)), "rebalanceThreshold");
      const targets = [
        { symbol: "AAPL", weight: "0.33333333334" },
        { symbol: "MSFT", weight: "0.33333333333" },
        { symbol: "BTC-USD", weight: "0.33333333333" },
      ];
      expectRefused(
        await gql(server, `mutation ($p: ID!, $t: [AllocationTargetInput!]!) { setTargetAllocation(portfolioId: $p, targets: $t) { id } }`, { p: portfolioId, t: targets }, as(user)),
        "weights",
      );
    });

    it("when an amount has more than 20 whole digits, then it is BAD_USER_INPUT; trailing zeros past 10 places are only zeros", async () => {
      const DEPOSIT = `mutation ($p: ID!, $a: Decimal!) { deposit(portfolioId: $p, amount: $a) { totalAmount } }`;
      expectRefused(await gql(server, DEPOSIT, { p: portfolioId, a: "123456789012345678901" }, as(user)), "21 whole digits");
      const padded = await gql(server, DEPOSIT, { p: portfolioId, a: "10.500000000000000000" }, as(user));
      expect(padded.errors, JSON.stringify(padded.errors)).to.equal(undefined);
      expect(padded.data!.deposit.totalAmount).to.equal("10.5");
    });
  });

  describe("strings", () => {
    it("when a name, an email, a key name or an audit filter carries a NUL byte, then it is BAD_USER_INPUT and nothing reaches PostgreSQL", async () => {
      const admin = await registerUser(server);
      await grantRole(server, admin.email, Role.ADMIN);
      const attempts: Array<[string, string, Record<string, unknown>, Record<string, string>]> = [
        ["portfolio name", `mutation ($n: String!) { createPortfolio(input: { name: $n }) { id } }`, { n: "a\u0000b" }, as(user)],
        ["portfolio description", `mutation ($d: String) { createPortfolio(input: { name: "ok", description: $d }) { id } }`, { d: "line one\u0000" }, as(user)],
        ["register email", `mutation ($e: String!) { register(input: { email: $e, password: "Correct-Horse-Battery-Staple-9", firstName: "A", lastName: "B" }) { accessToken } }`, { e: "a\u0000@example.com" }, {}],
        ["login email", `mutation ($e: String!) { login(email: $e, password: "whatever-it-is") { mfaRequired } }`, { e: "a\u0000@example.com" }, {}],
        ["API key name", `mutation ($n: String!) { createApiKey(name: $n, scopes: ["read:market"]) { secret } }`, { n: "key\u0000" }, as(user)],
        ["audit event type", `query ($t: String) { auditLog(eventType: $t) { edges { cursor } } }`, { t: "auth\u0000" }, as(admin)],
      ];
      for (const [what, query, variables, headers] of attempts) {
        const response = await gql(server, query, variables, headers);
        expectRefused(response, what);
        expect(response.errors![0].message, what).to.include("NUL");
      }
    });

    it("when a one-line field carries a line break or a control character, then it is refused; a description may hold line breaks and tabs", async () => {
      const CREATE = `mutation ($n: String!, $d: String) { createPortfolio(input: { name: $n, description: $d }) { id description } }`;
      expectRefused(await gql(server, CREATE, { n: "two\nlines" }, as(user)), "line break in a name");
      expectRefused(await gql(server, CREATE, { n: "bell\u0007" }, as(user)), "BEL in a name");
      expectRefused(await gql(server, CREATE, { n: "ok", d: "escape \u001b[31m red" }, as(user)), "ESC in a description");
      const accepted = await gql(server, CREATE, { n: "Long term", d: "Line one\n\tindented\r\nline three" }, as(user));
      expect(accepted.errors).to.equal(undefined);
      expect(accepted.data!.createPortfolio.description).to.equal("Line one\n\tindented\r\nline three");
    });

    it("when a string is longer than its field allows, then it is refused: 200 characters for a name, 10,000 for a description", async () => {
      const CREATE = `mutation ($n: String!, $d: String) { createPortfolio(input: { name: $n, description: $d }) { id } }`;
      const tooLongName = await gql(server, CREATE, { n: "n".repeat(201) }, as(user));
      expectRefused(tooLongName, "201-character name");
      expect(tooLongName.errors![0].message).to.include("at most 200 characters");
      expectRefused(await gql(server, CREATE, { n: "ok", d: "d".repeat(10_001) }, as(user)), "10,001-character description");
      expect((await gql(server, CREATE, { n: "ok", d: "é".repeat(10_000) }, as(user))).errors).to.equal(undefined);
      const [row] = await server.database.dataSource.query(`SELECT max(length(description)) AS longest FROM portfolios WHERE user_id = $1`, [user.id]);
      expect(Number(row.longest)).to.equal(10_000);
    });

    it("when a subscription's argument carries a NUL byte over graphql-ws, then it fails with BAD_USER_INPUT", async () => {
      const client = wsClient(server, { connectionParams: { authorization: `Bearer ${user.accessToken}` } });
      try {
        const quotes = subscribe(client, `subscription ($s: [String!]!) { quotes(symbols: $s) { symbol } }`, { s: ["AAPL\u0000"] });
        const failure = (await quotes.failed()) as Array<{ message: string; extensions?: Record<string, unknown> }>;
        expect(failure[0].extensions?.code).to.equal("BAD_USER_INPUT");
        expect(failure[0].message).to.include("NUL");
      } finally {
        await client.dispose();
      }
    });
  });

  describe("ids and cursors PostgreSQL cannot read", () => {
    it("when an id is not a uuid, then it is BAD_USER_INPUT", async () => {
      expectRefused(await gql(server, `mutation { revokeApiKey(id: "000000000000000000000000000000000000") { id } }`, {}, as(user)), "revokeApiKey");
      expectRefused(await gql(server, `query ($id: ID!) { portfolio(id: $id) { id } }`, { id: "1 OR 1=1" }, as(user)), "portfolio");
      expectRefused(await gql(server, `query { orders(portfolioId: "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz") { edges { cursor } } }`, {}, as(user)), "orders(portfolioId:)");
    });

    it("when a cursor holds a date that does not exist or a seq beyond bigint, then it is BAD_USER_INPUT", async () => {
      const admin = await registerUser(server);
      await grantRole(server, admin.email, Role.ADMIN);
      const impossible = cursorOf(`9999-99-99T99:99:99.999Z|${"0".repeat(8)}-0000-0000-0000-${"0".repeat(12)}`);
      expectRefused(await gql(server, `query ($a: String) { orders(after: $a) { edges { cursor } } }`, { a: impossible }, as(user)), "orders(after:)");
      expectRefused(await gql(server, `query ($p: ID!, $a: String) { portfolio(id: $p) { transactions(after: $a) { edges { cursor } } } }`, { p: portfolioId, a: impossible }, as(user)), "transactions(after:)");
      const dashes = cursorOf(`2025-01-01T00:00:00.000Z|${"-".repeat(36)}`);
      expectRefused(await gql(server, `query ($a: String) { orders(after: $a) { edges { cursor } } }`, { a: dashes }, as(user)), "uuid of dashes");
      expectRefused(await gql(server, `query ($a: String) { auditLog(after: $a) { edges { cursor } } }`, { a: cursorOf("9999999999999999999") }, as(admin)), "auditLog(after:)");
      // A cursor the server handed out still works.
      const page = await gql(server, `query { auditLog(first: 1) { pageInfo { endCursor } } }`, {}, as(admin));
      const next = await gql(server, `query ($a: String) { auditLog(first: 1, after: $a) { edges { cursor } } }`, { a: page.data!.auditLog.pageInfo.endCursor }, as(admin));
      expect(next.errors).to.equal(undefined);
    });
  });

  describe("arguments the cost estimator cannot price", () => {
    const FREE_RIDE = `{ o0: orders(first: 100) { edges { cursor } } h: priceHistory(symbol: "AAPL", limit: -100000000) { close } }`;

    it("when a negative limit would make an operation free over HTTP, then the whole operation is refused before anything runs", async () => {
      const response = await gql(server, FREE_RIDE, {}, as(user));
      expect(response.status).to.equal(400);
      expectRefused(response, "negative limit");
      expect(response.data).to.equal(undefined);
      for (const bad of [`{ orders(first: -5) { edges { cursor } } }`, `{ orders(first: 0) { edges { cursor } } }`, `{ priceHistory(symbol: "AAPL", limit: 0) { close } }`, `query ($n: Int) { orders(first: $n) { edges { cursor } } }`]) {
        const refused = await gql(server, bad, { n: -1 }, as(user));
        expect(refused.status, bad).to.equal(400);
        expect(refused.data, bad).to.equal(undefined);
      }
    });

    it("when the same operation comes over graphql-ws, then it is refused there too", async () => {
      const client = wsClient(server, { connectionParams: { authorization: `Bearer ${user.accessToken}` } });
      try {
        const result = subscribe(client, FREE_RIDE);
        const failure = (await result.failed()) as Array<{ message: string; extensions?: Record<string, unknown> }>;
        expect(failure[0].extensions?.code).to.equal("BAD_USER_INPUT");
        expect(failure[0].message).to.include("Cannot price");
        expect(result.events).to.have.length(0);
      } finally {
        await client.dispose();
      }
    });
  });

  describe("credentials in the wrong place", () => {
    it("when an API key is sent as a Bearer token, then the refusal says to send it as ApiKey", async () => {
      const created = await gql(server, `mutation { createApiKey(name: "misused", scopes: ["read:market"]) { secret } }`, {}, as(user));
      const response = await gql(server, `{ instruments { symbol } }`, {}, { authorization: `Bearer ${created.data!.createApiKey.secret}` });
      expect(response.status).to.equal(401);
      expect(codeOf(response)).to.equal("UNAUTHENTICATED");
      expect(response.errors![0].message).to.include("ApiKey <key>");
    });

    it("when a WebSocket presents a bad API key, then it closes with 4403 and says why", async () => {
      let client: ReturnType<typeof wsClient> | undefined;
      const { code, reason } = await new Promise<{ code: number; reason: string }>((resolve) => {
        client = wsClient(server, {
          connectionParams: { authorization: "ApiKey bgk_000000000000.not-a-secret" },
          on: { closed: (event) => resolve({ code: (event as { code: number }).code, reason: String((event as { reason: unknown }).reason) }) },
        });
      });
      await client?.dispose();
      expect(code).to.equal(4403);
      expect(reason).to.equal("The API key is invalid or revoked");
    });
  });

  describe("request bodies", () => {
    const post = (body: string) => fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body });

    it("when the body is not JSON, then the answer is 400 JSON with BAD_USER_INPUT and no internals", async () => {
      const response = await post(`{"query": "{ instruments { symbol } }"`);
      expect(response.status).to.equal(400);
      expect(response.headers.get("content-type")).to.match(/^application\/json/);
      const text = await response.text();
      expect(text).not.to.match(/node_modules|\/work\/|at [A-Za-z]+ \(|<html|<pre/i);
      const body = JSON.parse(text) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
      expect(body.errors[0].extensions.code).to.equal("BAD_USER_INPUT");
    });

    it("when the body is over the limit, then the answer is 413 JSON in the GraphQL error shape", async () => {
      const response = await post(JSON.stringify({ query: "{ instruments { symbol } }", variables: { padding: "x".repeat(1_100_000) } }));
      expect(response.status).to.equal(413);
      const body = (await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
      expect(body.errors[0].extensions.code).to.equal("BAD_USER_INPUT");
      expect(body.errors[0].message).to.include("exceeds");
    });
  });
});
