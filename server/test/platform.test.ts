import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { gql, startTestServer } from "./helpers";

describe("platform over HTTP", () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server?.stop());

  it("when /healthz is asked, then it answers ok", async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ status: "ok" });
  });

  it("when /readyz is asked, then it reports the database and pub/sub reachable", async () => {
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({
      status: "ready",
      checks: { server: "ok", database: "ok", pubsub: "ok", store: "ok" },
    });
  });

  it("when instruments are queried, then the seeded equities, crypto pairs and tokenized assets come back as exact decimals", async () => {
    const { data, errors } = await gql(server, "{ instruments { symbol name assetClass currency tickSize lotSize lastPrice } }");
    expect(errors).to.equal(undefined);
    const instruments = data!.instruments as Array<Record<string, string>>;
    const count = (assetClass: string) => instruments.filter((i) => i.assetClass === assetClass).length;
    expect(count("EQUITY")).to.be.at.least(4);
    expect(count("CRYPTO")).to.be.at.least(3);
    expect(count("TOKENIZED")).to.be.at.least(2);
    const btc = instruments.find((i) => i.symbol === "BTC-USD")!;
    expect(btc).to.include({ tickSize: "0.01", lotSize: "0.0001", currency: "USD" });
    // The price moves (market data may have run against this database): it is a string on the tick.
    expect(btc.lastPrice).to.match(/^\d+(\.\d{1,2})?$/);
    const sol = instruments.find((i) => i.symbol === "SOL-USD")!;
    expect(sol.tickSize).to.equal("0.001");
    for (const instrument of instruments) {
      expect(instrument.tickSize).to.be.a("string");
      expect(instrument.lotSize).to.be.a("string");
    }
  });

  it("when a caller sends an X-Request-Id, then the response echoes it; a hostile one is replaced", async () => {
    const mine = await fetch(`${server.url}/healthz`, { headers: { "x-request-id": "trace-1234-abcd" } });
    expect(mine.headers.get("x-request-id")).to.equal("trace-1234-abcd");
    const hostile = await fetch(`${server.url}/healthz`, { headers: { "x-request-id": '"><script>' + "a".repeat(80) } });
    expect(hostile.headers.get("x-request-id")).to.match(/^[0-9a-f-]{36}$/);
  });

  it("when a query names an unknown field, then it is BAD_USER_INPUT without a stack trace", async () => {
    const { errors } = await gql(server, "{ instruments { symbol nope } }");
    expect(errors).to.have.length(1);
    expect(errors![0].extensions).to.deep.equal({ code: "BAD_USER_INPUT" });
  });

  it("when the query is not GraphQL at all, then it is BAD_USER_INPUT", async () => {
    const { errors } = await gql(server, "{ instruments {");
    expect(errors![0].extensions!.code).to.equal("BAD_USER_INPUT");
  });

  it("when a subscription is sent over HTTP, then it is a 400 BAD_USER_INPUT pointing to the WebSocket", async () => {
    const { status, errors } = await gql(server, `subscription { quotes(symbols: ["AAPL"]) { last } }`);
    expect(status).to.equal(400);
    expect(errors![0].extensions!.code).to.equal("BAD_USER_INPUT");
    expect(errors![0].message).to.contain("WebSocket");
  });

  it("when /metrics is scraped, then it carries request counts and latencies, subscriptions and event-loop lag", async () => {
    await gql(server, "{ instruments { symbol } }");
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).to.match(/^http_requests_total\{method="POST",route="\/graphql",status="200"\} \d+$/m);
    expect(text).to.match(/^http_request_duration_seconds_bucket\{/m);
    expect(text).to.match(/^graphql_operations_total\{type="query",outcome="ok"\} \d+$/m);
    expect(text).to.match(/^graphql_active_subscriptions \d+$/m);
    expect(text).to.match(/^nodejs_eventloop_lag_seconds /m);
  });

  it("when a path the web app does not know is asked for HTML, then the app shell or the build hint answers", async () => {
    const response = await fetch(`${server.url}/some/client/route`, { headers: { accept: "text/html" } });
    // The web app may or may not be built in this checkout; either way the API is not shadowed.
    expect([200, 404]).to.include(response.status);
    const graphql = await gql(server, "{ instruments { symbol } }");
    expect(graphql.status).to.equal(200);
  });
});
