// The authenticated request path against its framework's ceiling: `{ me { id } }` with a Bearer
// token on the built server (JWT, revocation, rate limiter, cost, audit-ready context, the user
// row), next to bare Apollo Server 5 on express 5 from the same node_modules answering the same
// query from a constant. Three processes: the server, the bare Apollo, and a load generator
// (16 callers over HTTP keep-alive). Rounds alternate between the two targets so a busy
// neighbour weighs on both alike. Then a profiled pass: the server's top five self-time entries.
//   npm run bench request-path        (BENCH_SECONDS=10 per round, BENCH_ROUNDS=3; PostgreSQL and Redis on 127.0.0.1)
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { provideLocalServices, ROOT } from "../lib.mjs";
import { machine, startBuiltServer, writeSection } from "./report.mjs";
import { selfTimeByOrigin, topSelfTime } from "./request-path/profile.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARMUP_SECONDS = 3;
const CONCURRENCY = 16;
const PROFILE_SECONDS = 10;
const HERE = path.join(ROOT, "scripts", "bench", "request-path");
const BODY = JSON.stringify({ query: "{ me { id } }" });
const INSTANCE_NAME = "bench-request-path";

// The request path before it was reworked (commit fd5c474), measured once by this script on the
// same shared machine (2026-11-28, load average 12-17 from other engineers' work): three Redis
// round trips and two statements (one an ORM entity read) in sequence per request.
const BEFORE = {
  commit: "fd5c474",
  ratio: 0.09,
  roundRatios: "8%, 13%, 9%",
  ours: 165,
  bare: 1247,
  cpuPerRequestUs: 2017,
  bareCpuPerRequestUs: 312,
  top: [
    ["writev", "(native)", 25.7],
    ["writeUtf8String", "(native)", 7.4],
    ["(garbage collector)", "(native)", 5.8],
    ["runMicrotasks", "(native)", 3.3],
    ["(program)", "(native)", 1.3],
  ],
  origins: [
    ["native (system calls, V8 built-ins)", 38.1],
    ["Node.js internals", 15.6],
    ["typeorm", 8.8],
    ["garbage collector", 6.0],
    ["@apollo/server", 3.9],
    ["graphql", 3.6],
    ["ioredis", 3.4],
    ["router", 2.2],
    ["pg + pg-protocol", 3.5],
    ["graphql-query-complexity", 1.4],
  ],
};

const env = { ...process.env };
const missing = await provideLocalServices(env, "blockguardian_bench_request_path");
if (missing.length) throw new Error(`${missing.join(" and ")} not set and no local service found`);

// Quiet background: no simulated feed, no market maker, so the server's CPU is the requests'.
// The limiter stays on with a budget the load cannot exhaust: this measures its cost, not its refusals.
const serverEnv = {
  DATABASE_URL: env.DATABASE_URL,
  REDIS_URL: env.REDIS_URL,
  REDIS_KEY_PREFIX: `bench-request-path-${process.pid}:`,
  INSTANCE_NAME,
  MARKET_FEED: "off",
  MARKET_MAKER: "false",
  RATE_LIMIT_CAPACITY: "1000000",
  RATE_LIMIT_RESTORE_PER_SECOND: "1000000",
  LOG_LEVEL: "warn",
};

