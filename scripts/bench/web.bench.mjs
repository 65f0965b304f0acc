// The web app as a trader meets it: JavaScript per chunk (gzip) and what the sign-in and trade
// routes load before they can be used; first render and time to interactive in headless
// Chromium against the local server; and the delay from a counterparty's order being
// acknowledged to the fill appearing in the trader's blotter.
//   npm run bench web          (needs PostgreSQL and Redis on 127.0.0.1 and /usr/bin/chromium)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import Redis from "ioredis";
import { build } from "vite";
import { provideLocalServices, ROOT } from "../lib.mjs";
import { gql, launchBrowser, primeMarket } from "../../web/test/harness.mjs";
import { machine, ms, startBuiltServer, summarize, writeSection } from "./report.mjs";

const RENDER_RUNS = 10;
const FILL_RUNS = 30;
const BUDGET_KB = 250;

const env = { ...process.env };
const missing = await provideLocalServices(env, "blockguardian_bench");
if (missing.length) throw new Error(`${missing.join(" and ")} not set and no local service found`);

// --- 1. Bundle: every chunk gzip-compressed, and the closure each route loads up front. ---
const web = path.join(ROOT, "web");
const dist = fs.mkdtempSync(path.join(os.tmpdir(), "bg-web-bench-"));
await build({ root: web, logLevel: "warn", build: { outDir: dist, emptyOutDir: true, sourcemap: false, manifest: true } });
const manifest = JSON.parse(fs.readFileSync(path.join(dist, ".vite/manifest.json"), "utf8"));
const gzipKb = (file) => zlib.gzipSync(fs.readFileSync(path.join(dist, file)), { level: 9 }).length / 1024;

/** Files a manifest entry needs before it runs (itself, its static imports, their CSS); with `deep`, also what it loads later. */
function closure(key, seen = new Set(), deep = false) {
  const entry = manifest[key];
  // The shell is loaded already; its lazy routes are not part of what a chunk loads later.
  if (!entry || seen.has(entry.file) || (deep && shell?.has(entry.file))) return seen;
  seen.add(entry.file);
  for (const css of entry.css ?? []) seen.add(css);
  for (const imported of [...(entry.imports ?? []), ...(deep ? (entry.dynamicImports ?? []) : [])]) closure(imported, seen, deep);
  return seen;
}
const sum = (files) => [...files].filter((f) => f.endsWith(".js")).reduce((total, f) => total + gzipKb(f), 0);
let shell = null;
shell = closure("index.html");
const routeKb = (source) => sum(new Set([...shell, ...closure(source)]));
const routes = [
  ["sign-in (`/login`)", "src/features/auth/LoginPage.tsx"],
  ["trade (`/trade`, without the chart)", "src/features/trade/TradePage.tsx"],
  ["portfolio dashboard", "src/features/portfolio/PortfolioDashboard.tsx"],
].map(([name, source]) => ({ name, kb: routeKb(source) }));
const lazy = [
  ["price chart (lightweight-charts)", "src/features/trade/PriceChart.tsx"],
  ["playground (GraphiQL + Monaco)", "src/features/playground/Playground.tsx"],
].map(([name, source]) => ({
  name,
  kb: sum(new Set([...closure(source)].filter((f) => !shell.has(f)))),
  all: sum(new Set([...closure(source, new Set(), true)].filter((f) => !shell.has(f)))),
}));
const chunks = Object.values(manifest)
  .map((entry) => entry.file)
  .filter((file, i, all) => file.endsWith(".js") && all.indexOf(file) === i)
  .map((file) => ({ file, kb: gzipKb(file) }))
  .sort((a, b) => b.kb - a.kb);
const workers = fs
  .readdirSync(path.join(dist, "assets"))
  .filter((f) => f.includes(".worker"))
  .map((f) => ({ file: `assets/${f}`, kb: gzipKb(`assets/${f}`) }));
console.log(routes, lazy);

// --- 2. The server with this build, a market maker, and a price injected as a feed would. ---
const server = await startBuiltServer({
  DATABASE_URL: env.DATABASE_URL,
  REDIS_URL: env.REDIS_URL,
  WEB_DIST_DIR: dist,
  MARKET_FEED: "off",
  MARKET_MAKER: "true",
  BCRYPT_COST: "10",
  RATE_LIMIT_CAPACITY: "100000",
  RATE_LIMIT_RESTORE_PER_SECOND: "100000",
  // The bench's traders fund and trade without KYC (measured: the screens, not the KYC gate).
  KYC_UNVERIFIED_DEPOSIT_LIMIT: "1000000000",
  KYC_UNVERIFIED_TRADE_NOTIONAL: "1000000000",
});
const redis = new Redis(env.REDIS_URL);
const browser = await launchBrowser();

