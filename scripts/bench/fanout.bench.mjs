// Quote fan-out: 10,000 graphql-ws clients (the seed's 10,000 concurrent users) on one server
// process, each signed in as its own user and subscribed to `quotes` for one symbol, with the
// price simulator at one tick per second per symbol: about 10,000 messages/s out. Measures the
// delivery delay (the quote's timestamp, set by the feed, to receipt; one machine, one clock),
// messages delivered per second, the server's memory per connection, and another user's HTTP
// latency (an authenticated query, one at a time) before and during the fan-out.
//   npm run bench fanout   (FANOUT_CLIENTS=10000, FANOUT_WORKERS=4, BENCH_SECONDS=30; needs PostgreSQL and Redis)
import { execSync, fork } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { buildStale } from "../build.mjs";
import { provideLocalServices, ROOT } from "../lib.mjs";
import { machine, ms, now, startBuiltServer, summarize, writeSection } from "./report.mjs";

const CLIENTS = Number(process.env.FANOUT_CLIENTS ?? 10_000);
const WORKERS = Number(process.env.FANOUT_WORKERS ?? 4);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONNECT_CONCURRENCY = 25; // per worker: sign-ins in flight at once
const TICKS_PER_SECOND = 1;
const GOAL_P99_MS = 100;

// Every socket is a file descriptor: the server holds all the clients' sockets, each load generator its share.
const FD_LIMIT = Number(execSync("ulimit -n", { shell: "/bin/sh" }).toString().trim()) || Infinity;
if (FD_LIMIT < CLIENTS + 1_000) throw new Error(`ulimit -n is ${FD_LIMIT}: the server needs ${CLIENTS} sockets and its own files; raise it (ulimit -n ${CLIENTS + 1_000})`);
if (FD_LIMIT < Math.ceil(CLIENTS / WORKERS) + 100) throw new Error(`ulimit -n is ${FD_LIMIT}: use more FANOUT_WORKERS`);

const env = { ...process.env };
const missing = await provideLocalServices(env, "blockguardian_bench_fanout");
if (missing.length) throw new Error(`${missing.join(" and ")} not set and no local service found`);
await buildStale();
const require = createRequire(path.join(ROOT, "server/dist/main.js"));
const { Client } = require("pg");
const { SignJWT } = require("jose");

// The benchmark mints its clients' access tokens with a signing key it gives the server: 10,000
// sign-ins through bcrypt would measure bcrypt. The tokens are exactly what `login` issues.
const jwtSecret = randomBytes(32);
const server = await startBuiltServer({
  DATABASE_URL: env.DATABASE_URL,
  REDIS_URL: env.REDIS_URL,
  // Own channels: other servers on this Redis (other benches, other engineers) publish quotes too.
  REDIS_KEY_PREFIX: `bench-fanout-${process.pid}:`,
  JWT_SECRET: jwtSecret.toString("base64"),
  MARKET_FEED: "simulator",
  MARKET_TICKS_PER_SECOND: String(TICKS_PER_SECOND),
  MARKET_MAKER: "false",
  VALUATION_ENABLED: "true",
  // The probing user sends one query after another, faster than the default refill.
  RATE_LIMIT_CAPACITY: "1000000",
  RATE_LIMIT_RESTORE_PER_SECOND: "1000000",
  LOG_LEVEL: "warn",
});
const pg = new Client({ connectionString: env.DATABASE_URL });
await pg.connect();