function startBareApollo() {
  const child = spawn(process.execPath, [path.join(HERE, "bare-apollo.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`bare Apollo exited with ${code}`)));
    readline.createInterface({ input: child.stdout }).on("line", (line) => {
      const match = /running at (http:\/\/\S+)/.exec(line);
      if (match) resolve({ child, url: match[1] });
    });
  });
}

function drive(url, token, pids, postgres, seconds = SECONDS) {
  const args = { url: `${url}/graphql`, body: BODY, headers: { authorization: `Bearer ${token}` }, concurrency: CONCURRENCY, warmupSeconds: WARMUP_SECONDS, seconds, pids, postgres, expect: '"me":{"id":"' };
  const child = spawn(process.execPath, [path.join(HERE, "load.mjs"), JSON.stringify(args)], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  return new Promise((resolve, reject) =>
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited with ${code}`)))),
  );
}

async function stopChild(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function register(url) {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: `mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }`,
      variables: { i: { email: `bench-${Date.now()}-${process.pid}@example.com`, password: "Correct-Horse-Battery-Staple-42", firstName: "Bench", lastName: "User" } },
    }),
  });
  const result = await response.json();
  if (!result.data?.register) throw new Error(JSON.stringify(result.errors));
  return result.data.register.accessToken;
}

/** The redis-server listening on REDIS_URL's port (others may run on this machine). */
function redisPid() {
  const port = new URL(env.REDIS_URL).port || "6379";
  for (const pid of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const command = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      if (command.startsWith("redis-server") && command.includes(`:${port}`)) return Number(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return null;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const cores = (cpuMs, elapsedMs) => (cpuMs / elapsedMs).toFixed(2);

async function measure() {
  const server = await startBuiltServer({ ...serverEnv, NODE_OPTIONS: "" });
  const bare = await startBareApollo();
  try {
    const token = await register(server.url);
    const redis = redisPid();
    const rows = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // Alternate which goes first, so a neighbour's burst does not always land on the same side.
      const order = round % 2 ? ["bare", "ours"] : ["ours", "bare"];
      const result = {};
      for (const which of order) {
        const pid = which === "bare" ? bare.child.pid : server.child.pid;
        const postgres = which === "ours" ? { url: env.DATABASE_URL, applicationName: INSTANCE_NAME } : undefined;
        const run = await drive(which === "bare" ? bare.url : server.url, token, [pid, ...(redis ? [redis] : [])], postgres);
        if (run.failures) throw new Error(`${which}: ${run.failures} failed requests, first: ${run.firstFailure}`);
        result[which] = { ...run, targetMs: run.cpuMs[pid], pgMs: run.postgresCpuMs, redisMs: redis ? run.cpuMs[redis] : NaN };
      }
      rows.push(result);
      console.log(`round ${round}: bare ${Math.round(result.bare.rate)} req/s, ours ${Math.round(result.ours.rate)} req/s`);
    }
    return { rows, pgBackends: Math.max(...rows.map((r) => r.ours.postgresBackends)), redis: Boolean(redis) };
  } finally {
    await stopChild(bare.child);
    await stopChild(server.child);
  }
}

async function profile() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bg-request-path-prof-"));
  const server = await startBuiltServer({ ...serverEnv, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` });
  let window;
  try {
    const token = await register(server.url);
    window = (await drive(server.url, token, [], undefined, PROFILE_SECONDS)).windowUs;
  } finally {
    await stopChild(server.child);
  }
  const file = fs.readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
  if (!file) throw new Error("the server wrote no CPU profile");
  const profile = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
  const top = { ...topSelfTime(profile, ROOT, 5, window), origins: selfTimeByOrigin(profile, ROOT, 10, window).entries };
  // BENCH_PROFILE=DIR keeps the whole profile for Chrome DevTools.
  if (process.env.BENCH_PROFILE) fs.cpSync(path.join(dir, file), path.join(process.env.BENCH_PROFILE, `request-path-${Date.now()}.cpuprofile`));
  fs.rmSync(dir, { recursive: true, force: true });
  return top;
}

const { rows, pgBackends, redis } = await measure();
const top = await profile();

const ratio = (r) => r.ours.rate / r.bare.rate;
const perRequestUs = (ms, requests) => ((ms * 1000) / requests).toFixed(0);
const table = rows
  .map((r, i) =>
    [
      `| ${i + 1} | bare Apollo 5 + express 5, constant | ${Math.round(r.bare.rate)} | ${r.bare.p50.toFixed(2)} / ${r.bare.p99.toFixed(2)} ms | ${cores(r.bare.targetMs, r.bare.elapsedMs)} | ${perRequestUs(r.bare.targetMs, r.bare.requests)} µs | ${cores(r.bare.loadCpuMs, r.bare.elapsedMs)} | — | — |`,
      `| ${i + 1} | BlockGuardian, Bearer token | ${Math.round(r.ours.rate)} | ${r.ours.p50.toFixed(2)} / ${r.ours.p99.toFixed(2)} ms | ${cores(r.ours.targetMs, r.ours.elapsedMs)} | ${perRequestUs(r.ours.targetMs, r.ours.requests)} µs | ${cores(r.ours.loadCpuMs, r.ours.elapsedMs)} | ${cores(r.ours.pgMs, r.ours.elapsedMs)} | ${redis ? cores(r.ours.redisMs, r.ours.elapsedMs) : "n/a"} |`,
    ].join("\n"),
  )
  .join("\n");
