// `npm test`: every workspace's suite, in sequence, against real PostgreSQL and Redis when they
// are reachable (CI requires them), then one summary line: `N passed, N failed`.
import { spawn } from "node:child_process";
import path from "node:path";
import { createRequire } from "node:module";
import { provideLocalServices, ROOT } from "./lib.mjs";

const require = createRequire(import.meta.url);
const env = { ...process.env };

async function provideServices() {
  const missing = await provideLocalServices(env, "blockguardian_test");
  if (missing.length) console.log(`note: ${missing.join(" and ")} not set and no local service found; the tests that need them will fail`);
}

const hardhat = path.join(path.dirname(require.resolve("hardhat/package.json")), "dist/src/cli.js");
const SUITES = [
  { name: "server", cwd: "server", args: [path.join(ROOT, "node_modules/mocha/bin/mocha.js")] },
  { name: "web", cwd: "web", args: [path.join(ROOT, "node_modules/mocha/bin/mocha.js")] },
  { name: "contracts", cwd: "contracts", args: [hardhat, "test", "mocha"] },
];

/** Runs one mocha-style suite, echoing its output, and reads its passing/failing counts. */
function runSuite(suite) {
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
      const count = (word) => Number(new RegExp(`^\\s*(\\d+) ${word}`, "m").exec(output)?.[1] ?? 0);
      const passed = count("passing");
      let failed = count("failing");
      // A suite that dies before its summary (a crash, a failing before-all hook) still counts.
      if (code !== 0 && failed === 0) failed = 1;
      resolve({ name: suite.name, passed, failed });
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
