// Sanctions screening throughput: a generated list of 10,000 entries in OFAC's CSV format
// (sdn.csv, alt.csv, add.csv; individuals and entities, 0-3 aliases each, some with
// diacritics), then names screened per second, in process (the Screener alone, one core) and over
// HTTP (`screenName` on the built server loaded with the same list through SANCTIONS_LIST_DIR).
//   npm run bench screening          (needs PostgreSQL and Redis on 127.0.0.1, as in CI)
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { buildStale } from "../build.mjs";
import { provideLocalServices, ROOT } from "../lib.mjs";
import { machine, ms, now, sequential, startBuiltServer, throughput, writeSection } from "./report.mjs";

const ENTRIES = 10_000;
const QUERIES = 2_000;
const THRESHOLD = 0.8; // SANCTIONS_MATCH_THRESHOLD's default, which the HTTP part runs with
const CONCURRENCY = 4;
const SECONDS = 5;

await buildStale();
const require = createRequire(path.join(ROOT, "server/dist/main.js"));
const { loadSdnFolder } = require("./compliance/sdn-loader.js");
const { Screener } = require("./compliance/screener.js");
const { Client } = require("pg");

/** mulberry32: the same list and queries on every run. */
let seed = 0x5eed;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];

const CONSONANTS = "bcdfghjklmnprstvzy";
const VOWELS = "aeiou";
const ACCENTED = { a: "á", e: "é", o: "ö", u: "ü", i: "í" };
const GIVEN = "Ahmed Ali Anna Boris Carlos Chen Dmitri Elena Fatima Hassan Ibrahim Ivan Jose Juan Karim Khalid Li Maria Mehmet Mikhail Mohammed Nadia Olga Omar Pavel Pedro Rashid Sergei Tariq Viktor Wei Yusuf Zhang Aleksandr Hamid Luis Mustafa Natalia Sofia".split(" ");
const COMPANY = "TRADING SHIPPING HOLDINGS INDUSTRIES GROUP LOGISTICS ENERGY PETROLEUM FINANCE INVESTMENT MARINE TECHNOLOGIES IMPORT EXPORT".split(" ");
const SUFFIX = ["CO., LTD.", "LLC", "LIMITED", "S.A.", "GMBH", "FZE", "JSC"];

