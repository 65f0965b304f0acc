// `npm test`: every workspace's suite, in sequence, against real PostgreSQL and Redis when they
// are reachable (CI requires them), then one summary line: `N passed, N failed`.
import { spawn } from "node:child_process";
import path from "node:path";
import { createRequire } from "node:module";
import { provideLocalServices, ROOT } from "./lib.mjs";

const require = createRequire(import.meta.url);
const env = { ...process.env };

async function provideServices() {
  const creating = !env.DATABASE_URL;
  const missing = await provideLocalServices(env, "blockguardian_test");
  if (creating && env.DATABASE_URL) console.log(`note: DATABASE_URL not set: dropped and recreated the database blockguardian_test on 127.0.0.1:5432 for this run`);
  if (missing.length) console.log(`note: ${missing.join(" and ")} not set and no local service found; the tests that need them will fail`);
}

const hardhat = path.join(path.dirname(require.resolve("hardhat/package.json")), "dist/src/cli.js");
const mocha = path.join(ROOT, "node_modules/mocha/bin/mocha.js");
const vitest = path.join(ROOT, "node_modules/vitest/vitest.mjs");
// A suite is one or more runs; the web's component tests (vitest) and its end-to-end and codegen
// tests (mocha) count together.
const SUITES = [
  { name: "server", runs: [{ cwd: "server", args: [mocha] }] },
  {
    name: "web",
    runs: [
      { cwd: "web", args: [vitest, "run"], counts: vitestCounts },
      { cwd: "web", args: [mocha] },
    ],
  },
  { name: "contracts", runs: [{ cwd: "contracts", args: [hardhat, "test", "mocha"] }] },
];

const stripAnsi = (text) => text.replace(/\u001b\[[0-9;]*m/g, "");

/** mocha: "N passing" / "N failing" lines. */
function mochaCounts(output) {
  const count = (word) => Number(new RegExp(`^\\s*(\\d+) ${word}`, "m").exec(output)?.[1] ?? 0);
  return { passed: count("passing"), failed: count("failing") };
}

/** vitest: "Tests  2 failed | 17 passed (19)". */
function vitestCounts(output) {
  const line = /^\s*Tests\s+(.*)$/m.exec(output)?.[1] ?? "";
  const count = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  return { passed: count("passed"), failed: count("failed") };
}

async function runSuite(suite) {
  const total = { name: suite.name, passed: 0, failed: 0 };
  for (const run of suite.runs) {
    const { passed, failed } = await runOne(run);
    total.passed += passed;
    total.failed += failed;
  }
  return total;
}

/** Runs one test process, echoing its output, and reads its passed/failed counts. */
function runOne(suite) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, suite.args, { cwd: path.join(ROOT, suite.cwd), env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const echo = (stream) => (chunk) => {
      output += chunk;
      stream.write(chunk);
    };
    child.stdout.on("data", echo(process.stdout));
    child.stderr.on("data", echo(process.stderr));
    child.once("exit", (code) => {
      const { passed, failed: reported } = (suite.counts ?? mochaCounts)(stripAnsi(output));
      // A run that dies before its summary (a crash, a failing before-all hook) still counts.
      const failed = code !== 0 && reported === 0 ? 1 : reported;
      resolve({ passed, failed });
    });
  });
}

await provideServices();
const only = process.argv.slice(2);
const results = [];
for (const suite of SUITES.filter((s) => only.length === 0 || only.includes(s.name))) {
  console.log(`\n=== ${suite.name} ===`);
  results.push(await runSuite(suite));
}
console.log("\n" + results.map((r) => `${r.name}: ${r.passed} passed, ${r.failed} failed`).join("\n"));
const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
