// The matching engine alone, on one core, against the npm package nodejs-order-book on the same
// command stream in the same run. The stream is shaped like exchange-core's benchmarks: mostly
// limit adds and cancels, some marketable orders, about 1,000 resting orders over a few hundred
// price levels. Then the cancel curve: cancelling every order of one price level holding 100,
// 1,000 and 10,000 orders, for both. Our book also runs the extended mix (icebergs, trailing
// stops and amends added, issue 15), and the trailing-stop figure: the cost of a trade with
// 10,000 trailing stops waiting, next to 100 waiting.
//   npm run bench engine            (ENGINE_BENCH_COMMANDS=100000 for a short check run)
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { buildStale } from "../build.mjs";
import { ROOT } from "../lib.mjs";
import { machine, now, writeSection } from "./report.mjs";

await buildStale();
const require = createRequire(path.join(ROOT, "server/dist/main.js"));
const { createOrderBook } = require("./trading/engine/index.js");
const { OrderBook: NobOrderBook } = require("nodejs-order-book");

const COMMANDS = Number(process.env.ENGINE_BENCH_COMMANDS ?? 1_000_000);
const RESTING_TARGET = 1_000;
const MID = 100_000;
const SPREAD_LEVELS = 300;

/**
 * A deterministic stream (mulberry32), tracked against our own book so cancels name live orders.
 * `extended` adds what nodejs-order-book does not have: icebergs (a tenth of the adds), trailing
 * stops (a few hundred waiting at most) and amends (a quarter of what would be cancels: a new
 * quantity, and a third of the time a new price).
 */
function generateStream(seed, extended = false) {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (n) => Math.floor(random() * n);
  const book = createOrderBook();
  const live = [];
  const index = new Map();
  const drop = (id) => {
    const i = index.get(id);
    if (i === undefined) return;
    const lastId = live[live.length - 1];
    live[i] = lastId;
    index.set(lastId, i);
    live.pop();
    index.delete(id);
  };
  const commands = [];
  /** Live orders' side and kind, for amends. */
  const shape = new Map();
  let trailing = 0;
  let nextId = 1;
  for (let n = 0; n < COMMANDS; n++) {
    const r = random();
    // Above the target, removals must outpace adds for the book to stay near it; in the extended
    // mix a quarter of the would-be cancels are amends (which remove nothing), so adds are rarer.
    const wantAdd = live.length < RESTING_TARGET ? 0.65 : extended ? 0.38 : 0.45;
    let command;
    if (r < wantAdd) {
      const side = random() < 0.5 ? "BUY" : "SELL";
      const offset = 1 + pick(SPREAD_LEVELS);
      const variant = extended ? random() : 1;
      if (variant < 0.1) {
        const quantity = 5 + pick(20);
        command = { type: "submit", id: nextId++, account: 1 + pick(1000), side, kind: "LIMIT", tif: "GTC", quantity, display: 1 + pick(4), price: side === "BUY" ? MID - offset : MID + offset };
      } else if (variant < 0.14 && trailing < 300) {
        command = { type: "submit", id: nextId++, account: 1 + pick(1000), side, kind: "TRAILING_STOP", tif: "GTC", quantity: 1 + pick(5), trailAmount: 20 + pick(200), mark: MID };
      } else {
        command = { type: "submit", id: nextId++, account: 1 + pick(1000), side, kind: "LIMIT", tif: "GTC", quantity: 1 + pick(10), price: side === "BUY" ? MID - offset : MID + offset };
      }
    } else if (r < 0.9 && live.length > 0) {
      const id = live[pick(live.length)];
      const target = shape.get(id);
      if (extended && random() < 0.25) {
        const offset = 1 + pick(SPREAD_LEVELS);
        const reprice = target.kind === "LIMIT" && random() < 0.33;
        command = { type: "amend", id, quantity: 1 + pick(10), ...(reprice ? { price: target.side === "BUY" ? MID - offset : MID + offset } : {}) };
      } else {
        command = { type: "cancel", id };
      }
    } else if (r < 0.96) {
      const side = random() < 0.5 ? "BUY" : "SELL";
      command = { type: "submit", id: nextId++, account: 1 + pick(1000), side, kind: "LIMIT", tif: "IOC", quantity: 1 + pick(20), price: side === "BUY" ? MID + 5 : MID - 5 };
    } else {
      command = { type: "submit", id: nextId++, account: 1 + pick(1000), side: random() < 0.5 ? "BUY" : "SELL", kind: "MARKET", tif: "IOC", quantity: 1 + pick(15) };
    }
    const forget = (id) => {
      if (!index.has(id)) return;
      if (shape.get(id).kind === "TRAILING_STOP") trailing--;
      shape.delete(id);
      drop(id);
    };
    for (const event of book.apply(command)) {
      if (event.type === "accepted" && command.type === "submit" && command.tif === "GTC" && (command.kind === "LIMIT" || command.kind === "TRAILING_STOP")) {
        index.set(event.id, live.length);
        live.push(event.id);
        shape.set(event.id, { side: command.side, kind: command.kind });
        if (command.kind === "TRAILING_STOP") trailing++;
      }
      if (event.type === "fill" && event.makerRemaining === 0) forget(event.makerId);
      if (event.type === "fill" && event.takerRemaining === 0) forget(event.takerId);
      if (event.type === "cancelled" || event.type === "expired") forget(event.id);
    }
    commands.push(command);
  }
  const depth = book.depth(10_000);
  return { commands, resting: live.length, levels: depth.bids.length + depth.asks.length };
}

