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
// The figures before issue 18's fixes (contracts as of 2026-11-24), kept beside today's so the
// cost of each fix stays visible.
const BEFORE_ISSUE_18 = {
  "reference: ERC-20 transfer": 43_681,
  "place: rest, new price level": 170_396,
  "place: rest, existing level": 127_592,
  "place: rest, new level deep in the book": 182_168,
  "place: same, with a hint": 174_993,
  cancel: 70_144,
  "match: 1 fill (partial)": 119_776,
  "match: 1 fill (complete)": 113_316,
  "match: 10 fills over 10 levels": 355_435,
  "match: 10 fills at one level": 274_656,
  "place: rest, fee-charged base": 231_007,
  "vault: first deposit": 185_577,
  "vault: deposit": 120_031,
  "vault: harvest": 138_877,
  "vault: withdraw": 124_537,
  "vault: redeem all": 94_722,
  "vault: claimYield": 106_620,
};
const before = (r) => (r.operation in BEFORE_ISSUE_18 ? fmt(BEFORE_ISSUE_18[r.operation]) : "—");
const table = rows.map((r) => `| ${r.operation} | ${fmt(r.gas)} | ${before(r)} | ${r.note} |`).join("\n");
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

| operation | gas | before issue 18 | what was done |
| --- | --- | --- | --- |
${table}

Each further fill of a taker order costs about ${fmt(perExtraFill)} gas within a price level and
${fmt(perExtraLevelFill)} when each fill also closes a level (one maker transfer, one order closed,
one event), so \`maxFills\` bounds a call's gas linearly: a 30M-gas block fits a taker order of
about ${fmt(fillsPerBlock)} level-closing fills. Cancel and placing at an existing level are O(1);
placing at a new price level walks the levels better than it unless a hint is given; a hinted
level emptied meanwhile costs one storage read per emptied level (the audit's 150-level case went
from 513k to about what a live hint costs, \`test/audit/Audit.findings.test.ts\` D-2).

What issue 18's fixes cost: the vault now values accrued yield on every deposit and withdrawal
(one call to the strategy, which asks its source for the rate, funds and beneficiary), checks that
a deposit arrived in full (two balance reads) and whether the asset is paused; the order book
checks the pair's minimum order size on each fill; the token checks the sender's balance before
charging a fee and multiplies at full precision.`,
);
console.log(table);
