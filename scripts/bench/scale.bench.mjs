// Beyond one process (issue 14), against the built server on real PostgreSQL and Redis, every
// process on loopback:
// 1. failover: two `sequencer` processes and one `api`; the active sequencer is killed with
//    SIGKILL and the time to the first order acknowledged by the standby is measured, BENCH_TRIES
//    times (the killed one comes back as the next standby);
// 2. throughput: the same open-loop order mix (market IOC against the market maker, either side,
//    on four books) through one `api` process and then through two, with the acknowledgement
//    (send -> committed answer over HTTP) and errors by code.
//   npm run bench scale      (BENCH_SECONDS=30 BENCH_RATE=300 BENCH_TRIES=10 for the recorded run)
import http from "node:http";
import { createRequire } from "node:module";
import { provideLocalServices } from "../lib.mjs";
import { graphqlPost, machine, ms, now, startBuiltServer, summarize, writeSection } from "./report.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const RATE = Number(process.env.BENCH_RATE ?? 300);
const TRIES = Number(process.env.BENCH_TRIES ?? 10);
const TRADERS = 8;
const MARKETS = [
  { symbol: "AAPL", lot: 1 },
  { symbol: "MSFT", lot: 1 },
  { symbol: "NVDA", lot: 1 },
  { symbol: "ETH-USD", lot: 0.001 },
];

const env = { ...process.env };
const missing = await provideLocalServices(env, "blockguardian_bench_scale");
if (missing.length) throw new Error(`${missing.join(" and ")} not set and no local service found`);
const { Client } = createRequire(import.meta.url)("pg");
const pg = new Client({ connectionString: env.DATABASE_URL });
await pg.connect();

const common = {
  DATABASE_URL: env.DATABASE_URL,
  REDIS_URL: env.REDIS_URL,
  REDIS_KEY_PREFIX: `bench-scale-${process.pid}:`,
  MARKET_FEED: "off",
  RATE_LIMIT_CAPACITY: "1000000",
  RATE_LIMIT_RESTORE_PER_SECOND: "1000000",
  MAX_ORDER_NOTIONAL: "1000000000",
  KYC_UNVERIFIED_DEPOSIT_LIMIT: "1000000000000",
  KYC_UNVERIFIED_TRADE_NOTIONAL: "1000000000",
  COMMAND_TIMEOUT_MS: "30000",
  LOG_LEVEL: "warn",
  // Every process of a deployment shares its keys: a token one api signed is good on the other.
  JWT_SECRET: "YmVuY2gtb25seS1qd3Qtc2VjcmV0LXNoYXJlZC1ieS1hbGwtcHJvY2Vzc2Vz",
  ENCRYPTION_KEYS: "bench:YmVuY2gtb25seS1lbmNyeXB0aW9uLWtleS0zMmJ5dGU=",
};
const startSequencer = (name) => startBuiltServer({ ...common, ROLE: "sequencer", INSTANCE_NAME: name, MARKET_MAKER: "true" }).then((s) => ({ name, ...s }));
const startApi = (name) => startBuiltServer({ ...common, ROLE: "api", INSTANCE_NAME: name });

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const post = (url, query, variables, token) => graphqlPost(agent, url, query, variables, token);

const PLACE = `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { id status } }`;
const BOOK = `query ($s: String!) { orderBook(symbol: $s, depth: 1) { bids { price } asks { price } } }`;
const codeOf = (answer) => answer.errors?.[0]?.extensions?.code ?? null;