function word(min, max) {
  const count = min + Math.floor(random() * (max - min + 1));
  let text = "";
  for (let i = 0; i < count; i++) text += pick(CONSONANTS) + pick(VOWELS) + (random() < 0.3 ? pick(CONSONANTS) : "");
  if (random() < 0.1) text = text.replace(/[aeoui]/, (v) => ACCENTED[v]);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function typo(name) {
  const chars = [...name];
  const i = 1 + Math.floor(random() * (chars.length - 2));
  if (random() < 0.5) [chars[i], chars[i + 1]] = [chars[i + 1], chars[i]];
  else chars.splice(i, 1);
  return chars.join("");
}

const csv = (fields) => fields.map((f) => (f === null ? "-0-" : typeof f === "number" ? String(f) : `"${String(f).replace(/"/g, '""')}"`)).join(",");

function generateList(dir) {
  const sdn = [];
  const alt = [];
  const add = [];
  const people = [];
  let altNum = 1;
  for (let id = 1; id <= ENTRIES; id++) {
    const individual = random() < 0.7;
    let name;
    if (individual) {
      const person = { given: [pick(GIVEN), ...(random() < 0.5 ? [word(2, 3)] : [])], surname: [word(2, 4), ...(random() < 0.3 ? [word(2, 3)] : [])] };
      people.push(person);
      name = `${person.surname.join(" ").toUpperCase()}, ${person.given.join(" ")}`;
    } else {
      name = `${word(2, 4).toUpperCase()} ${pick(COMPANY)} ${pick(SUFFIX)}`;
      people.push({ company: name });
    }
    sdn.push(csv([id, name, individual ? "individual" : null, "BENCH", null, null, null, null, null, null, null, `Generated entry ${id}.`]));
    const aliases = Math.floor(random() * 4);
    for (let a = 0; a < aliases; a++) {
      const alias = individual ? `${word(2, 4).toUpperCase()}, ${pick(GIVEN)}` : `${word(2, 3).toUpperCase()} ${pick(COMPANY)}`;
      alt.push(csv([id, altNum++, "aka", alias, null]));
    }
    if (random() < 0.5) add.push(csv([id, id, null, word(2, 3), word(2, 3), null]));
  }
  fs.writeFileSync(path.join(dir, "sdn.csv"), sdn.join("\r\n") + "\r\n\x1a");
  fs.writeFileSync(path.join(dir, "alt.csv"), alt.join("\r\n") + "\r\n");
  fs.writeFileSync(path.join(dir, "add.csv"), add.join("\r\n") + "\r\n");
  return { people, aliases: altNum - 1 };
}

/** Half are listed names changed a little (a typo in the given names, accents gone; entities by their first two words), half are new names. */
function generateQueries(people) {
  const queries = [];
  for (let i = 0; i < QUERIES; i++) {
    if (i % 2 === 0) {
      const p = pick(people);
      if (p.company) queries.push(p.company.split(" ").slice(0, 2).join(" "));
      else queries.push(`${typo(p.given.join(" "))} ${p.surname.join(" ")}`.normalize("NFKD").replace(/\p{M}/gu, ""));
    } else queries.push(`${pick(GIVEN)} ${word(2, 4)}`);
  }
  return queries;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bg-sdn-bench-"));
const { people, aliases } = generateList(dir);
const queries = generateQueries(people);

// In process: the Screener alone.
let started = now();
const entries = await loadSdnFolder(dir);
const screener = new Screener(entries);
const loadMs = now() - started;
for (const q of queries.slice(0, 200)) screener.screen(q, THRESHOLD);
started = now();
let hits = 0;
for (const q of queries) if (screener.screen(q, THRESHOLD).length > 0) hits++;
const inProcessMs = now() - started;
const perSecond = QUERIES / (inProcessMs / 1000);
const listedHits = queries.filter((_, i) => i % 2 === 0).filter((q) => screener.screen(q, THRESHOLD).length > 0).length;
console.log(`in process: ${perSecond.toFixed(0)} names/s, ${hits}/${QUERIES} with a match`);

// Over HTTP: screenName on the built server with the same list.
const env = { ...process.env };
const missing = await provideLocalServices(env, "blockguardian_bench");
if (missing.length) throw new Error(`${missing.join(" and ")} not set and no local service found`);
const server = await startBuiltServer({
  DATABASE_URL: env.DATABASE_URL,
  REDIS_URL: env.REDIS_URL,
  MARKET_FEED: "off",
  MARKET_MAKER: "false",
  SANCTIONS_LIST_DIR: dir,
  RATE_LIMIT_CAPACITY: "1000000",
  RATE_LIMIT_RESTORE_PER_SECOND: "1000000",
});
let http;
try {
  const post = async (query, variables, token) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return response.json();
  };
  const email = `officer-${Date.now()}@example.com`;
  const registered = await post(`mutation ($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }`, {
    i: { email, password: "Correct-Horse-Battery-Staple-9", firstName: "Bench", lastName: "Officer" },
  });
  const pg = new Client({ connectionString: env.DATABASE_URL });
  await pg.connect();
  await pg.query(`UPDATE users SET roles = '{COMPLIANCE_OFFICER}' WHERE id = $1`, [registered.data.register.user.id]);
  await pg.end();
  const token = registered.data.register.accessToken;
  let next = 0;
  const screenOne = async () => {
    const result = await post(`query ($n: String!) { screenName(name: $n) { entryId score } }`, { n: queries[next++ % queries.length] }, token);
    if (result.errors) throw new Error(JSON.stringify(result.errors));
  };
  const latency = await sequential(screenOne, 500, 100);
  const rate = await throughput(screenOne, CONCURRENCY, SECONDS);
  http = { latency, rate };
  console.log(`over HTTP: ${rate.toFixed(0)} names/s with ${CONCURRENCY} callers, p50 ${ms(latency.p50)}`);
} finally {
  server.child.kill("SIGTERM");
  fs.rmSync(dir, { recursive: true, force: true });
}

writeSection(
  "screening",
  `
## Compliance: sanctions screening

\`npm run bench screening\` — ${machine()}. A generated list in OFAC's CSV format:
${ENTRIES.toLocaleString("en-US")} entries (70% individuals, 30% entities) with ${aliases.toLocaleString("en-US")} aliases, so
${(ENTRIES + aliases).toLocaleString("en-US")} names; ${QUERIES.toLocaleString("en-US")} queries, half of them listed names with a typo in
the given names and accents dropped (entities by their first two words), half new names built from
the same given names; threshold ${THRESHOLD}. Token Jaro–Winkler with best-pair alignment
(docs/compliance.md); letter counts rule out most list tokens before any Jaro–Winkler is computed,
exactly (a spec checks the results equal comparing with every name).

| what | result |
| --- | --- |
| list load (parse the three CSV files, normalise every name) | ${ms(loadMs)} |
| **names screened per second, in process (one core)** | **${perSecond.toFixed(0)}** (${(inProcessMs / QUERIES).toFixed(2)} ms per name) |
| altered listed names found | ${listedHits} of ${QUERIES / 2} |
| new names with a (false) match | ${hits - listedHits} of ${QUERIES / 2} |
| \`screenName\` over HTTP, ${CONCURRENCY} concurrent callers, ${SECONDS} s | ${http.rate.toFixed(0)} names/s |
| \`screenName\` over HTTP one at a time (n=${http.latency.n}) | p50 ${ms(http.latency.p50)}, p95 ${ms(http.latency.p95)}, p99 ${ms(http.latency.p99)} |

Screening at registration and at KYC is one such comparison inside the request's transaction.
`,
);
