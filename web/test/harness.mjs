// What the web's end-to-end tests and benchmark share: build the app, start the real server on a
// free port with that build, launch Debian's Chromium, and compute TOTP codes as an app would.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { build } from "vite";

export const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const root = path.resolve(web, "..");
export const artifacts = path.join(root, "test-artifacts", "web");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A production build of the app into a fresh folder. */
export async function buildApp() {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "bg-web-dist-"));
  await build({ root: web, logLevel: "warn", build: { outDir, emptyOutDir: true, sourcemap: false } });
  return outDir;
}

// The key ring and JWT secret server/test/helpers.ts uses: what these runs encrypt (MFA secrets)
// stays readable by the server suite's key-rotation test when both share a database.
const TEST_ENCRYPTION_KEYS = "test:dGVzdC1vbmx5LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24=";
const TEST_JWT_SECRET = "dGVzdC1vbmx5LWp3dC1zZWNyZXQtbm90LWZvci1wcm9kdWN0aW9u";

/**
 * The e2e server's own Redis namespace: its pub/sub channels live under it too, so quotes the
 * test injects go to `channel("quotes.AAPL")`.
 */
export const REDIS_KEY_PREFIX = `bge2e:${process.pid}:`;
export const channel = (name) => `${REDIS_KEY_PREFIX}${name}`;

/** What the server and its operator commands need to reach the same database with the same keys. */
const baseEnv = () => ({
  PATH: process.env.PATH,
  REDIS_KEY_PREFIX,
  NODE_ENV: "test",
  BCRYPT_COST: "4",
  DATABASE_URL: process.env.DATABASE_URL,
  REDIS_URL: process.env.REDIS_URL,
  ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
  JWT_SECRET: TEST_JWT_SECRET,
});

/** The real server, built web app included, as its own process on a free port. */
export async function startServer(distDir, extraEnv = {}) {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "src/main.ts"], {
    cwd: path.join(root, "server"),
    env: {
      ...baseEnv(),
      PORT: "0",
      LOG_LEVEL: "info",
      SEED_DEMO: "false",
      MARKET_FEED: "off",
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "bg-e2e-")),
      WEB_DIST_DIR: distDir,
      ...extraEnv,
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
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return {
    child,
    url,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * Gives a user a role the way an operator does (`npm run user:create`), creating them when new,
 * in the database DATABASE_URL names (the e2e server's).
 */
export async function createUser({ email, password, role, firstName, lastName }) {
  const args = ["-r", "ts-node/register/transpile-only", "src/cli.ts", "user:create", "--email", email, "--password", password, "--role", role];
  if (firstName) args.push("--first-name", firstName, "--last-name", lastName);
  const child = spawn(process.execPath, args, { cwd: path.join(root, "server"), env: baseEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`user:create failed (${code}): ${output}`);
}

export function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

/** GraphQL over HTTP, for setting the scene (a counterparty, a check) without the browser. */
export async function gql(url, query, variables = {}, token) {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/**
 * Publishes a reference quote until the built-in market maker's ladder straddles it within 1%
 * (it quotes asynchronously once a price arrives, and may still hold quotes around an older one).
 */
export async function primeMarket(url, redis, symbol, last) {
  const quote = JSON.stringify({ symbol, bid: null, ask: null, last, timestamp: new Date().toISOString() });
  for (;;) {
    await redis.publish(channel(`quotes.${symbol}`), quote);
    const { orderBook } = await gql(url, `query ($s: String!) { orderBook(symbol: $s, depth: 3) { bids { price } asks { price } } }`, { s: symbol });
    const near = (price) => Math.abs(Number(price) / Number(last) - 1) < 0.01;
    if (orderBook.bids.length > 0 && orderBook.asks.length > 0 && near(orderBook.bids[0].price) && near(orderBook.asks[0].price)) return orderBook;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function base32(secret) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const char of secret.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(char).toString(2).padStart(5, "0");
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) for time step `step`, as an authenticator app computes it. */
export function totp(secretBase32, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac("sha1", base32(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, "0");
}

export const totpStepNow = () => Math.floor(Date.now() / 1000 / 30);

/** ICAO 9303 check digit: character values weighted 7, 3, 1 repeating, modulo 10. */
function checkDigit(text) {
  const value = (c) => (c === "<" ? 0 : /\d/.test(c) ? Number(c) : c.charCodeAt(0) - 55);
  return String([...text].reduce((sum, c, i) => sum + value(c) * [7, 3, 1][i % 3], 0) % 10);
}

/** A TD3 passport whose machine-readable zone carries correct check digits (server/test/compliance-helpers.ts). */
export function passportFor(firstName, lastName, options = {}) {
  const p = { documentNumber: "X1234567", issuingCountry: "SWE", nationality: "SWE", dateOfBirth: "1990-05-17", expiryDate: "2034-04-15", ...options };
  const pad = (text, length) => text.padEnd(length, "<").slice(0, length);
  const yymmdd = (iso) => iso.slice(2).replace(/-/g, "");
  const names = `${lastName.toUpperCase().replace(/ /g, "<")}<<${firstName.toUpperCase().replace(/ /g, "<")}`;
  const line1 = pad(`P<${p.issuingCountry}${names}`, 44);
  const number = pad(p.documentNumber, 9);
  const optional = pad("", 14);
  const body = `${number}${checkDigit(number)}${p.nationality}${yymmdd(p.dateOfBirth)}${checkDigit(yymmdd(p.dateOfBirth))}M${yymmdd(p.expiryDate)}${checkDigit(yymmdd(p.expiryDate))}${optional}${checkDigit(optional)}`;
  const composite = body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43);
  return { ...p, mrz: `${line1}\n${body}${checkDigit(composite)}` };
}
