// The matching engine alone, on one core, against the npm package nodejs-order-book on the same
// command stream in the same run. The stream is shaped like exchange-core's benchmarks: mostly
// limit adds and cancels, some marketable orders, about 1,000 resting orders over a few hundred
// price levels. Then the cancel curve: cancelling every order of one price level holding 100,
// 1,000 and 10,000 orders, for both.
//   npm run bench engine
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

const COMMANDS = 1_000_000;
const RESTING_TARGET = 1_000;
const MID = 100_000;
const SPREAD_LEVELS = 300;

/** A deterministic stream (mulberry32), tracked against our own book so cancels name live orders. */
function generateStream(seed) {
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
  let nextId = 1;
  for (let n = 0; n < COMMANDS; n++) {
    const r = random();
    const wantAdd = live.length < RESTING_TARGET ? 0.65 : 0.45;
    let command;
    if (r < wantAdd) {
      const side = random() < 0.5 ? "BUY" : "SELL";
      const offset = 1 + pick(SPREAD_LEVELS);
      command = { type: "submit", id: nextId++, account: 1 + pick(1000), side, kind: "LIMIT", tif: "GTC", quantity: 1 + pick(10), price: side === "BUY" ? MID - offset : MID + offset };
    } else if (r < 0.9 && live.length > 0) {
      command = { type: "cancel", id: live[pick(live.length)] };
    } else if (r < 0.96) {
      const side = random() < 0.5 ? "BUY" : "SELL";
      command = { type: "submit", id: nextId++, account: 1 + pick(1000), side, kind: "LIMIT", tif: "IOC", quantity: 1 + pick(20), price: side === "BUY" ? MID + 5 : MID - 5 };
    } else {
      command = { type: "submit", id: nextId++, account: 1 + pick(1000), side: random() < 0.5 ? "BUY" : "SELL", kind: "MARKET", tif: "IOC", quantity: 1 + pick(15) };
    }
    for (const event of book.apply(command)) {
      if (event.type === "accepted" && command.type === "submit" && command.tif === "GTC" && command.kind === "LIMIT") {
        index.set(event.id, live.length);
        live.push(event.id);
      }
      if (event.type === "fill" && event.makerRemaining === 0) drop(event.makerId);
      if (event.type === "fill" && event.takerRemaining === 0) drop(event.takerId);
      if (event.type === "cancelled") drop(event.id);
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

/** The same commands through nodejs-order-book's API (string ids, lower-case sides, no accounts). */
function runTheirs(commands) {
  const book = new NobOrderBook();
  const started = now();
  for (const c of commands) {
    if (c.type === "cancel") book.cancel(String(c.id));
    else if (c.kind === "MARKET") book.market({ side: c.side === "BUY" ? "buy" : "sell", size: c.quantity });
    else book.limit({ id: String(c.id), side: c.side === "BUY" ? "buy" : "sell", size: c.quantity, price: c.price, timeInForce: c.tif });
  }
  return now() - started;
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

console.log("generating the stream...");
const stream = generateStream(20261124);
// Warm-up both, then measure each three times and keep the best (least disturbed) run.
runOurs(stream.commands.slice(0, 100_000));
runTheirs(stream.commands.slice(0, 100_000));
const oursMs = Math.min(...[0, 1, 2].map(() => runOurs(stream.commands)));
const theirsMs = Math.min(...[0, 1, 2].map(() => runTheirs(stream.commands)));
const oursRate = COMMANDS / (oursMs / 1000);
const theirsRate = COMMANDS / (theirsMs / 1000);
/** Best of five: small runs are at the mercy of the JIT and the collector. */
const bestOf = (perLevel) => {
  const runs = Array.from({ length: 5 }, () => cancelCurve(perLevel));
  return { perLevel, ours: Math.max(...runs.map((r) => r.ours)), theirs: Math.max(...runs.map((r) => r.theirs)) };
};
const curve = [100, 1_000, 10_000].map(bestOf);
const mix = stream.commands.reduce((counts, c) => {
  const key = c.type === "cancel" ? "cancel" : c.kind === "MARKET" ? "market" : c.tif === "IOC" ? "marketable limit (IOC)" : "limit add";
  counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}, {});
const fmt = (rate) => `${Math.round(rate).toLocaleString("en")}/s`;

writeSection(
  "engine",
  `## Matching engine: operations per second, next to nodejs-order-book

\`npm run bench engine\` — ${machine()}. One process, one core: the engine alone (no I/O),
${COMMANDS.toLocaleString("en")} commands generated deterministically, then run through our fast book and through
the npm package \`nodejs-order-book\` (${require("nodejs-order-book/package.json").version}), best of three runs each.

Mix: ${Object.entries(mix).map(([k, v]) => `${k} ${((v / COMMANDS) * 100).toFixed(0)}%`).join(", ")}; at the end ${stream.resting.toLocaleString("en")} orders rest over
${stream.levels} price levels (the stream keeps about ${RESTING_TARGET.toLocaleString("en")} resting within ±${SPREAD_LEVELS} ticks).

| book | operations/s | vs nodejs-order-book |
| --- | --- | --- |
| BlockGuardian fast book | **${fmt(oursRate)}** | ${(oursRate / theirsRate).toFixed(1)}× |
| nodejs-order-book (reference) | ${fmt(theirsRate)} | 1× |

Cancel curve: cancelling every order of one price level, in random order:

| orders at the level | BlockGuardian cancels/s | nodejs-order-book cancels/s | ratio |
| --- | --- | --- | --- |
${curve.map((c) => `| ${c.perLevel.toLocaleString("en")} | ${fmt(c.ours)} | ${fmt(c.theirs)} | ${(c.ours / c.theirs).toFixed(1)}× |`).join("\n")}

Our cancel is O(1) (intrusive list + id map); nodejs-order-book's removal from a level's queue
searches it, so its rate falls as the level fills.`,
);
console.log({ oursRate, theirsRate, ratio: oursRate / theirsRate, curve, mix, resting: stream.resting, levels: stream.levels });
