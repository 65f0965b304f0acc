// Gas of the contracts' main operations (place, match with 1 and 10 fills, cancel, vault
// deposit, withdraw, harvest ...), read from transaction receipts by contracts/scripts/gas-report.ts
// on Hardhat's in-process chain. Gas is deterministic: re-running changes the figures only
// when the contracts, the compiler or its settings change.
//   npm run bench gas
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { ROOT } from "../lib.mjs";
import { machine, writeSection } from "./report.mjs";

const require = createRequire(import.meta.url);
const hardhat = path.join(path.dirname(require.resolve("hardhat/package.json", { paths: [path.join(ROOT, "contracts")] })), "dist/src/cli.js");

const output = await new Promise((resolve, reject) => {
  const child = spawn(process.execPath, [hardhat, "run", "scripts/gas-report.ts"], { cwd: path.join(ROOT, "contracts"), stdio: ["ignore", "pipe", "inherit"] });
  let text = "";
  child.stdout.on("data", (chunk) => (text += chunk));
  child.once("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`gas report exited with ${code}`))));
});
const line = output.split("\n").find((l) => l.startsWith("GAS_REPORT "));
if (!line) throw new Error(`no GAS_REPORT line in:\n${output}`);
const rows = JSON.parse(line.slice("GAS_REPORT ".length));
const solc = require(path.join(ROOT, "node_modules/solc/package.json")).version;
const fmt = (n) => n.toLocaleString("en-US");
const table = rows.map((r) => `| ${r.operation} | ${fmt(r.gas)} | ${r.note} |`).join("\n");
const byName = Object.fromEntries(rows.map((r) => [r.operation, r.gas]));
const perExtraFill = Math.round((byName["match: 10 fills at one level"] - byName["match: 1 fill (complete)"]) / 9);
const perExtraLevelFill = Math.round((byName["match: 10 fills over 10 levels"] - byName["match: 1 fill (complete)"]) / 9);
const fillsPerBlock = Math.floor((30_000_000 - byName["match: 1 fill (complete)"]) / perExtraLevelFill);

writeSection(
  "gas",
  `## Contracts: gas per operation

\`npm run bench gas\` — ${machine()}. Gas used from transaction receipts on Hardhat's in-process
EDR chain (solc ${solc}, EVM osaka, optimizer 200 runs, via-IR). Gas does not depend on the
machine: these figures move only when the contracts or the compiler settings do. Tokens are
\`AssetToken\`s without a fee unless the row says otherwise; every measured account already
holds a balance of each token it touches (no first-ever storage slot), except where noted.

| operation | gas | what was done |
| --- | --- | --- |
${table}

Each further fill of a taker order costs about ${fmt(perExtraFill)} gas within a price level and
${fmt(perExtraLevelFill)} when each fill also closes a level (one maker transfer, one order closed,
one event), so \`maxFills\` bounds a call's gas linearly: a 30M-gas block fits a taker order of
about ${fmt(fillsPerBlock)} level-closing fills. Cancel and placing at an existing level are O(1);
placing at a new price level walks the levels better than it unless a hint is given.`,
);
console.log(table);
