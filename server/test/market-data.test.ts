import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { formatFixed, isMultipleOf, parseFixed } from "../src/infra/fixed";
import { topics } from "../src/infra/pubsub";
import { BarInterval, PriceSimulator, tickSchedule } from "../src/market";
import { gql, startTestServer, subscribe, wsClient } from "./helpers";

describe("price simulator", () => {
  const instruments = [
    { symbol: "AAPL", price: "227.50", tickSize: "0.01", volatility: 0.3 },
    { symbol: "SOL-USD", price: "245.125", tickSize: "0.001", volatility: 0.7 },
    { symbol: "TBILL", price: "100.0125", tickSize: "0.0001", volatility: 0.01 },
  ];
  const options = { ticksPerSecond: 10, seed: 42, timeScale: 3600 };

  it("when two simulators share a seed, then they walk the same prices; another seed walks elsewhere", () => {
    const a = new PriceSimulator(instruments, options);
    const b = new PriceSimulator(instruments, options);
    const c = new PriceSimulator(instruments, { ...options, seed: 43 });
    const at = new Date(0);
    const walk = (sim: PriceSimulator) => Array.from({ length: 50 }, () => sim.step(at).map((tick) => tick.price).join(",")).join(";");
    const first = walk(a);
    expect(walk(b)).to.equal(first);
    expect(walk(c)).not.to.equal(first);
  });

  it("when instruments step one after another, then a seed walks exactly the prices of whole steps", () => {
    const whole = new PriceSimulator(instruments, options);
    const staggered = new PriceSimulator(instruments, options);
    const at = new Date(0);
    const byRounds = Array.from({ length: 20 }, () => whole.step(at)).flat().map((tick) => `${tick.symbol}=${tick.price}`);
    const oneByOne = Array.from({ length: 20 * instruments.length }, () => staggered.stepNext(1, at)).flat().map((tick) => `${tick.symbol}=${tick.price}`);
    expect(oneByOne).to.deep.equal(byRounds);
  });

  it("when the simulator is scheduled, then instruments are spread over the interval, each at the configured rate", () => {
    // The seed's nine instruments at one tick per second: one instrument every 1/9 s.
    expect(tickSchedule(9, 1)).to.deep.equal({ perFire: 1, intervalMs: 1000 / 9 });
    // Too fast to spread one by one (timer fires at least 10 ms apart): 50 instruments at 10/s fire ten times a round, five at a time.
    const fast = tickSchedule(50, 10);
    expect(fast).to.deep.equal({ perFire: 5, intervalMs: 10 });
    for (const [count, rate] of [[9, 1], [9, 2], [50, 10], [7, 100], [1, 0.1]]) {
      const { perFire, intervalMs } = tickSchedule(count, rate);
      // Instruments stepped per second, divided among them: the configured rate, exactly on average.
      expect((perFire * 1000) / intervalMs / count).to.be.closeTo(rate, 1e-9);
    }
  });

  it("when prices move, then every price stays positive and exactly on its instrument's tick", () => {
    const sim = new PriceSimulator(instruments, options);
    for (let i = 0; i < 2_000; i++) {
      for (const tick of sim.step(new Date(0))) {
        const instrument = instruments.find((x) => x.symbol === tick.symbol)!;
        const price = parseFixed(tick.price);
        expect(price > 0n).to.equal(true);
        expect(isMultipleOf(price, parseFixed(instrument.tickSize)), `${tick.symbol} ${tick.price}`).to.equal(true);
      }
    }
  });
});

describe("market data over GraphQL", () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({ MARKET_FEED: "simulator", MARKET_TICKS_PER_SECOND: "20", MARKET_SEED: "7" });
  });
  after(() => server?.stop());

  it("when the simulator runs, then quotes stream with bid < ask on the tick and lastPrice follows them", async () => {
    const client = wsClient(server);
    const sub = subscribe(client, `subscription { quotes(symbols: ["ETH-USD"]) { symbol bid ask last } }`);
    try {
      const { quotes } = await sub.nth(2);
      expect(parseFixed(quotes.bid) < parseFixed(quotes.ask)).to.equal(true);
      expect(isMultipleOf(parseFixed(quotes.last), parseFixed("0.01"))).to.equal(true);
      const { data } = await gql(server, `{ instruments { symbol lastPrice } }`);
      const eth = data!.instruments.find((i: { symbol: string }) => i.symbol === "ETH-USD");
      expect(eth.lastPrice).to.be.a("string");
    } finally {
      sub.dispose();
      await client.dispose();
    }
  });

  it("when prices arrive, then they are aggregated into 1-minute bars served by priceHistory", async () => {
    await server.services.marketData.recordTrade("AAPL", "230.00", "5", new Date());
    await server.services.marketData.recordTrade("AAPL", "231.50", "3", new Date());
    const { data, errors } = await gql(server, `{ priceHistory(symbol: "AAPL") { time open high low close volume } }`);
    expect(errors).to.equal(undefined);
    const bars = data!.priceHistory as Array<Record<string, string>>;
    expect(bars.length).to.be.greaterThan(0);
    const latest = bars.at(-1)!;
    expect(parseFixed(latest.high) >= parseFixed("231.5")).to.equal(true);
    expect(parseFixed(latest.volume) >= parseFixed("8")).to.equal(true);
    expect(new Date(latest.time).getUTCSeconds()).to.equal(0);
    const bad = await gql(server, `{ priceHistory(symbol: "NOPE") { time } }`);
    expect(bad.errors![0].extensions!.code).to.equal("BAD_USER_INPUT");
  });

  it("when only closes are asked (analytics), then each symbol's are its history's closes at every interval, the live minute folded in", async () => {
    await server.services.marketData.recordTrade("AAPL", "232.10", "1", new Date());
    await server.services.marketData.recordTrade("MSFT", "410.25", "1", new Date());
    const to = new Date(Date.now() + 60_000);
    const from = new Date(to.getTime() - 3 * 86_400_000);
    const symbols = ["AAPL", "MSFT"];
    for (const interval of [BarInterval.MINUTE_1, BarInterval.MINUTE_5, BarInterval.HOUR_1, BarInterval.DAY_1]) {
      // Asked together, so that all read the same live minute while the simulator keeps trading.
      const [closes, ...histories] = await Promise.all([server.services.bars.closes(symbols, interval, from, to, 500), ...symbols.map((symbol) => server.services.bars.history(symbol, interval, from, to, 500))]);
      for (const [s, symbol] of symbols.entries()) {
        const history = histories[s];
        const { times, closes: values } = closes.get(symbol)!;
        expect(times.length, `${symbol} ${interval}`).to.be.greaterThan(0);
        expect(times.map((time, i) => [new Date(time).toISOString(), values[i]]), `${symbol} ${interval}`).to.deep.equal(history.map((bar) => [bar.bucket.toISOString(), formatFixed(bar.close)]));
      }
    }
  });

  it("when a trade happens, then the traded price becomes last on the quotes stream", async () => {
    const client = wsClient(server);
    const sub = subscribe(client, `subscription { quotes(symbols: ["MSFT"]) { last } }`);
    try {
      await sub.nth(1);
      await server.services.marketData.recordTrade("MSFT", "399.99", "1", new Date());
      for (let i = 2; ; i++) if ((await sub.nth(i)).quotes.last === "399.99") break;
      expect(server.services.marketData.lastPrice("MSFT")).to.equal("399.99");
      await server.pubsub.publish(topics.quotes("MSFT"), { symbol: "MSFT", bid: null, ask: null, last: "400", timestamp: new Date().toISOString() });
    } finally {
      sub.dispose();
      await client.dispose();
    }
  });
});