const medianRatio = median(rows.map(ratio));
const bareMedian = median(rows.map((r) => r.bare.rate));
const oursMedian = median(rows.map((r) => r.ours.rate));
const oursCpuPerRequest = median(rows.map((r) => (r.ours.targetMs * 1000) / r.ours.requests));
const bareCpuPerRequest = median(rows.map((r) => (r.bare.targetMs * 1000) / r.bare.requests));
const profileTable = top.entries
  .map((e, i) => `| ${i + 1} | \`${BEFORE.top[i][0]}\` ${BEFORE.top[i][1]} | ${BEFORE.top[i][2].toFixed(1)}% | \`${e.name}\` ${e.where} | ${e.percent.toFixed(1)}% |`)
  .join("\n");
const originTable = top.origins
  .map((e, i) => `| ${BEFORE.origins[i] ? `${BEFORE.origins[i][0]} | ${BEFORE.origins[i][1].toFixed(1)}%` : " | "} | ${e.origin} | ${e.percent.toFixed(1)}% |`)
  .join("\n");

writeSection(
  "request-path",
  `## Request path: authenticated \`{ me { id } }\` against bare Apollo

\`npm run bench request-path\` — ${machine()}. Load average ${os.loadavg()[0].toFixed(1)} on the ${os.cpus().length} cores when
the report was written. Absolute rates move from run to run; the ratio (both measured in alternating rounds of the same run) and the
server's CPU time per request are the figures to compare.

Processes: the built server (\`server/dist/main.js\`, PostgreSQL and Redis on 127.0.0.1, its own
database and \`REDIS_KEY_PREFIX\`, \`MARKET_FEED=off\` and no market maker so its CPU is the
requests', rate limiter on with a budget the load cannot exhaust); bare Apollo Server 5 on
express 5 (\`scripts/bench/request-path/bare-apollo.mjs\`, same node_modules, same Node,
\`type Query { me: User }\` answered from a constant); and a load generator
(\`scripts/bench/request-path/load.mjs\`): ${CONCURRENCY} callers over HTTP keep-alive, ${WARMUP_SECONDS} s
warm-up then ${SECONDS} s measured per round, the same body and \`Authorization: Bearer\` header to
both. Cores = CPU time (utime + stime from \`/proc/<pid>/stat\`) over the measured window's wall time.

| round | target | req/s | p50 / p99 | target's cores | target CPU per request | load generator's cores | PostgreSQL backends' cores (${pgBackends}) | Redis server's cores (shared) |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${table}

**BlockGuardian at ${(100 * medianRatio).toFixed(0)}% of bare Apollo's requests/s** (median of the ${ROUNDS} rounds' ratios:
${rows.map((r) => `${(100 * ratio(r)).toFixed(0)}%`).join(", ")}; goal ≥ 50%). Medians: BlockGuardian ${Math.round(oursMedian)} req/s,
bare Apollo ${Math.round(bareMedian)} req/s. Server CPU time per request: ${oursCpuPerRequest.toFixed(0)} µs, bare Apollo ${bareCpuPerRequest.toFixed(0)} µs
(${(oursCpuPerRequest / bareCpuPerRequest).toFixed(2)}×): were each bound by its own CPU alone, BlockGuardian would reach
${((100 * bareCpuPerRequest) / oursCpuPerRequest).toFixed(0)}% of bare Apollo. The rest of the gap is waiting: each of our requests also waits
for PostgreSQL and Redis (one trip each, side by side), and on a busy machine each of those processes
waits for a core first; the quieter a round, the closer its ratio comes to the CPU figure.

Before the request path was reworked (commit ${BEFORE.commit}, same script, same shared machine): ${(100 * BEFORE.ratio).toFixed(0)}% of bare
Apollo (rounds: ${BEFORE.roundRatios}; medians ${BEFORE.ours} vs ${BEFORE.bare} req/s), ${BEFORE.cpuPerRequestUs} µs of server CPU per request against bare Apollo's ${BEFORE.bareCpuPerRequestUs} µs.
What a request costs now is described in [security.md](security.md#what-one-request-costs-appabuseabuse-guardts-identityauthenticatorts-infrakvts).

Profile of the server under the same load (\`node --cpu-prof\`, ${PROFILE_SECONDS} s, separate pass; \`BENCH_PROFILE=DIR\` keeps it),
top five by self time, as a share of the non-idle samples inside the measured window (start-up left out;
${top.totalMs.toFixed(0)} ms now):

| # | before: function | self | now: function | self |
| --- | --- | --- | --- | --- |
${profileTable}

The same samples by where the code comes from (self time):

| before | self | now | self |
| --- | --- | --- | --- |
${originTable}`,
);
console.log({ bareMedian, oursMedian, medianRatio, oursCpuPerRequest, bareCpuPerRequest, top: top.entries, origins: top.origins });
