import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { Role } from "../src/identity";
import { BarInterval } from "../src/market";
import { bearer, codeOf, gql, grantRole, registerUser, startTestServer, type TestUser } from "./helpers";

const IMPORT = `mutation ($symbol: String!, $interval: BarInterval!, $bars: [PriceBarInput!]!) {
  importPriceBars(symbol: $symbol, interval: $interval, bars: $bars) { symbol interval received stored replaced rejected problems } }`;
const LIST = `mutation ($input: ListInstrumentInput!) { listInstrument(input: $input) { symbol name tickSize lotSize lastPrice } }`;
const HISTORY = `query ($symbol: String!, $from: DateTime, $to: DateTime, $interval: BarInterval, $limit: Int) {
  priceHistory(symbol: $symbol, from: $from, to: $to, interval: $interval, limit: $limit) { time open high low close volume } }`;

/** Daily bars from 2014-01-01 with closes 100, 101, ...; seeded, so a re-run imports the same rows. */
function dailyBars(count: number, start = Date.UTC(2014, 0, 1)) {
  return Array.from({ length: count }, (_, i) => {
    const close = 100 + (i % 50);
    return { time: new Date(start + i * 86_400_000).toISOString(), open: `${close}`, high: `${close + 1}`, low: `${close - 1}`, close: `${close}`, volume: `${1000 + i}` };
  });
}

