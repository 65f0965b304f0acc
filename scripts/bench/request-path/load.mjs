// Load generator for `npm run bench request-path`, in its own process: CONCURRENCY callers, each
// sending the next request as soon as the previous answer arrived, over HTTP keep-alive, for a
// warm-up and then a measured window. It reads the CPU time of the target processes from
// /proc/<pid>/stat at the window's edges, so CPU and requests cover exactly the same interval.
//   node load.mjs '{"url":..., "body":..., "headers":{...}, "concurrency":16, "warmupSeconds":2, "seconds":10, "pids":[...]}'
import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import { ROOT } from "../../lib.mjs";

const { url, body, headers = {}, concurrency, warmupSeconds, seconds, pids: fixedPids = [], expect, postgres } = JSON.parse(process.argv[2]);
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const payload = Buffer.from(body);
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process in ms (fields 14 and 15 of /proc/<pid>/stat, after the command name). */
function cpuMs(pid) {
  let stat;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return NaN; // the process has gone
  }
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

function request() {
  return new Promise((resolve) => {
    const req = http.request(
      { agent, host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers: { "content-type": "application/json", "content-length": payload.length, ...headers } },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on("error", (error) => resolve({ status: 0, text: error.message }));
    req.end(payload);
  });
}

const now = () => Number(process.hrtime.bigint()) / 1e6;
let measuring = false;
let stop = false;
const latencies = [];
let failures = 0;
let firstFailure = null;

async function caller() {
  while (!stop) {
    const started = now();
    const { status, text } = await request();
    const ok = status === 200 && (!expect || text.includes(expect));
    if (!measuring) continue;
    if (ok) latencies.push(now() - started);
    else {
      failures++;
      firstFailure ??= `${status} ${text.slice(0, 300)}`;
    }
  }
}

/** The target's PostgreSQL backends (by application_name), found after the warm-up has opened its pool. */
async function backendPids() {
  if (!postgres) return [];
  const { Client } = createRequire(`${ROOT}/server/package.json`)("pg");
  const pg = new Client({ connectionString: postgres.url });
  await pg.connect();
  const { rows } = await pg.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [postgres.applicationName]);
  await pg.end();
  return rows.map((row) => row.pid);
}

const callers = Array.from({ length: concurrency }, caller);
await new Promise((resolve) => setTimeout(resolve, warmupSeconds * 1000));
const backends = await backendPids();
const pids = [...fixedPids, ...backends];
const cpuBefore = pids.map(cpuMs);
const selfBefore = process.cpuUsage();
const windowStart = now();
measuring = true;
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
measuring = false;
const windowEnd = now();
const elapsedMs = windowEnd - windowStart;
const cpuAfter = pids.map(cpuMs);
const self = process.cpuUsage(selfBefore);
stop = true;
await Promise.all(callers);
agent.destroy();

latencies.sort((a, b) => a - b);
const pick = (p) => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))] ?? NaN;
process.stdout.write(
  JSON.stringify({
    requests: latencies.length,
    failures,
    firstFailure,
    elapsedMs,
    // Monotonic clock (the one V8's CPU profiles use), so a profile can be cut to this window.
    windowUs: [windowStart * 1000, windowEnd * 1000],
    rate: (latencies.length / elapsedMs) * 1000,
    p50: pick(50),
    p99: pick(99),
    cpuMs: Object.fromEntries(fixedPids.map((pid, i) => [pid, cpuAfter[i] - cpuBefore[i]])),
    // A backend that ended inside the window is left out (NaN): under steady load the pool keeps them.
    postgresCpuMs: backends.reduce((sum, pid, i) => sum + (cpuAfter[fixedPids.length + i] - cpuBefore[fixedPids.length + i] || 0), 0),
    postgresBackends: backends.length,
    loadCpuMs: (self.user + self.system) / 1000,
  }) + "\n",
);