function runOurs(commands) {
  const book = createOrderBook();
  const started = now();
  for (const command of commands) book.apply(command);
  return now() - started;
}

/**
 * The same commands through nodejs-order-book's API (string ids, lower-case sides, no accounts).
 * Of the extended mix it runs what it has: an iceberg as a plain limit, an amend as `modify`; it
 * has no trailing stop, so those are left out (cancels of them find nothing).
 */
function runTheirs(commands) {
  const book = new NobOrderBook();
  const started = now();
  for (const c of commands) {
    if (c.type === "cancel") book.cancel(String(c.id));
    else if (c.type === "amend") book.modify(String(c.id), c.price === undefined ? { size: c.quantity } : { price: c.price, size: c.quantity });
    else if (c.kind === "TRAILING_STOP") continue;
    else if (c.kind === "MARKET") book.market({ side: c.side === "BUY" ? "buy" : "sell", size: c.quantity });
    else book.limit({ id: String(c.id), side: c.side === "BUY" ? "buy" : "sell", size: c.quantity, price: c.price, timeInForce: c.tif });
  }
  return now() - started;
}

/**
 * Cost of one trade (a resting sell and the buy that takes it, at a price wandering around the
 * mid) with `waiting` trailing stops waiting on both sides, trails spread over 2,000 distinct
 * values, none near enough to trigger. Best of five runs of 20,000 trades, in microseconds.
 */
function trailingCost(waiting) {
  const TRADES = 20_000;
  const run = () => {
    const book = createOrderBook();
    let id = 1;
    book.apply({ type: "submit", id: id++, account: 1, side: "SELL", kind: "LIMIT", tif: "GTC", quantity: 1, price: MID });
    book.apply({ type: "submit", id: id++, account: 2, side: "BUY", kind: "LIMIT", tif: "IOC", quantity: 1, price: MID });
    for (let i = 0; i < waiting; i++) {
      book.apply({ type: "submit", id: id++, account: 3 + (i % 100), side: i % 2 ? "BUY" : "SELL", kind: "TRAILING_STOP", tif: "GTC", quantity: 1, trailAmount: 10_000 + (i % 2_000) });
    }
    let seed = 11;
    const started = now();
    for (let t = 0; t < TRADES; t++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const price = MID - 50 + (seed % 101);
      book.apply({ type: "submit", id: id++, account: 1, side: "SELL", kind: "LIMIT", tif: "GTC", quantity: 1, price });
      book.apply({ type: "submit", id: id++, account: 2, side: "BUY", kind: "LIMIT", tif: "IOC", quantity: 1, price });
    }
    const elapsed = now() - started;
    if (book.openOrders().size !== waiting) throw new Error(`trailing stops triggered: ${book.openOrders().size} open of ${waiting}`);
    return (elapsed * 1000) / TRADES;
  };
  run();
  return { waiting, microsPerTrade: Math.min(...Array.from({ length: 5 }, run)) };
}