describe("loading market data", () => {
  let server: RunningServer;
  let admin: TestUser;
  let analyst: TestUser;
  let trader: TestUser;
  const symbol = `I${Date.now().toString(36).toUpperCase()}`;

  before(async () => {
    server = await startTestServer();
    [admin, analyst, trader] = await Promise.all([registerUser(server), registerUser(server), registerUser(server)]);
    await grantRole(server, admin.email, Role.ADMIN);
    await grantRole(server, analyst.email, Role.ANALYST);
  });
  after(() => server?.stop());

  it("when a trader lists an instrument or imports bars, then it is FORBIDDEN", async () => {
    const listing = await gql(server, LIST, { input: { symbol: "NOPE", name: "No", assetClass: "EQUITY", currency: "USD", tickSize: "0.01", lotSize: "1" } }, bearer(trader.accessToken));
    expect(codeOf(listing)).to.equal("FORBIDDEN");
    const imported = await gql(server, IMPORT, { symbol: "AAPL", interval: "DAY_1", bars: dailyBars(1) }, bearer(trader.accessToken));
    expect(codeOf(imported)).to.equal("FORBIDDEN");
  });

  it("when bars are imported for a symbol that is not listed, then BAD_USER_INPUT", async () => {
    const response = await gql(server, IMPORT, { symbol: `${symbol}X`, interval: "DAY_1", bars: dailyBars(1) }, bearer(analyst.accessToken));
    expect(codeOf(response)).to.equal("BAD_USER_INPUT");
  });

  it("when an admin lists an instrument with bad steps, then BAD_USER_INPUT names the field; a listed symbol again is a CONFLICT", async () => {
    const bad = await gql(server, LIST, { input: { symbol, name: "X", assetClass: "EQUITY", currency: "USD", tickSize: "0", lotSize: "1" } }, bearer(admin.accessToken));
    expect(codeOf(bad)).to.equal("BAD_USER_INPUT");
    expect(bad.errors![0].extensions!.field).to.equal("tickSize");
    const again = await gql(server, LIST, { input: { symbol: "AAPL", name: "Apple", assetClass: "EQUITY", currency: "USD", tickSize: "0.01", lotSize: "1" } }, bearer(admin.accessToken));
    expect(codeOf(again)).to.equal("CONFLICT");
  });

  it("when an admin lists an instrument without a price and an analyst imports ten years of daily bars, then the book opens around the last close", async () => {
    const listed = await gql(server, LIST, { input: { symbol, name: "Imported Index", assetClass: "EQUITY", currency: "EUR", tickSize: "0.01", lotSize: "1" } }, bearer(admin.accessToken));
    expect(listed.errors).to.equal(undefined);
    expect(listed.data!.listInstrument).to.include({ symbol, lastPrice: null });
    const bars = dailyBars(3_653);
    const first = await gql(server, IMPORT, { symbol, interval: "DAY_1", bars }, bearer(analyst.accessToken));
    expect(first.errors).to.equal(undefined);
    expect(first.data!.importPriceBars).to.deep.include({ received: 3_653, stored: 3_653, replaced: 0, rejected: 0, problems: [] });
    // The book is open: an order book for the new symbol answers, and the price is the last close.
    const lastClose = bars.at(-1)!.close;
    const deadline = Date.now() + 10_000;
    let lastPrice: string | null = null;
    while (Date.now() < deadline && lastPrice === null) {
      const { data } = await gql(server, `{ instruments { symbol lastPrice } }`);
      lastPrice = data!.instruments.find((i: { symbol: string }) => i.symbol === symbol)?.lastPrice ?? null;
      if (lastPrice === null) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(lastPrice).to.equal(lastClose);
    const book = await gql(server, `query ($s: String!) { orderBook(symbol: $s) { symbol } }`, { s: symbol }, bearer(trader.accessToken));
    expect(book.errors).to.equal(undefined);
  });

  it("when bars are imported again with changes and bad rows, then they replace the old ones and each bad row is reported by its line", async () => {
    const bars = dailyBars(3).map((bar) => ({ ...bar, close: "120", high: "130" }));
    bars.push({ ...bars[0], time: "2030-01-01T12:00:00.000Z" });
    bars.push({ ...bars[0], time: "2030-01-02T00:00:00.000Z", high: "1" });
    const { data } = await gql(server, IMPORT, { symbol, interval: "DAY_1", bars }, bearer(admin.accessToken));
    expect(data!.importPriceBars).to.deep.include({ received: 5, stored: 3, replaced: 3, rejected: 2 });
    expect(data!.importPriceBars.problems[0]).to.match(/^line 4: .*boundary/);
    expect(data!.importPriceBars.problems[1]).to.match(/^line 5: high/);
    const history = await gql(server, HISTORY, { symbol, interval: "DAY_1", from: "2014-01-01T00:00:00Z", to: "2014-01-04T00:00:00Z" });
    expect(history.data!.priceHistory.map((bar: { close: string }) => bar.close)).to.deep.equal(["120", "120", "120"]);
  });

  it("when minute bars are imported, then longer intervals are resampled on UTC boundaries and an imported bar of the interval takes precedence", async () => {
    const start = Date.UTC(2024, 5, 3, 9, 55);
    const minutes = Array.from({ length: 15 }, (_, i) => ({
      time: new Date(start + i * 60_000).toISOString(),
      open: `${10 + i}`,
      high: `${20 + i}`,
      low: `${5 + i}`,
      close: `${11 + i}`,
      volume: "2",
    }));
    await gql(server, IMPORT, { symbol, interval: "MINUTE_1", bars: minutes }, bearer(analyst.accessToken));
    const range = { symbol, from: "2024-06-03T09:55:00Z", to: "2024-06-03T10:10:00Z" };
    const fives = await gql(server, HISTORY, { ...range, interval: "MINUTE_5" });
    expect(fives.data!.priceHistory).to.deep.equal([
      { time: "2024-06-03T09:55:00.000Z", open: "10", high: "24", low: "5", close: "15", volume: "10" },
      { time: "2024-06-03T10:00:00.000Z", open: "15", high: "29", low: "10", close: "20", volume: "10" },
      { time: "2024-06-03T10:05:00.000Z", open: "20", high: "34", low: "15", close: "25", volume: "10" },
    ]);
    // An hour bar starts on the hour, so 09:55-09:59 fall in the 09:00 bar.
    const hours = await gql(server, HISTORY, { symbol, from: "2024-06-03T09:00:00Z", to: "2024-06-03T11:00:00Z", interval: "HOUR_1" });
    expect(hours.data!.priceHistory.map((bar: { time: string; volume: string }) => [bar.time, bar.volume])).to.deep.equal([
      ["2024-06-03T09:00:00.000Z", "10"],
      ["2024-06-03T10:00:00.000Z", "20"],
    ]);
    await gql(server, IMPORT, { symbol, interval: "MINUTE_5", bars: [{ time: "2024-06-03T10:00:00Z", open: "1", high: "2", low: "1", close: "2", volume: "7" }] }, bearer(analyst.accessToken));
    const overridden = await gql(server, HISTORY, { ...range, interval: "MINUTE_5" });
    expect(overridden.data!.priceHistory[1]).to.deep.equal({ time: "2024-06-03T10:00:00.000Z", open: "1", high: "2", low: "1", close: "2", volume: "7" });
    expect(overridden.data!.priceHistory[2].open).to.equal("20");
    const closes = await server.services.bars.closes([symbol], BarInterval.MINUTE_5, new Date(range.from), new Date(range.to), 500);
    expect(closes.get(symbol)).to.deep.equal({ times: [0, 5, 10].map((m) => Date.UTC(2024, 5, 3, 9, 55 + m)), closes: ["15", "2", "25"] });
  });

  it("when the markets table asks for every instrument's last 24 hours, then each gets its first hour's open, the volume and hourly closes as priceHistory has them, in one statement", async () => {
    const fresh = `${symbol}D`;
    await gql(server, LIST, { input: { symbol: fresh, name: "Day", assetClass: "EQUITY", currency: "USD", tickSize: "0.01", lotSize: "1" } }, bearer(admin.accessToken));
    const hour = 3_600_000;
    const current = Math.floor(Date.now() / hour) * hour;
    const bar = (start: number, close: string, volume: string) => ({ time: new Date(start).toISOString(), open: close, high: close, low: close, close, volume });
    // 30 hours ago is outside the window; 23 hours ago is its first hour; the current hour is its last.
    const bars = [bar(current - 30 * hour, "5", "100"), bar(current - 23 * hour, "10", "1"), bar(current - 5 * hour, "12.5", "2"), bar(current, "11", "3")];
    expect((await gql(server, IMPORT, { symbol: fresh, interval: "HOUR_1", bars }, bearer(analyst.accessToken))).errors).to.equal(undefined);
    const statements: string[] = [];
    const query = server.database.dataSource.query.bind(server.database.dataSource);
    server.database.dataSource.query = ((sql: string, ...rest: unknown[]) => (statements.push(sql), query(sql, ...(rest as [])))) as typeof query;
    let listed;
    try {
      listed = await gql(server, `{ instruments { symbol last24Hours { open volume closes } } }`, {}, bearer(trader.accessToken));
    } finally {
      server.database.dataSource.query = query;
    }
    expect(listed.errors).to.equal(undefined);
    const days = new Map(listed.data!.instruments.map((i: { symbol: string; last24Hours: unknown }) => [i.symbol, i.last24Hours]));
    expect(days.get(fresh)).to.deep.equal({ open: "10", volume: "6", closes: ["10", "12.5", "11"] });
    expect(statements.filter((sql) => sql.includes("string_agg"))).to.have.length(1);
    const history = await gql(server, HISTORY, { symbol: fresh, from: new Date(current - 23 * hour).toISOString(), interval: "HOUR_1" }, bearer(trader.accessToken));
    expect(history.data!.priceHistory.map((b: { close: string }) => b.close)).to.deep.equal(["10", "12.5", "11"]);
  });
});
