// The platform's floor: what one GraphQL query over HTTP and one event through Redis to a
// graphql-ws subscriber cost, next to the bare transport underneath (GET /healthz and a raw
// Redis PUBLISH -> SUBSCRIBE), measured in one run against the built server in its own process.
//   npm run bench foundation          (needs PostgreSQL and Redis on 127.0.0.1, as in CI)
import os from "node:os";
import { createClient } from "graphql-ws";
import Redis from "ioredis";
import WebSocket from "ws";
import { provideLocalServices } from "../lib.mjs";
import { machine, ms, now, sequential, startBuiltServer, summarize, throughput, writeSection } from "./report.mjs";

const env = { ...process.env };
const missing = await provideLocalServices(env, "blockguardian_bench");
if (missing.length) throw new Error(`${missing.join(" and ")} not set and no local service found`);
const { DATABASE_URL, REDIS_URL } = env;
const SEQUENTIAL = 2_000;
const EVENTS = 2_000;
const CONCURRENCY = 16;
const THROUGHPUT_SECONDS = 5;
const QUERY = JSON.stringify({ query: "{ instruments { symbol tickSize lotSize lastPrice } }" });

/** Round trips of one event at a time: publish, wait for it to arrive, publish the next. */
async function eventRoundTrips(publish, onEvent) {
  const samples = [];
  for (let i = -200; i < EVENTS; i++) {
    const started = now();
    const arrived = new Promise((resolve) => onEvent(resolve));
    await publish(i);
    await arrived;
    if (i >= 0) samples.push(now() - started);
  }
  return summarize(samples);
}

async function main() {
  // The limiter stays on with a budget the load cannot exhaust: this measures its cost, not its refusals.
  const server = await startBuiltServer({ DATABASE_URL, REDIS_URL, RATE_LIMIT_CAPACITY: "1000000", RATE_LIMIT_RESTORE_PER_SECOND: "1000000" });
  const publisher = new Redis(REDIS_URL);
  try {
    const health = () => fetch(`${server.url}/healthz`).then((r) => r.arrayBuffer());
    const graphql = () =>
      fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: QUERY }).then((r) => r.arrayBuffer());
    const healthLatency = await sequential(health, SEQUENTIAL);
    const graphqlLatency = await sequential(graphql, SEQUENTIAL);
    const healthRate = await throughput(health, CONCURRENCY, THROUGHPUT_SECONDS);
    const graphqlRate = await throughput(graphql, CONCURRENCY, THROUGHPUT_SECONDS);

    // Bare Redis: PUBLISH on one connection, SUBSCRIBE on another, no server in between.
    const subscriber = new Redis(REDIS_URL);
    let rawWaiter;
    await subscriber.subscribe("bench.raw");
    subscriber.on("message", () => rawWaiter?.());
    const raw = await eventRoundTrips(
      () => publisher.publish("bench.raw", "x"),
      (resolve) => (rawWaiter = resolve),
    );
    subscriber.disconnect();

    // Through the platform: Redis -> server's subscriber -> graphql-ws -> client.
    const client = createClient({ url: server.url.replace(/^http/, "ws") + "/graphql", webSocketImpl: WebSocket });
    let wsWaiter;
    const dispose = client.subscribe({ query: 'subscription { quotes(symbols: ["AAPL"]) { symbol last } }' }, {
      next: () => wsWaiter?.(),
      error: (error) => console.error(error),
      complete: () => {},
    });
    const event = (i) => JSON.stringify({ symbol: "AAPL", bid: null, ask: null, last: `${200 + (i & 1023)}.01`, timestamp: new Date().toISOString() });
    while ((await publisher.publish("quotes.AAPL", event(0))) === 0) await new Promise((r) => setTimeout(r, 20));
    const platform = await eventRoundTrips(
      (i) => publisher.publish("quotes.AAPL", event(i)),
      (resolve) => (wsWaiter = resolve),
    );
    dispose();
    await client.dispose();

    const row = (label, s) => `| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${ms(s.max)} |`;
    writeSection(
      "foundation",
      `## Foundation: HTTP query and event delivery

\`npm run bench foundation\` — ${machine()}. Server: \`server/dist/main.js\` in its own process
with PostgreSQL and Redis on 127.0.0.1; load generator: the bench process. Both share the
machine's ${os.cpus().length} cores.

Latency of one request at a time (after 200 warm-up requests):

| path | n | p50 | p95 | p99 | max |
| --- | --- | --- | --- | --- | --- |
${row("GET /healthz (reference: HTTP stack only)", healthLatency)}
${row("POST /graphql \`instruments\` (Apollo + PostgreSQL)", graphqlLatency)}

Throughput with ${CONCURRENCY} concurrent callers for ${THROUGHPUT_SECONDS} s: GET /healthz
${Math.round(healthRate)} req/s (reference), \`instruments\` query ${Math.round(graphqlRate)} req/s.

Event delivery, one event at a time from PUBLISH to the subscriber's callback:

| path | n | p50 | p95 | p99 | max |
| --- | --- | --- | --- | --- | --- |
${row("raw Redis PUBLISH -> SUBSCRIBE (reference)", raw)}
${row("Redis -> server -> graphql-ws \`quotes\` subscriber", platform)}`,
    );
    console.log({ healthLatency, graphqlLatency, healthRate, graphqlRate, raw, platform });
  } finally {
    publisher.disconnect();
    server.child.kill("SIGTERM");
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