/** Resident memory of the server process, in bytes (from /proc, as `ps` reports it). */
const serverRss = () => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${server.child.pid}/status`, "utf8"))[1]) * 1024;
/** CPU seconds the server process has used so far (utime + stime, proc(5)). */
const serverCpu = () => {
  const fields = fs.readFileSync(`/proc/${server.child.pid}/stat`, "utf8").split(") ")[1].split(" ");
  // Clock ticks of 1/100 s (fields 14 and 15 of proc(5)).
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const heapUsed = async () => Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1] ?? NaN);
const sleep = (msToWait) => new Promise((resolve) => setTimeout(resolve, msToWait));
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

const workers = [];
let result;
try {
  // 10,000 users (and one more, the prober), inserted as the seed would have them.
  const run = randomUUID().slice(0, 8);
  const users = (
    await pg.query(
      `INSERT INTO users (email, password_hash, first_name, last_name)
       SELECT 'fanout-' || $1 || '-' || i || '@example.com', 'not-a-hash', 'Fan', 'Out' || i FROM generate_series(0, $2) i RETURNING id, roles`,
      [run, CLIENTS],
    )
  ).rows;
  const symbols = (await pg.query(`SELECT symbol FROM instruments WHERE last_price IS NOT NULL ORDER BY symbol`)).rows.map((row) => row.symbol);
  const mint = (user) =>
    new SignJWT({ roles: user.roles, fam: randomUUID(), auth_time: Math.floor(Date.now() / 1000) })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(user.id)
      .setJti(randomUUID())
      .setIssuer("blockguardian")
      .setAudience("blockguardian-api")
      .setIssuedAt()
      .setExpirationTime("2h")
      .sign(jwtSecret);
  const [prober, ...subscribers] = users;
  const probeToken = await mint(prober);
  const clients = [];
  for (const [i, user] of subscribers.entries()) clients.push({ token: await mint(user), symbol: symbols[i % symbols.length] });

  const probe = async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${probeToken}` },
      body: JSON.stringify({ query: "{ me { id email } }" }),
    });
    const body = await response.json();
    if (body.errors || body.data.me.id !== prober.id) throw new Error(JSON.stringify(body.errors));
  };
  /** One query after another for `seconds`, after a short warm-up: latencies in ms. */
  const probeFor = async (seconds) => {
    for (let i = 0; i < 50; i++) await probe();
    const samples = [];
    const until = now() + seconds * 1000;
    while (now() < until) {
      const started = now();
      await probe();
      samples.push(now() - started);
    }
    return summarize(samples);
  };

  // Warm-up: the simulator runs, the server is idle; then the reference figures with no clients.
  await sleep(5_000);
  const idleHttp = await probeFor(Math.min(10, SECONDS));
  await sleep(2_000);
  const rssBefore = serverRss();
  const heapBefore = await heapUsed();

  const wsUrl = `${server.url.replace(/^http/, "ws")}/graphql`;
  const connectStarted = now();
  const connected = await Promise.all(
    Array.from({ length: WORKERS }, (_, w) => {
      const worker = fork(path.join(ROOT, "scripts/bench/fanout-clients.mjs"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
      workers.push(worker);
      return new Promise((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("exit", (code) => reject(new Error(`load generator ${w} exited with ${code}`)));
        worker.send({ start: { url: wsUrl, clients: clients.filter((_, i) => i % WORKERS === w), concurrency: CONNECT_CONCURRENCY } });
      });
    }),
  );
  const connectSeconds = (now() - connectStarted) / 1000;
  const open = connected.reduce((sum, c) => sum + c.connected, 0);
  const failed = connected.reduce((sum, c) => sum + c.failed, 0);
  console.log(`${open} clients subscribed (${failed} failed) in ${connectSeconds.toFixed(1)} s`);
  await sleep(5_000);
  const rssAfter = serverRss();
  const heapAfter = await heapUsed();

  const reports = new Promise((resolve) => {
    const collected = [];
    for (const worker of workers)
      worker.on("message", (message) => {
        if (message.report && collected.push(message.report) === workers.length) resolve(collected);
      });
  });
  const cpuBefore = serverCpu();
  const ownCpuBefore = process.cpuUsage();
  const loadBefore = os.loadavg()[0];
  for (const worker of workers) worker.send({ measure: true });
  const measureStarted = now();
  const busyHttp = await probeFor(SECONDS);
  const elapsed = (now() - measureStarted) / 1000;
  for (const worker of workers) worker.send({ report: true });
  const collected = await reports;
  const serverCores = (serverCpu() - cpuBefore) / elapsed;
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const loadAfter = os.loadavg()[0];

  const histogram = new Map();
  for (const report of collected) for (const [delay, count] of report.histogram) histogram.set(delay, (histogram.get(delay) ?? 0) + count);
  const delays = [...histogram.entries()].sort((a, b) => a[0] - b[0]);
  const total = delays.reduce((sum, [, count]) => sum + count, 0);
  const delayAt = (p) => {
    let seen = 0;
    for (const [delay, count] of delays) if ((seen += count) >= Math.ceil((p / 100) * total)) return delay;
    return NaN;
  };
  result = {
    clients: CLIENTS,
    subscribed: open,
    failed,
    connectSeconds,
    symbols: symbols.length,
    delivered: total,
    seconds: elapsed,
    perSecond: total / elapsed,
    expectedPerSecond: open * TICKS_PER_SECOND,
    delay: { p50: delayAt(50), p95: delayAt(95), p99: delayAt(99), max: delays.at(-1)?.[0] ?? NaN },
    wrongOrMissing: collected.reduce((sum, r) => sum + r.errors, 0),
    closed: collected.reduce((sum, r) => sum + r.closed, 0),
    rssBefore,
    rssAfter,
    heapBefore,
    heapAfter,
    idleHttp,
    busyHttp,
    cores: {
      server: serverCores,
      generators: collected.reduce((sum, r) => sum + r.cpuSeconds, 0) / elapsed,
      prober: (ownCpu.user + ownCpu.system) / 1e6 / elapsed,
    },
    load: [loadBefore, loadAfter],
  };
} finally {
  for (const worker of workers) worker.send?.({ stop: true });
  server.child.kill("SIGTERM");
  await pg.end().catch(() => {});
}

const r = result;
const perConnection = (r.rssAfter - r.rssBefore) / r.subscribed;
writeSection(
  "fanout",
  `## Quote fan-out: ${r.clients.toLocaleString("en")} graphql-ws subscribers on one process

\`npm run bench fanout\` — ${machine()}. Server: \`server/dist/main.js\`, one process, on
PostgreSQL and Redis at 127.0.0.1, simulator at ${TICKS_PER_SECOND} tick/s per symbol (\`MARKET_TICKS_PER_SECOND=${TICKS_PER_SECOND}\`) over
its ${r.symbols} instruments, market maker off, valuation on. Load: ${WORKERS} load-generator processes (\`scripts/bench/fanout-clients.mjs\`,
graphql-ws spoken by hand over \`ws\`), ${Math.ceil(r.clients / WORKERS).toLocaleString("en")} sockets each (the open-file limit here is ${FD_LIMIT.toLocaleString("en")} per process, \`ulimit -n\`, checked before
starting; the server holds all ${r.clients.toLocaleString("en")}). Each client is its own user, inserted by the bench, with an access token the bench
mints with the signing key it gives the server (\`JWT_SECRET\`), so 10,000 bcrypt sign-ins are not what is measured; each
subscribes to \`quotes\` for one symbol (round robin). The prober is one more such user; the rate limits are raised
(\`RATE_LIMIT_CAPACITY\` and \`RATE_LIMIT_RESTORE_PER_SECOND\` 1,000,000) because it asks faster than the default refill.
Delivery delay: the quote's \`timestamp\` (set by the simulator when it steps) to its receipt, both \`Date.now()\` on this
machine (1 ms resolution). Load average (1 min) ${r.load[0].toFixed(1)} at the start of the window and ${r.load[1].toFixed(1)} at its end, on
${os.cpus().length} cores: ${r.load[0] > os.cpus().length + 0.5 ? "**the machine was busy with other work during this run**; re-run on a quiet machine for the reference figures" : "the machine was quiet"}.

| figure | measured | reference |
| --- | --- | --- |
| clients subscribed | ${r.subscribed.toLocaleString("en")} of ${r.clients.toLocaleString("en")} (${r.failed} failed), in ${r.connectSeconds.toFixed(1)} s | ${r.clients.toLocaleString("en")} |
| delivery delay p50 / p95 / p99 / max | ${r.delay.p50} / ${r.delay.p95} / **${r.delay.p99}** / ${r.delay.max} ms | p99 < ${GOAL_P99_MS} ms |
| messages delivered per second | ${Math.round(r.perSecond).toLocaleString("en")} (${r.delivered.toLocaleString("en")} in ${r.seconds.toFixed(1)} s) | ${r.expectedPerSecond.toLocaleString("en")} (one per client per second) |
| wrong symbol or error frames; sockets closed | ${r.wrongOrMissing}; ${r.closed} | 0; 0 |
| server RSS before → after connecting | ${mib(r.rssBefore)} → ${mib(r.rssAfter)} | |
| memory per connection (RSS delta / clients) | **${(perConnection / 1024).toFixed(1)} KiB** (heap used ${mib(r.heapBefore)} → ${mib(r.heapAfter)}) | |
| another user's \`{ me { id email } }\` over HTTP, one at a time, p50 / p99 | ${ms(r.busyHttp.p50)} / **${ms(r.busyHttp.p99)}** (n=${r.busyHttp.n}) during the fan-out | ${ms(r.idleHttp.p50)} / ${ms(r.idleHttp.p99)} (n=${r.idleHttp.n}) before any client connected |
| server CPU per delivered message (CPU time / messages; what the machine's other load changes least) | **${((1e6 * r.cores.server) / r.perSecond).toFixed(1)} µs** | |
| cores used during the window (CPU time / wall time) | server ${r.cores.server.toFixed(2)}, load generators ${r.cores.generators.toFixed(2)} together, prober ${r.cores.prober.toFixed(2)} | PostgreSQL and Redis use the rest |

At the measured CPU per delivered message, ${r.expectedPerSecond.toLocaleString("en")} messages a second need ${((r.cores.server / r.perSecond) * r.expectedPerSecond).toFixed(2)} of a core
in the server process; ${r.perSecond < r.expectedPerSecond * 0.95 ? `it got ${r.cores.server.toFixed(2)}, so it fell behind: events queued per subscriber, which is what the delay, the memory and the HTTP figures show` : "it kept up"}.`,
);
console.log(JSON.stringify(result, null, 1));
process.exit(0);