/** Rests `perLevel` orders at one price (plus a few other levels), then cancels them all in random order. */
function cancelCurve(perLevel) {
  const order = Array.from({ length: perLevel }, (_, i) => i + 1);
  let seed = 7;
  for (let i = order.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const ours = createOrderBook();
  const theirs = new NobOrderBook();
  for (let id = 1; id <= perLevel; id++) {
    ours.apply({ type: "submit", id, account: id, side: "BUY", kind: "LIMIT", tif: "GTC", quantity: 1, price: 100 });
    theirs.limit({ id: String(id), side: "buy", size: 1, price: 100 });
  }
  let started = now();
  for (const id of order) ours.apply({ type: "cancel", id });
  const oursMs = now() - started;
  started = now();
  for (const id of order) theirs.cancel(String(id));
  const theirsMs = now() - started;
  return { perLevel, ours: perLevel / (oursMs / 1000), theirs: perLevel / (theirsMs / 1000) };
}

console.log("generating the streams...");
const stream = generateStream(20261124);
const extended = generateStream(20261124, true);
// Warm-up both, then measure each three times and keep the best (least disturbed) run.
runOurs(stream.commands.slice(0, 100_000));
runOurs(extended.commands.slice(0, 100_000));
runTheirs(stream.commands.slice(0, 100_000));
runTheirs(extended.commands.slice(0, 100_000));
const oursMs = Math.min(...[0, 1, 2].map(() => runOurs(stream.commands)));
const theirsMs = Math.min(...[0, 1, 2].map(() => runTheirs(stream.commands)));
const oursExtendedMs = Math.min(...[0, 1, 2].map(() => runOurs(extended.commands)));
const theirsExtendedMs = Math.min(...[0, 1, 2].map(() => runTheirs(extended.commands)));
const oursRate = COMMANDS / (oursMs / 1000);
const theirsRate = COMMANDS / (theirsMs / 1000);
const oursExtendedRate = COMMANDS / (oursExtendedMs / 1000);
const theirsExtendedRate = COMMANDS / (theirsExtendedMs / 1000);
const trailing = [100, 10_000].map(trailingCost);
/** Best of five: small runs are at the mercy of the JIT and the collector. */
const bestOf = (perLevel) => {
  const runs = Array.from({ length: 5 }, () => cancelCurve(perLevel));
  return { perLevel, ours: Math.max(...runs.map((r) => r.ours)), theirs: Math.max(...runs.map((r) => r.theirs)) };
};
const curve = [100, 1_000, 10_000].map(bestOf);
const mixOf = (commands) =>
  commands.reduce((counts, c) => {
    const key =
      c.type === "cancel" ? "cancel" : c.type === "amend" ? "amend" : c.kind === "MARKET" ? "market" : c.kind === "TRAILING_STOP" ? "trailing stop" : c.tif === "IOC" ? "marketable limit (IOC)" : c.display ? "iceberg add" : "limit add";
    counts[key] = (counts[key] ?? 0) + 1;
    return counts;
  }, {});
const mix = mixOf(stream.commands);
const extendedMix = mixOf(extended.commands);
const percents = (counts) => Object.entries(counts).map(([k, v]) => `${k} ${((v / COMMANDS) * 100).toFixed(0)}%`).join(", ");
const fmt = (rate) => `${Math.round(rate).toLocaleString("en")}/s`;

writeSection(
  "engine",
  `## Matching engine: operations per second, next to nodejs-order-book

\`npm run bench engine\` — ${machine()}. One process, one core: the engine alone (no I/O),
${COMMANDS.toLocaleString("en")} commands generated deterministically, then run through our fast book and through
the npm package \`nodejs-order-book\` (${require("nodejs-order-book/package.json").version}), best of three runs each.

Mix: ${percents(mix)}; at the end ${stream.resting.toLocaleString("en")} orders rest over
${stream.levels} price levels (the stream keeps about ${RESTING_TARGET.toLocaleString("en")} resting within ±${SPREAD_LEVELS} ticks).

| book | operations/s | vs nodejs-order-book |
| --- | --- | --- |
| BlockGuardian fast book | **${fmt(oursRate)}** | ${(oursRate / theirsRate).toFixed(1)}× |
| nodejs-order-book (reference) | ${fmt(theirsRate)} | 1× |

The extended mix (issue 15): ${percents(extendedMix)}; at the end ${extended.resting.toLocaleString("en")} orders
rest or wait. nodejs-order-book runs what it has of it (an iceberg as a plain limit, an amend as
\`modify\`, no trailing stops).

| book | operations/s | vs nodejs-order-book on its own mix | vs nodejs-order-book on this mix |
| --- | --- | --- | --- |
| BlockGuardian fast book, extended mix | **${fmt(oursExtendedRate)}** | ${(oursExtendedRate / theirsRate).toFixed(1)}× | ${(oursExtendedRate / theirsExtendedRate).toFixed(1)}× |
| nodejs-order-book, what it has of the extended mix | ${fmt(theirsExtendedRate)} | | 1× |

Trailing stops: cost of one trade (a resting sell and the buy that takes it) while trailing stops
wait on both sides (trails over 2,000 distinct values, none triggering); best of five runs of 20,000 trades.

| trailing stops waiting | µs per trade |
| --- | --- |
${trailing.map((t) => `| ${t.waiting.toLocaleString("en")} | ${t.microsPerTrade.toFixed(2)} |`).join("\n")}

With 10,000 waiting a trade costs ${(trailing[1].microsPerTrade / trailing[0].microsPerTrade).toFixed(2)}× what it costs with 100 (goal: within 2×):
stops that share a mark share a bucket, and a trade moves whole buckets, not stops one by one.

Cancel curve: cancelling every order of one price level, in random order:

| orders at the level | BlockGuardian cancels/s | nodejs-order-book cancels/s | ratio |
| --- | --- | --- | --- |
${curve.map((c) => `| ${c.perLevel.toLocaleString("en")} | ${fmt(c.ours)} | ${fmt(c.theirs)} | ${(c.ours / c.theirs).toFixed(1)}× |`).join("\n")}

Our cancel is O(1) (intrusive list + id map); nodejs-order-book's removal from a level's queue
searches it, so its rate falls as the level fills.`,
);
console.log({ oursRate, theirsRate, ratio: oursRate / theirsRate, oursExtendedRate, theirsExtendedRate, extendedRatio: oursExtendedRate / theirsRate, trailing, curve, mix, extendedMix, resting: stream.resting, levels: stream.levels });