async function account(cash) {
  const email = `bench-web-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const { register } = await gql(
    server.url,
    `mutation ($i: RegisterInput!) { register(input: $i) { accessToken accessTokenExpiresAt refreshToken user { id email firstName lastName roles mfaEnabled } } }`,
    { i: { email, password: "bench secret phrase 42", firstName: "Bench", lastName: "Trader" } },
  );
  const token = register.accessToken;
  const { createPortfolio } = await gql(server.url, `mutation { createPortfolio(input: { name: "Bench" }) { id } }`, {}, token);
  await gql(server.url, `mutation ($p: ID!, $a: Decimal!) { deposit(portfolioId: $p, amount: $a) { id } }`, { p: createPortfolio.id, a: cash }, token);
  return { session: register, token, portfolioId: createPortfolio.id };
}

// Recorded inside the page: when the screen's control first exists and is enabled, and long tasks.
const PROBE = `
  window.__bench = { longTasks: [] };
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__bench.longTasks.push(e.startTime + e.duration); }).observe({ type: "longtask", buffered: true });
  new MutationObserver(() => {
    if (window.__bench.readyAt) return;
    const control = document.querySelector(window.__benchSelector);
    if (control && !control.disabled) window.__bench.readyAt = performance.now();
  }).observe(document, { subtree: true, childList: true, attributes: true });
`;

/** First contentful paint, and interactive: the control is there and enabled and no long task runs after it. */
async function measureScreen(url, selector, session) {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  await context.addInitScript(({ selector, session, probe }) => {
    window.__benchSelector = selector;
    if (session) localStorage.setItem("bg.session", JSON.stringify(session));
    new Function(probe)();
  }, { selector, session, probe: PROBE });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.__bench.readyAt !== undefined);
  await page.waitForLoadState("networkidle").catch(() => {});
  const result = await page.evaluate(() => {
    const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN;
    const lastLong = Math.max(0, ...window.__bench.longTasks.filter((end) => end <= window.__bench.readyAt + 50));
    return { fcp, tti: Math.max(window.__bench.readyAt, lastLong) };
  });
  await context.close();
  return result;
}

const trader = await account("1000000");
await primeMarket(server.url, redis, "ETH-USD", "3000");
const screens = [
  { name: "sign-in", url: `${server.url}/login`, selector: 'button[type="submit"]', session: null },
  { name: "trade (ETH-USD)", url: `${server.url}/trade/ETH-USD`, selector: 'form[aria-label^="Order ticket"] button[type="submit"]', session: trader.session },
];
const rendered = [];
for (const screen of screens) {
  await measureScreen(screen.url, screen.selector, screen.session); // warm the server and the OS cache
  const runs = [];
  for (let i = 0; i < RENDER_RUNS; i++) runs.push(await measureScreen(screen.url, screen.selector, screen.session));
  rendered.push({ name: screen.name, fcp: summarize(runs.map((r) => r.fcp)), tti: summarize(runs.map((r) => r.tti)) });
  console.log(rendered.at(-1));
}

// --- 3. Counterparty acknowledgement -> fill row in the trader's blotter. ---
const counterparty = await account("1000000");
const PLACE = `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { id status } }`;
await gql(server.url, PLACE, { i: { portfolioId: counterparty.portfolioId, symbol: "ETH-USD", side: "BUY", type: "MARKET", quantity: "5", timeInForce: "IOC" } }, counterparty.token);
const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
await context.addInitScript((session) => localStorage.setItem("bg.session", JSON.stringify(session)), trader.session);
const page = await context.newPage();
await page.goto(`${server.url}/trade/ETH-USD`);
await page.getByRole("tab", { name: /^Fills/ }).click();
await page.getByTestId("connection-state").filter({ hasText: "Live" }).waitFor();
await page.evaluate(() => {
  window.__fillSeenAt = {};
  new MutationObserver(() => {
    for (const row of document.querySelectorAll("tr[data-fill-id]")) {
      const order = row.getAttribute("data-order-id");
      window.__fillSeenAt[order] ??= performance.timeOrigin + performance.now();
    }
  }).observe(document.body, { subtree: true, childList: true });
});
// Both clocks are this machine's wall clock, read with sub-millisecond resolution.
const wallNow = () => performance.timeOrigin + performance.now();
const delays = [];
const fromSend = [];
for (let i = 0; i < FILL_RUNS; i++) {
  const { orderBook } = await gql(server.url, `{ orderBook(symbol: "ETH-USD", depth: 1) { bids { price } asks { price } } }`);
  // Inside the maker's spread, so the trader's bid is the best and the counterparty meets it.
  const bid = Number(orderBook.bids[0].price);
  const ask = Number(orderBook.asks[0].price);
  const price = (Math.round(((bid + ask) / 2) * 100) / 100).toFixed(2);
  const resting = await gql(server.url, PLACE, { i: { portfolioId: trader.portfolioId, symbol: "ETH-USD", side: "BUY", type: "LIMIT", quantity: "0.01", limitPrice: price } }, trader.token);
  const sentAt = wallNow();
  const { placeOrder } = await gql(server.url, PLACE, { i: { portfolioId: counterparty.portfolioId, symbol: "ETH-USD", side: "SELL", type: "LIMIT", quantity: "0.01", limitPrice: price, timeInForce: "IOC" } }, counterparty.token);
  const ackAt = wallNow();
  if (placeOrder.status !== "FILLED") throw new Error(`the counterparty's order did not fill (${placeOrder.status}); the book moved`);
  await page.waitForFunction((id) => window.__fillSeenAt[id] !== undefined, resting.placeOrder.id);
  const seenAt = await page.evaluate((id) => window.__fillSeenAt[id], resting.placeOrder.id);
  delays.push(seenAt - ackAt);
  fromSend.push(seenAt - sentAt);
}
const fill = summarize(delays);
const sent = summarize(fromSend);
console.log("fill", fill);

