// Writes one benchmark's section into docs/benchmarks.md, between its own markers, so each
// benchmark can be re-run alone without disturbing the others' figures.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { buildStale } from "../build.mjs";
import { ROOT } from "../lib.mjs";

const FILE = path.join(ROOT, "docs", "benchmarks.md");
const HEADER = `# Benchmarks

Figures measured on this repository's own machine class by the scripts in \`scripts/bench/\`.
Each section says the command that produced it; \`npm run bench\` re-runs them all. Tests never
assert on time: these numbers live here, next to what they are compared with.
`;

export function percentile(sortedMs, p) {
  if (sortedMs.length === 0) return NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)];
}

export function summarize(samplesMs) {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) };
}

export const ms = (value) => (Number.isFinite(value) ? `${value.toFixed(2)} ms` : "n/a");

export function machine() {
  return `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

export function writeSection(name, markdown) {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  fs.mkdirSync(path.dirname(FILE), { recursive: true });
  let text = fs.existsSync(FILE) ? fs.readFileSync(FILE, "utf8") : HEADER;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const at = text.indexOf(start);
  const until = text.indexOf(end);
  text = at >= 0 && until > at ? text.slice(0, at) + block + text.slice(until + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(FILE, text);
}

export const now = () => Number(process.hrtime.bigint()) / 1e6;

/** The built server in its own process, on a free port; `env` adds to a quiet production-like setup. */
export async function startBuiltServer(env) {
  await buildStale();
  // BENCH_PROFILE=DIR: the server writes a V8 CPU profile there when it stops (open it in Chrome
  // DevTools). A flag on the command line: Node refuses --cpu-prof in NODE_OPTIONS.
  // A bench asking for a profile through NODE_OPTIONS gets the same flags moved to the command line.
  const asked = (env.NODE_OPTIONS ?? "").split(/\s+/).filter((flag) => flag.startsWith("--cpu-prof"));
  if (asked.length > 0) env = { ...env, NODE_OPTIONS: (env.NODE_OPTIONS ?? "").split(/\s+/).filter((flag) => !flag.startsWith("--cpu-prof")).join(" ") };
  const profile = asked.length > 0 ? asked : process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, path.join(ROOT, "server/dist/main.js")], {
    env: {
      PATH: process.env.PATH,
      PORT: "0",
      LOG_LEVEL: "warn",
      SEED_DEMO: "false",
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "bg-bench-")),
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    readline.createInterface({ input: child.stdout }).on("line", (line) => {
      const match = /running at (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]);
    });
  });
  return { child, url };
}

/** Latency of `count` requests one at a time, after a warm-up. */
export async function sequential(request, count, warmup = 200) {
  const samples = [];
  for (let i = 0; i < warmup; i++) await request();
  for (let i = 0; i < count; i++) {
    const started = now();
    await request();
    samples.push(now() - started);
  }
  return summarize(samples);
}

/** Completed requests per second with `concurrency` callers for `seconds`. */
export async function throughput(request, concurrency, seconds) {
  let done = 0;
  const deadline = now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (now() < deadline) {
        await request();
        done++;
      }
    }),
  );
  return done / seconds;
}

/**
 * One GraphQL request to `${url}/graphql` over `agent`'s kept-alive connections (lighter than
 * fetch at a thousand requests a second); resolves with the parsed body.
 */
export function graphqlPost(agent, url, query, variables, token) {
  const target = new URL(`${url}/graphql`);
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const request = http.request(
      { agent, hostname: target.hostname, port: target.port, path: target.pathname, method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...(token ? { authorization: `Bearer ${token}` } : {}) } },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => {
          try {
            resolve(JSON.parse(text));
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}
