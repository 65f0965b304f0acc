// Idle cost: the server as `npm start` runs it (simulator on, market maker on, valuation on) with
// no client connected. After a warm-up, the server process's CPU over a window, as % of one
// core, and the audit events written per minute; then the same without the market maker, so
// the maker's share is visible on its own.
//   npm run bench idle   (IDLE_SECONDS=60, IDLE_WARMUP_SECONDS=20; needs PostgreSQL and Redis)
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { buildStale } from "../build.mjs";
import { provideLocalServices, ROOT } from "../lib.mjs";
import { machine, startBuiltServer, writeSection } from "./report.mjs";

const SECONDS = Number(process.env.IDLE_SECONDS ?? 60);
const WARMUP_SECONDS = Number(process.env.IDLE_WARMUP_SECONDS ?? 20);
const GOAL_PERCENT = 5;

const env = { ...process.env };
const missing = await provideLocalServices(env, "blockguardian_bench_idle");
if (missing.length) throw new Error(`${missing.join(" and ")} not set and no local service found`);
await buildStale();
const require = createRequire(path.join(ROOT, "server/dist/main.js"));
const { Client } = require("pg");
const pg = new Client({ connectionString: env.DATABASE_URL });
await pg.connect();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU seconds a process has used so far (utime + stime in 1/100 s clock ticks, proc(5)). */
function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const auditCount = async () => Number((await pg.query(`SELECT count(*) AS n FROM audit_logs`)).rows[0].n);
const auditByAction = async (since) =>
  (await pg.query(`SELECT event_type AS action, count(*) AS n FROM audit_logs WHERE seq > $1 GROUP BY event_type ORDER BY n DESC`, [since])).rows;
const lastAuditId = async () => (await pg.query(`SELECT coalesce(max(seq), 0) AS id FROM audit_logs`)).rows[0].id;

/** One server, warmed up, then measured for SECONDS with nobody connected. */
async function measure(marketMaker) {
  const server = await startBuiltServer({
    DATABASE_URL: env.DATABASE_URL,
    REDIS_URL: env.REDIS_URL,
    // Own channels: other servers on this Redis publish quotes too.
    REDIS_KEY_PREFIX: `bench-idle-${process.pid}:`,
    MARKET_FEED: "simulator",
    MARKET_MAKER: String(marketMaker),
    VALUATION_ENABLED: "true",
    LOG_LEVEL: "warn",
  });
  try {
    await sleep(WARMUP_SECONDS * 1000);
    const auditBefore = await auditCount();
    const auditFrom = await lastAuditId();
    const cpuBefore = cpuSeconds(server.child.pid);
    const loadBefore = os.loadavg()[0];
    const started = Date.now();
    await sleep(SECONDS * 1000);
    const elapsed = (Date.now() - started) / 1000;
    const cpu = cpuSeconds(server.child.pid) - cpuBefore;
    const audits = (await auditCount()) - auditBefore;
    return {
      marketMaker,
      percentOfCore: (100 * cpu) / elapsed,
      auditPerMinute: (60 * audits) / elapsed,
      byAction: (await auditByAction(auditFrom)).map((row) => `${row.action} ${row.n}`),
      load: [loadBefore, os.loadavg()[0]],
    };
  } finally {
    server.child.kill("SIGTERM");
    await new Promise((resolve) => server.child.once("exit", resolve));
  }
}

const withMaker = await measure(true);
const withoutMaker = await measure(false);
await pg.end();

const row = (r) =>
  `| market maker ${r.marketMaker ? "on (as \`npm start\`)" : "off"} | **${r.percentOfCore.toFixed(1)}%** | ${Math.round(r.auditPerMinute).toLocaleString("en")} (${r.byAction.join(", ") || "none"}) | ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)} |`;
const busy = [withMaker, withoutMaker].some((r) => r.load[0] > os.cpus().length + 0.5);
writeSection(
  "idle",
  `## Idle server: CPU and audit writes with no client

\`npm run bench idle\` — ${machine()}. Server: \`server/dist/main.js\`, one process, on PostgreSQL and
Redis at 127.0.0.1, simulator on at its default rate (\`MARKET_TICKS_PER_SECOND\` unset: 2 per instrument per second), valuation on,
no client connected. After ${WARMUP_SECONDS} s of warm-up, the server process's CPU time over ${SECONDS} s of wall time (from
\`/proc/<pid>/stat\`; PostgreSQL's and Redis's work for it is not counted), and the rows added to \`audit_logs\` in the same window.
${busy ? "**The machine was busy with other work during this run** (load average in the last column, on " + os.cpus().length + " cores); CPU time is the process's own, so it is less affected than latency, but re-run on a quiet machine for the reference figures." : "The machine was quiet (load average in the last column)."}

| server | CPU, % of one core | audit events per minute (rows in the window, by event type) | load average (1 min) |
| --- | --- | --- | --- |
${row(withMaker)}
${row(withoutMaker)}

Reference: under ${GOAL_PERCENT}% of one core with the simulator on and no clients (issue 11).`,
);
console.log(JSON.stringify({ withMaker, withoutMaker }, null, 1));
process.exit(0);