await context.close();
await browser.close();
redis.disconnect();
server.child.kill("SIGTERM");

const kb = (value) => `${value.toFixed(1)} KB`;
writeSection(
  "web",
  `## Web app

\`npm run bench web\` (\`scripts/bench/web.bench.mjs\`) on ${machine()}: a production build, the
built server with the market maker (price injected through Redis), Debian's headless Chromium.

Initial JavaScript per route (gzip, level 9): the shell (\`index.html\`'s entry and its static
imports) plus the route's screen and its imports. Target: at most ${BUDGET_KB} KB for sign-in and trade.

| route | initial JS (gzip) | target |
| --- | ---: | ---: |
${routes.map((r) => `| ${r.name} | ${kb(r.kb)} | ${r.name.startsWith("portfolio") ? "—" : `≤ ${BUDGET_KB} KB`} |`).join("\n")}

Loaded only when used:

| lazy chunk | on opening (gzip) | with what it loads later |
| --- | ---: | ---: |
${lazy.map((r) => `| ${r.name} | ${kb(r.kb)} | ${kb(r.all)} |`).join("\n")}
${workers.map((w) => `| worker \`${path.basename(w.file).replace(/-[\w-]+\.js$/, "")}\` (playground) | ${kb(w.kb)} | |`).join("\n")}

The ten largest chunks: ${chunks.slice(0, 10).map((c) => `\`${path.basename(c.file)}\` ${kb(c.kb)}`).join(", ")}.

Screens, ${RENDER_RUNS} cold loads each (fresh browser context, so nothing cached), after a warm-up.
First render is Chromium's first contentful paint; interactive is when the screen's main control
(the sign-in button, the order ticket's submit button) exists and is enabled and no long task
(> 50 ms) ran after it. Targets: first render under 1 s, interactive under 1.5 s.

| screen | first render p50 | p95 | interactive p50 | p95 |
| --- | ---: | ---: | ---: | ---: |
${rendered.map((r) => `| ${r.name} | ${ms(r.fcp.p50)} | ${ms(r.fcp.p95)} | ${ms(r.tti.p50)} | ${ms(r.tti.p95)} |`).join("\n")}

A fill in the blotter: the trader's resting bid (inside the maker's spread) is met by a
counterparty's order over HTTP; measured from the counterparty's acknowledgement (its
\`placeOrder\` answer, sent after the commit) to the fill's row appearing in the trader's
blotter (a MutationObserver in the page), both on this machine's wall clock, ${FILL_RUNS} fills.
Target: within 100 ms.

| measured from | fills | p50 | p95 | p99 | max |
| --- | ---: | ---: | ---: | ---: | ---: |
| the counterparty's acknowledgement | ${fill.n} | ${ms(fill.p50)} | ${ms(fill.p95)} | ${ms(fill.p99)} | ${ms(fill.max)} |
| the counterparty sending its order | ${sent.n} | ${ms(sent.p50)} | ${ms(sent.p95)} | ${ms(sent.p99)} | ${ms(sent.max)} |

A delay can be negative: the fill may reach the trader's screen before the counterparty had read
its own answer: the server publishes the events right after the commit, in parallel with
writing the HTTP response.
`,
);
console.log("written to docs/benchmarks.md");
process.exit(0);
