import { type Fixed, SCALE } from "../../infra/fixed";

/** One price observation a provider's frame carries, in the provider's symbol. */
export interface ProviderUpdate {
  product: string;
  /** The reference: a trade's price, or the middle of the best bid and ask. */
  price: Fixed;
  at: Date;
}

/** A frame is either updates, something the protocol sends besides prices (acknowledgements, heartbeats), or garbage. */
export type FrameResult = { kind: "updates"; updates: ProviderUpdate[] } | { kind: "control"; warning?: string } | { kind: "invalid"; reason: string };

/** What a provider's protocol looks like to the feed. */
export interface ProviderProtocol {
  readonly name: "coinbase" | "binance";
  readonly defaultUrl: string;
  /** Messages sent after every (re)connect to subscribe to `products`. */
  subscribe(products: string[]): unknown[];
  /** `now` stamps updates that carry no time of their own. */
  parse(text: string, now: Date): FrameResult;
}

/** At most this many digits before the point: no real price is larger, and bigints stay small. */
const MAX_WHOLE_DIGITS = 15;
const DECIMAL = /^(\d{1,15})(?:\.(\d+))?$/;

/**
 * A provider's decimal string, exactly (never through a float): digits, an optional fraction,
 * strictly positive. Fraction digits beyond the platform's scale must be zeros (Binance pads
 * to eight places); anything else is refused, not rounded.
 */
export function parseProviderDecimal(value: unknown): Fixed | null {
  if (typeof value !== "string") return null;
  const match = DECIMAL.exec(value);
  if (!match || match[1].length > MAX_WHOLE_DIGITS) return null;
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > SCALE) return null;
  const fixed = BigInt(match[1]) * 10n ** BigInt(SCALE) + BigInt(fraction.padEnd(SCALE, "0") || "0");
  return fixed > 0n ? fixed : null;
}

/** An ISO 8601 time with an explicit zone, or null. */
function parseIsoTime(value: unknown): Date | null {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** Epoch milliseconds as a JSON number (Binance's trade time), or null. */
function parseEpochMs(value: unknown): Date | null {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const invalid = (reason: string): FrameResult => ({ kind: "invalid", reason });
const isProduct = (value: unknown): value is string => typeof value === "string" && /^[A-Za-z0-9._-]{1,32}$/.test(value);

/** The middle of bid and ask, rounded down at the platform's scale (integers: exact). */
function mid(bid: Fixed, ask: Fixed): Fixed {
  return (bid + ask) / 2n;
}

/**
 * Coinbase Exchange's `ticker` channel: `{"type":"subscribe","product_ids":[...],"channels":["ticker"]}`,
 * then frames `{"type":"ticker","sequence","product_id","price","open_24h","volume_24h","low_24h",
 * "high_24h","volume_30d","best_bid","best_bid_size","best_ask","best_ask_size","side","time",
 * "trade_id","last_size"}`; `price` is the last trade's. `subscriptions` acknowledges, `heartbeat`
 * keeps alive, `error` reports a refused request (logged by the feed as control).
 */
export const coinbase: ProviderProtocol = {
  name: "coinbase",
  defaultUrl: "wss://ws-feed.exchange.coinbase.com",
  subscribe: (products) => [{ type: "subscribe", product_ids: products, channels: ["ticker"] }],
  parse(text) {
    const frame = parseJson(text);
    if (!frame) return invalid("not a JSON object");
    if (frame.type === "subscriptions" || frame.type === "heartbeat") return { kind: "control" };
    // A refused request (an unknown product_id, say): worth a warning in the log.
    if (frame.type === "error") return { kind: "control", warning: `${String(frame.message).slice(0, 200)}: ${String(frame.reason).slice(0, 200)}` };
    if (frame.type !== "ticker") return invalid(`unexpected type ${String(frame.type).slice(0, 32)}`);
    if (!isProduct(frame.product_id)) return invalid("ticker without a valid product_id");
    const price = parseProviderDecimal(frame.price);
    if (price === null) return invalid("ticker with an invalid price");
    const at = parseIsoTime(frame.time);
    if (!at) return invalid("ticker with an invalid time");
    for (const field of ["best_bid", "best_ask"]) {
      if (frame[field] !== undefined && frame[field] !== null && parseProviderDecimal(frame[field]) === null) return invalid(`ticker with an invalid ${field}`);
    }
    return { kind: "updates", updates: [{ product: frame.product_id, price, at }] };
  },
};

/**
 * Binance spot, combined streams: connect to `/stream`, send
 * `{"method":"SUBSCRIBE","params":["btcusdt@trade","btcusdt@bookTicker"],"id":1}` (answered by
 * `{"result":null,"id":1}`), then frames `{"stream":"btcusdt@trade","data":{"e":"trade","E",
 * "s":"BTCUSDT","t","p":"96500.12000000","q","T","m","M"}}` and `{"stream":"btcusdt@bookTicker",
 * "data":{"u","s","b","B","a","A"}}`. A trade's price is the reference at its trade time `T`; a
 * book ticker's middle price is, at its arrival (it has no time of its own).
 */
export const binance: ProviderProtocol = {
  name: "binance",
  defaultUrl: "wss://stream.binance.com:9443/stream",
  subscribe: (products) => [{ method: "SUBSCRIBE", params: products.flatMap((p) => [`${p.toLowerCase()}@trade`, `${p.toLowerCase()}@bookTicker`]), id: 1 }],
  parse(text, now) {
    const frame = parseJson(text);
    if (!frame) return invalid("not a JSON object");
    if ("result" in frame && "id" in frame) return { kind: "control" };
    // A refused request: {"error":{"code":2,"msg":"Invalid request: ..."},"id":1}.
    if ("error" in frame && "id" in frame) return { kind: "control", warning: JSON.stringify(frame.error).slice(0, 300) };
    if (typeof frame.stream !== "string" || frame.data === null || typeof frame.data !== "object" || Array.isArray(frame.data)) return invalid("not a combined-stream frame");
    const data = frame.data as Record<string, unknown>;
    if (!isProduct(data.s)) return invalid("event without a valid symbol");
    if (data.e === "trade") {
      const price = parseProviderDecimal(data.p);
      if (price === null || parseProviderDecimal(data.q) === null) return invalid("trade with an invalid price or quantity");
      const at = parseEpochMs(data.T);
      if (!at) return invalid("trade with an invalid time");
      return { kind: "updates", updates: [{ product: data.s, price, at }] };
    }
    if (data.e === undefined && "b" in data && "a" in data) {
      const bid = parseProviderDecimal(data.b);
      const ask = parseProviderDecimal(data.a);
      if (bid === null || ask === null || bid > ask) return invalid("book ticker with an invalid bid or ask");
      if (parseProviderDecimal(data.B) === null || parseProviderDecimal(data.A) === null) return invalid("book ticker with an invalid size");
      return { kind: "updates", updates: [{ product: data.s, price: mid(bid, ask), at: now }] };
    }
    return invalid(`unexpected event ${String(data.e).slice(0, 32)}`);
  },
};

export const PROTOCOLS = { coinbase, binance } as const;
