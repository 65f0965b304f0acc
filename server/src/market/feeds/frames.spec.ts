import { expect } from "chai";
import { formatFixed } from "../../infra/fixed";
import { binance, coinbase, type FrameResult, parseProviderDecimal } from "./frames";

const NOW = new Date("2024-11-28T12:00:00.000Z");
const prices = (result: FrameResult) => (result.kind === "updates" ? result.updates.map((u) => [u.product, formatFixed(u.price), u.at.toISOString()]) : result.kind);

/** A ticker as Coinbase Exchange documents it. */
const ticker = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: "ticker",
    sequence: 37475248783,
    product_id: "ETH-USD",
    price: "1285.22",
    open_24h: "1310.79",
    volume_24h: "245532.79269678",
    low_24h: "1280.52",
    high_24h: "1313.8",
    volume_30d: "9788783.60117027",
    best_bid: "1285.04",
    best_bid_size: "0.46688654",
    best_ask: "1285.27",
    best_ask_size: "1.56637040",
    side: "buy",
    time: "2022-10-19T23:28:22.061769Z",
    trade_id: 370843401,
    last_size: "11.4396987",
    ...fields,
  });

describe("market feed frames", () => {
  it("when a provider's decimal is parsed, then it is exact, positive and refused rather than rounded", () => {
    expect(formatFixed(parseProviderDecimal("96500.12000000")!)).to.equal("96500.12");
    expect(formatFixed(parseProviderDecimal("0.0000000001")!)).to.equal("0.0000000001");
    // Precision a float would lose: 17 significant digits stay exact.
    expect(formatFixed(parseProviderDecimal("123456789012345.12")!)).to.equal("123456789012345.12");
    for (const bad of ["0", "0.00000000", "-1", "1e5", "1.", ".5", " 1", "1,5", "NaN", "0x10", "1.00000000001", "1234567890123456", "", 96500, null, undefined, ["1"]]) {
      expect(parseProviderDecimal(bad), JSON.stringify(bad)).to.equal(null);
    }
  });

  it("when Coinbase sends a ticker, then its trade price is an update; acknowledgements and heartbeats are control", () => {
    expect(prices(coinbase.parse(ticker(), NOW))).to.deep.equal([["ETH-USD", "1285.22", "2022-10-19T23:28:22.061Z"]]);
    expect(coinbase.parse(JSON.stringify({ type: "subscriptions", channels: [{ name: "ticker", product_ids: ["ETH-USD"] }] }), NOW).kind).to.equal("control");
    expect(coinbase.parse(JSON.stringify({ type: "heartbeat", sequence: 90, last_trade_id: 20, product_id: "BTC-USD", time: "2014-11-07T08:19:28.464459Z" }), NOW).kind).to.equal("control");
    expect(coinbase.parse(JSON.stringify({ type: "error", message: "Failed to subscribe", reason: "XYZ-USD is not a valid product" }), NOW)).to.deep.equal({ kind: "control", warning: "Failed to subscribe: XYZ-USD is not a valid product" });
    expect(coinbase.subscribe(["BTC-USD", "ETH-USD"])).to.deep.equal([{ type: "subscribe", product_ids: ["BTC-USD", "ETH-USD"], channels: ["ticker"] }]);
  });

  it("when Coinbase sends garbage, then the frame is invalid, never an exception", () => {
    for (const frame of ["not json", "[]", "null", "42", JSON.stringify({ type: "match" }), ticker({ price: 1285.22 }), ticker({ price: "-1" }), ticker({ price: "1e3" }), ticker({ product_id: "ETH USD" }), ticker({ product_id: undefined }), ticker({ time: "yesterday" }), ticker({ time: "2022-10-19T23:28:22" }), ticker({ best_bid: "x" })]) {
      expect(coinbase.parse(frame, NOW).kind, frame).to.equal("invalid");
    }
  });

  it("when Binance sends a trade or a book ticker on a combined stream, then the trade's price and the book's middle are updates", () => {
    const trade = { stream: "btcusdt@trade", data: { e: "trade", E: 1732795200123, s: "BTCUSDT", t: 12345, p: "96500.12000000", q: "0.00100000", T: 1732795200100, m: true, M: true } };
    expect(prices(binance.parse(JSON.stringify(trade), NOW))).to.deep.equal([["BTCUSDT", "96500.12", "2024-11-28T12:00:00.100Z"]]);
    const book = { stream: "btcusdt@bookTicker", data: { u: 400900217, s: "BTCUSDT", b: "96500.10000000", B: "31.21000000", a: "96500.15000000", A: "40.66000000" } };
    expect(prices(binance.parse(JSON.stringify(book), NOW))).to.deep.equal([["BTCUSDT", "96500.125", NOW.toISOString()]]);
    expect(binance.parse(JSON.stringify({ result: null, id: 1 }), NOW).kind).to.equal("control");
    expect(binance.parse(JSON.stringify({ error: { code: 2, msg: "Invalid request" }, id: 1 }), NOW)).to.deep.equal({ kind: "control", warning: '{"code":2,"msg":"Invalid request"}' });
    expect(binance.subscribe(["BTCUSDT"])).to.deep.equal([{ method: "SUBSCRIBE", params: ["btcusdt@trade", "btcusdt@bookTicker"], id: 1 }]);
  });

  it("when Binance sends garbage, then the frame is invalid", () => {
    const trade = (data: Record<string, unknown>) => JSON.stringify({ stream: "btcusdt@trade", data: { e: "trade", E: 1, s: "BTCUSDT", t: 1, p: "1.5", q: "1", T: 1732795200100, m: true, M: true, ...data } });
    const book = (data: Record<string, unknown>) => JSON.stringify({ stream: "btcusdt@bookTicker", data: { u: 1, s: "BTCUSDT", b: "1.0", B: "1", a: "1.1", A: "1", ...data } });
    for (const frame of ["{", JSON.stringify({ e: "trade", s: "BTCUSDT", p: "1" }), JSON.stringify({ stream: "x", data: [] }), trade({ p: "abc" }), trade({ p: 1.5 }), trade({ q: "0" }), trade({ T: "soon" }), trade({ s: "" }), trade({ e: "aggTrade" }), book({ b: "1.2" }), book({ a: "-1" }), book({ B: "0" })]) {
      expect(binance.parse(frame, NOW).kind, frame).to.equal("invalid");
    }
  });
});