/** Is a process of this name waiting on (or holding) the sequencer lock? */
async function standingBy(name) {
  const { rows } = await pg.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1`, [`${name}:sequencer-lock`]);
  return rows.length > 0;
}

async function until(check, what, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sequencers = [await startSequencer("bench-seq-a"), await startSequencer("bench-seq-b")];
const apis = [await startApi("bench-api-1"), await startApi("bench-api-2")];
let result;
try {
  const traders = [];
  for (let i = 0; i < TRADERS; i++) {
    const url = apis[i % 2].url;
    const registered = await post(url, `mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }`, {
      i: { email: `scale-${process.pid}-${i}@example.com`, password: "Correct-Horse-Battery-Staple-3", firstName: "Scale", lastName: "Bench" },
    });
    const token = registered.data.register.accessToken;
    const portfolioId = (await post(url, `mutation { createPortfolio(input: { name: "bench" }) { id } }`, undefined, token)).data.createPortfolio.id;
    const deposit = await post(url, `mutation ($p: ID!) { deposit(portfolioId: $p, amount: "100000000") { id } }`, { p: portfolioId }, token);
    if (deposit.errors) throw new Error(JSON.stringify(deposit.errors));
    traders.push({ token, portfolioId });
  }
  for (const { symbol } of MARKETS) {
    await until(async () => {
      const book = (await post(apis[0].url, BOOK, { s: symbol })).data?.orderBook;
      return Boolean(book?.bids.length && book.asks.length);
    }, `the market maker's ${symbol} ladder`);
  }
  // Stock to sell: each trader buys from the maker once per book.
  for (const t of traders) {
    for (const m of MARKETS) await post(apis[0].url, PLACE, { i: { portfolioId: t.portfolioId, symbol: m.symbol, side: "BUY", type: "MARKET", timeInForce: "IOC", quantity: String(m.lot * 50) } }, t.token);
  }

  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const nextOrder = (t) => {
    const m = MARKETS[Math.floor(random() * MARKETS.length)];
    return { portfolioId: t.portfolioId, symbol: m.symbol, side: random() < 0.5 ? "BUY" : "SELL", type: "MARKET", timeInForce: "IOC", quantity: String(m.lot) };
  };

  /** Open loop at RATE/s for SECONDS, round-robin over `urls`. */
  async function load(urls) {
    const acks = [];
    const errors = {};
    const interval = 1000 / RATE;
    const started = now();
    const inFlight = [];
    for (let i = 0; i < RATE * SECONDS; i++) {
      const due = started + i * interval;
      const wait = due - now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const t = traders[i % traders.length];
      const sent = now();
      inFlight.push(
        post(urls[i % urls.length], PLACE, { i: nextOrder(t) }, t.token).then(
          (answer) => {
            const code = codeOf(answer);
            if (code) errors[code] = (errors[code] ?? 0) + 1;
            else acks.push(now() - sent);
          },
          () => (errors.NETWORK = (errors.NETWORK ?? 0) + 1),
        ),
      );
    }
    await Promise.all(inFlight);
    const elapsed = (now() - started) / 1000;
    return { ordersPerSecond: acks.length / elapsed, ack: summarize(acks), errors };
  }

  const throughOne = await load([apis[0].url]);
  const throughTwo = await load(apis.map((a) => a.url));

  // Failover: kill -9 the active sequencer; time to the first order the standby acknowledges.
  const failovers = [];
  const trader = traders[0];
  const resting = { portfolioId: trader.portfolioId, symbol: "AAPL", side: "BUY", type: "MARKET", timeInForce: "IOC", quantity: "1" };
  for (let attempt = 0; attempt < TRIES; attempt++) {
    await until(async () => (await Promise.all(sequencers.map((s) => standingBy(s.name)))).every(Boolean), "both sequencers on the lock");
    const [{ holder }] = (await pg.query(`SELECT holder FROM sequencer_epoch WHERE id = 1`)).rows;
    const index = sequencers.findIndex((s) => s.name === holder);
    if (index < 0) throw new Error(`the active sequencer ${holder} is not one of this bench's`);
    const killed = sequencers[index];
    const exited = new Promise((resolve) => killed.child.once("exit", resolve));
    killed.child.kill("SIGKILL");
    const killedAt = now();
    await exited;
    for (;;) {
      const answer = await post(apis[attempt % 2].url, PLACE, { i: resting }, trader.token);
      const code = codeOf(answer);
      if (!code) break;
      if (code !== "UNAVAILABLE") throw new Error(`failover order refused: ${JSON.stringify(answer.errors)}`);
    }
    failovers.push(now() - killedAt);
    sequencers[index] = await startSequencer(killed.name);
  }
  result = { throughOne, throughTwo, failover: summarize(failovers) };
} finally {
  for (const p of [...apis, ...sequencers]) p.child.kill("SIGTERM");
  await pg.end();
}

const row = (label, r) => `| ${label} | ${r.ordersPerSecond.toFixed(0)} | ${ms(r.ack.p50)} | ${ms(r.ack.p99)} | ${JSON.stringify(r.errors)} |`;
const markdown = `## Beyond one process: failover, and orders through one or two api processes

\`BENCH_SECONDS=${SECONDS} BENCH_RATE=${RATE} BENCH_TRIES=${TRIES} npm run bench scale\` on ${machine()}. Every process on this one machine:
two \`sequencer\` processes (one active), two \`api\` processes, PostgreSQL and Redis share its cores.

Failover (SIGKILL of the active sequencer to the first order acknowledged by the standby), ${TRIES} tries:
p50 ${ms(result.failover.p50)}, max ${ms(result.failover.max)}.

Open loop, ${RATE} orders/s offered for ${SECONDS} s (market IOC against the market maker on ${MARKETS.length} books):

| through | orders/s acknowledged | ack p50 | ack p99 | errors by code |
| --- | --- | --- | --- | --- |
${row("one api process", result.throughOne)}
${row("two api processes", result.throughTwo)}
`;
console.log(markdown);
writeSection("scale", markdown);
