import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import Redis from "ioredis";
import { chromium } from "playwright-core";
import { build } from "vite";

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const root = path.resolve(web, "..");
const artifacts = path.join(root, "test-artifacts", "web");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** The real server, built web app included, as its own process on a free port. */
async function startServer(distDir) {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "src/main.ts"], {
    cwd: path.join(root, "server"),
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      PORT: "0",
      LOG_LEVEL: "info",
      BCRYPT_COST: "4",
      SEED_DEMO: "false",
      MARKET_FEED: "off",
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "bg-e2e-")),
      WEB_DIST_DIR: distDir,
      DATABASE_URL: process.env.DATABASE_URL,
      REDIS_URL: process.env.REDIS_URL,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    readline.createInterface({ input: child.stdout }).on("line", (line) => {
      if (!line.startsWith("{")) return;
      const entry = JSON.parse(line);
      if (entry.msg === "listening") resolve(entry.url);
    });
  });
  return { child, url };
}

describe("web app in headless Chromium", function () {
  let server;
  let browser;
  let page;

  before(async function () {
    if (!process.env.REDIS_URL) throw new Error("REDIS_URL must be set: the test injects a quote through Redis");
    if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
    const distDir = fs.mkdtempSync(path.join(os.tmpdir(), "bg-web-dist-"));
    await build({ root: web, logLevel: "warn", build: { outDir: distDir, emptyOutDir: true, sourcemap: false } });
    server = await startServer(distDir);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    page = await browser.newPage();
    fs.mkdirSync(artifacts, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    server?.child.kill("SIGTERM");
  });

  it("when the app opens, then it lists the instruments through the generated hook and shows a live connection", async () => {
    await page.goto(server.url);
    await page.locator('[data-testid="instruments"] tbody tr').nth(8).waitFor();
    const symbols = await page.locator('[data-testid="instruments"] tbody th').allTextContents();
    expect(symbols).to.include.members(["AAPL", "MSFT", "NVDA", "AMZN", "BTC-USD", "ETH-USD", "SOL-USD", "TGLD", "TBILL"]);
    await page.getByTestId("connection-state").filter({ hasText: "Live" }).waitFor();
  });

  it("when a quote is published, then the row's last price changes without a reload", async () => {
    const redis = new Redis(process.env.REDIS_URL);
    const cell = page.locator('tr[data-symbol="AAPL"] [data-testid="last-price"]');
    try {
      const quote = JSON.stringify({ symbol: "AAPL", bid: "230.1", ask: "230.14", last: "230.1", timestamp: new Date().toISOString() });
      // The browser's subscription may still be starting: publish until it shows, awaiting the DOM.
      // The wire carries "230.1"; the screen shows it to the tick: "230.10".
      while ((await cell.textContent()) !== "230.10") {
        await redis.publish("quotes.AAPL", quote);
        await cell.filter({ hasText: "230.10" }).waitFor({ timeout: 200 }).catch(() => {});
      }
      await page.screenshot({ path: path.join(artifacts, "markets.png"), fullPage: true });
    } finally {
      redis.disconnect();
    }
  });
});
