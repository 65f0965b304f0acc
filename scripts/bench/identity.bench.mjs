// Sign-in and authenticated-request costs: login latency at the configured bcrypt cost next to
// bcrypt alone at costs 10-12 (why the default is 11), and the throughput of an authenticated
// trivial query with the rate limiter on (one Redis script per request), next to GET /healthz.
//   npm run bench identity          (needs PostgreSQL and Redis on 127.0.0.1, as in CI)
import { createRequire } from "node:module";
import os from "node:os";
import { provideLocalServices, ROOT } from "../lib.mjs";
import { machine, ms, now, sequential, startBuiltServer, summarize, throughput, writeSection } from "./report.mjs";

const require = createRequire(`${ROOT}/server/package.json`);
const bcrypt = require("bcrypt");

const env = { ...process.env };
const missing = await provideLocalServices(env, "blockguardian_bench");
if (missing.length) throw new Error(`${missing.join(" and ")} not set and no local service found`);
const BCRYPT_COST = Number(env.BCRYPT_COST ?? 11);
const LOGINS = 100;
const CONCURRENCY = 16;
const SECONDS = 5;

async function post(url, query, variables, headers = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

async function bcryptAlone(cost) {
  const hash = await bcrypt.hash("Correct-Horse-Battery-Staple", cost);
  const samples = [];
  for (let i = 0; i < 30; i++) {
    const started = now();
    await bcrypt.compare("Correct-Horse-Battery-Staple", hash);
    samples.push(now() - started);
  }
  return summarize(samples);
}

const server = await startBuiltServer({
  DATABASE_URL: env.DATABASE_URL,
  REDIS_URL: env.REDIS_URL,
  BCRYPT_COST: String(BCRYPT_COST),
  RATE_LIMIT_CAPACITY: "1000000",
  RATE_LIMIT_RESTORE_PER_SECOND: "1000000",
});
try {
  const email = `bench-${Date.now()}@example.com`;
  const password = "Correct-Horse-Battery-Staple-42";
  const registered = await post(server.url, `mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }`, {
    i: { email, password, firstName: "Bench", lastName: "User" },
  });
  const token = registered.data.register.accessToken;
  const LOGIN = `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { auth { accessToken } } }`;
  const login = await sequential(async () => {
    const result = await post(server.url, LOGIN, { e: email, p: password });
    if (!result.data?.login?.auth) throw new Error(JSON.stringify(result.errors));
  }, LOGINS, 5);
  const reference = {};
  for (const cost of [10, 11, 12]) reference[cost] = await bcryptAlone(cost);

  const me = () => post(server.url, "{ me { id } }", undefined, { authorization: `Bearer ${token}` });
  const health = () => fetch(`${server.url}/healthz`).then((r) => r.arrayBuffer());
  const meRate = await throughput(me, CONCURRENCY, SECONDS);
  const healthRate = await throughput(health, CONCURRENCY, SECONDS);
  const meLatency = await sequential(me, 1_000);

  const row = (label, s) => `| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} |`;
  writeSection(
    "identity",
    `## Identity: sign-in latency and authenticated throughput

\`npm run bench identity\` — ${machine()}. Server: \`server/dist/main.js\` in its own process with
PostgreSQL and Redis on 127.0.0.1; load generator: the bench process; both share the ${os.cpus().length} cores.

Sign-in (\`login\` over HTTP: bcrypt compare, lockout bookkeeping, audit append, token issue),
one at a time, next to bcrypt's compare alone in the bench process:

| what | n | p50 | p95 | p99 |
| --- | --- | --- | --- | --- |
${row(`\`login\` at BCRYPT_COST=${BCRYPT_COST}`, login)}
${row("bcrypt compare alone, cost 10", reference[10])}
${row("bcrypt compare alone, cost 11 (the default)", reference[11])}
${row("bcrypt compare alone, cost 12", reference[12])}

Authenticated trivial query \`{ me { id } }\` (JWT verify, then side by side the account row from
PostgreSQL and one Redis script for revocation and the token bucket, then the resolver; see the
request-path section for it against bare Apollo):

| what | result |
| --- | --- |
| throughput, ${CONCURRENCY} concurrent callers, ${SECONDS} s | ${Math.round(meRate)} req/s |
| reference: GET /healthz, same load | ${Math.round(healthRate)} req/s |
| latency one at a time (n=${meLatency.n}) | p50 ${ms(meLatency.p50)}, p95 ${ms(meLatency.p95)}, p99 ${ms(meLatency.p99)} |`,
  );
  console.log({ login, reference, meRate, healthRate, meLatency });
} finally {
  server.child.kill("SIGTERM");
}
