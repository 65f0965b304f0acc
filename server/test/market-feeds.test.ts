import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import WebSocket, { WebSocketServer } from "ws";
import type { RunningServer } from "../src/app/server";
import { Role } from "../src/identity";
import { bearer, gql, grantRole, registerUser, startTestServer, subscribe, wsClient } from "./helpers";

/**
 * A provider's WebSocket, replayed locally: it records what the feed sends, and sends frames
 * (in the provider's documented format) only to connections that have subscribed, as the
 * provider does.
 */
async function startReplay() {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await once(wss, "listening");
  const received: unknown[] = [];
  const subscribed = new Set<WebSocket>();
  wss.on("connection", (socket) => {
    socket.on("message", (data) => {
      received.push(JSON.parse(data.toString()));
      subscribed.add(socket);
    });
    socket.on("close", () => subscribed.delete(socket));
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    received,
    get subscribers() {
      return subscribed.size;
    },
    send(frame: unknown): void {
      const text = typeof frame === "string" ? frame : JSON.stringify(frame);
      for (const socket of subscribed) socket.send(text);
    },
    /** The provider drops every connection. */
    dropAll(): void {
      for (const socket of wss.clients) socket.terminate();
    },
    async close(): Promise<void> {
      for (const socket of wss.clients) socket.terminate();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const tag = Date.now().toString(36).toUpperCase().slice(-6);

/** Lists `symbols` through a plain server first: the feed's server maps listed instruments at its start. */
async function listInstruments(symbols: string[]): Promise<void> {
  const server = await startTestServer();
  try {
    const admin = await registerUser(server);
    await grantRole(server, admin.email, Role.ADMIN);
    for (const symbol of symbols) {
      const { errors } = await gql(server, `mutation ($i: ListInstrumentInput!) { listInstrument(input: $i) { symbol } }`, { i: { symbol, name: symbol, assetClass: "CRYPTO", currency: "USD", tickSize: "0.01", lotSize: "0.0001" } }, bearer(admin.accessToken));
      expect(errors).to.equal(undefined);
    }
  } finally {
    await server.stop();
  }
}

describe("real market feeds, replayed locally", () => {
  describe("Coinbase ticker: stale prices halt trading", () => {
    const SYMBOL = `CB${tag}`;
    let replay: Awaited<ReturnType<typeof startReplay>>;
    let server: RunningServer;
    let keepAlive: NodeJS.Timeout | undefined;
    const ticker = (productId: string, price: unknown) => ({
      type: "ticker",
      sequence: 1,
      product_id: productId,
      price,
      open_24h: "95000.00",
      volume_24h: "12000.5",
      low_24h: "94000.00",
      high_24h: "97000.00",
      volume_30d: "400000.1",
      best_bid: "96499.99",
      best_bid_size: "0.5",
      best_ask: "96500.01",
      best_ask_size: "0.7",
      side: "buy",
      time: new Date().toISOString(),
      trade_id: 1,
      last_size: "0.01",
    });
    const fresh = () => {
      keepAlive = setInterval(() => replay.send(ticker("BTC-USD", "96500.00")), 200);
    };
    const silence = () => clearInterval(keepAlive);

    before(async () => {
      replay = await startReplay();
      await listInstruments([SYMBOL]);
      server = await startTestServer({
        MARKET_FEED: "coinbase",
        MARKET_FEED_URL: replay.url,
        MARKET_FEED_SYMBOLS: `${SYMBOL}=BTC-USD`,
        // Short, with room for a loaded machine: the keep-alive below ticks every 200 ms.
        MARKET_STALE_AFTER_SECONDS: "3",
        MARKET_MAKER: "true",
        // The simulated rest of the market barely moves: the maker requotes them rarely.
        MARKET_TIME_SCALE: "1",
      });
    });
    after(async () => {
      silence();
      await server?.stop();
      await replay?.close();
    });

    async function trader(cash: string) {
      const user = await registerUser(server);
      const { data } = await gql(server, `mutation { createPortfolio(input: { name: "Feed" }) { id } }`, {}, bearer(user.accessToken));
      await gql(server, `mutation ($p: ID!, $a: Decimal!) { deposit(portfolioId: $p, amount: $a) { id } }`, { p: data!.createPortfolio.id, a: cash }, bearer(user.accessToken));
      return { ...user, portfolioId: data!.createPortfolio.id as string };
    }
    const PLACE = `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { id status filledQuantity } }`;
    const place = (user: Awaited<ReturnType<typeof trader>>, input: Record<string, unknown>) => gql(server, PLACE, { i: { portfolioId: user.portfolioId, symbol: SYMBOL, ...input } }, bearer(user.accessToken));
    const book = async () => (await gql(server, `{ orderBook(symbol: "${SYMBOL}", depth: 5) { bids { price quantity } asks { price quantity } } }`)).data!.orderBook;
    const status = async () => (await gql(server, `{ marketDataStatus { symbol source stale halted lastUpdateAt } }`)).data!.marketDataStatus.find((s: { symbol: string }) => s.symbol === SYMBOL);
    const orderStatus = async (user: Awaited<ReturnType<typeof trader>>, id: string) => (await gql(server, `query ($id: ID!) { order(id: $id) { status } }`, { id }, bearer(user.accessToken))).data!.order.status;

    it("when the feed connects, then it subscribes to the ticker of the mapped product, and garbage frames are counted and ignored", async () => {
      await until("the subscription", () => replay.subscribers >= 1);
      expect(replay.received[0]).to.deep.equal({ type: "subscribe", product_ids: ["BTC-USD"], channels: ["ticker"] });
      replay.send({ type: "subscriptions", channels: [{ name: "ticker", product_ids: ["BTC-USD"] }] });
      for (const garbage of ["{not json", "[1,2]", ticker("BTC-USD", "96,500.00"), ticker("BTC-USD", 96500), ticker("BTC-USD", "-5"), { type: "ticker", product_id: "BTC-USD" }]) replay.send(garbage);
      replay.send(ticker("ETH-USD", "3000.00"));
      replay.send(ticker("BTC-USD", "96500.004"));
      // The tick is 0.01: the provider's price is rounded down to it.
      await until("the reference price", () => server.services.marketData.referencePrice(SYMBOL) === "96500");
      const stats = server.services.marketData.feedStats()!;
      expect(stats.invalid).to.equal(6);
      expect(stats.unmapped).to.equal(1);
      expect(stats.control).to.equal(1);
      expect(stats.updates).to.be.at.least(1);
    });

    it("when prices go silent, then the instrument is stale: market and stop orders are refused, limits rest, a waiting stop does not trigger, the maker's quotes are pulled and the status says so; when they resume, all is fresh again", async () => {
      fresh();
      await until("the maker's ladder", async () => {
        const b = await book();
        return b.bids.length >= 3 && b.asks.length >= 3;
      });
      expect(await status()).to.deep.include({ source: "coinbase", stale: false, halted: false });
      expect((await status()).lastUpdateAt).to.be.a("string");
      const [a, b] = [await trader("50000"), await trader("50000")];
      expect((await place(a, { side: "BUY", type: "MARKET", quantity: "0.02", timeInForce: "IOC" })).data!.placeOrder.status).to.equal("FILLED");
      const stop = (await place(a, { side: "SELL", type: "STOP", quantity: "0.01", stopPrice: "96000" })).data!.placeOrder;
      expect(stop.status).to.equal("PENDING_TRIGGER");

      const client = wsClient(server);
      const statuses = subscribe(client, `subscription { marketDataStatus { symbol source stale halted lastUpdateAt } }`);
      try {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const subscribesBefore = replay.received.length;
        silence();
        // Stale: announced to subscribers, and said by the query.
        let event: any;
        let seen = 0;
        do event = (await statuses.nth(++seen, 15_000)).marketDataStatus;
        while (event.symbol !== SYMBOL || !event.stale);
        expect(event).to.deep.include({ source: "coinbase", stale: true, halted: true });
        expect(await status()).to.deep.include({ stale: true, halted: true });
        // The maker's ladder is pulled (in sequence with the stale mark).
        await until("the ladder pulled", async () => {
          const empty = await book();
          return empty.bids.length === 0 && empty.asks.length === 0;
        });
        // New market and stop orders are refused with a reason a client can branch on.
        for (const input of [
          { side: "BUY", type: "MARKET", quantity: "0.01", timeInForce: "IOC" },
          { side: "SELL", type: "STOP", quantity: "0.01", stopPrice: "95000" },
          { side: "SELL", type: "TRAILING_STOP", quantity: "0.01", trailAmount: "100" },
        ]) {
          const refused = await place(a, input);
          expect(refused.errors?.[0].extensions, JSON.stringify(refused.errors)).to.deep.include({ code: "RISK_REJECTED", reason: "MARKET_DATA_STALE" });
        }
        // A limit order is accepted and rests.
        const bid = (await place(b, { side: "BUY", type: "LIMIT", quantity: "0.01", limitPrice: "95500" })).data!.placeOrder;
        expect(bid.status).to.equal("NEW");
        expect((await book()).bids).to.deep.equal([{ price: "95500", quantity: "0.01" }]);
        // A trade prints 95,500, through the waiting sell stop at 96,000: on a stale price it does not trigger.
        expect((await place(a, { side: "SELL", type: "LIMIT", quantity: "0.01", limitPrice: "95500" })).data!.placeOrder.status).to.equal("FILLED");
        expect(await orderStatus(a, stop.id)).to.equal("PENDING_TRIGGER");
        // The silent connection was dropped and made again, subscribing again.
        await until("a resubscription", () => replay.received.length > subscribesBefore && replay.subscribers >= 1);
        expect(replay.received.at(-1)).to.deep.equal({ type: "subscribe", product_ids: ["BTC-USD"], channels: ["ticker"] });

        // Prices resume: fresh, announced, the maker quotes again, market orders fill.
        fresh();
        do event = (await statuses.nth(++seen, 15_000)).marketDataStatus;
        while (event.symbol !== SYMBOL || event.stale);
        expect(event).to.deep.include({ stale: false, halted: false });
        expect(await status()).to.deep.include({ stale: false, halted: false });
        await until("the maker's ladder again", async () => {
          const again = await book();
          return again.bids.length >= 3 && again.asks.length >= 3;
        });
        // Quoting printed no trade: the stop still waits (a trade printed while stale never triggers it).
        expect(await orderStatus(a, stop.id)).to.equal("PENDING_TRIGGER");
        expect((await place(b, { side: "BUY", type: "MARKET", quantity: "0.01", timeInForce: "IOC" })).data!.placeOrder.status).to.equal("FILLED");
        // Both transitions are in the audit chain, in the sequence they happened.
        const audited = await server.database.dataSource.query(`SELECT event_type FROM audit_logs WHERE entity_id = $1 AND event_type LIKE 'market_data.%' ORDER BY seq`, [SYMBOL]);
        expect(audited.map((row: { event_type: string }) => row.event_type).slice(-2)).to.deep.equal(["market_data.stale", "market_data.fresh"]);
      } finally {
        statuses.dispose();
        await client.dispose();
      }
    });

    it("when the provider drops the connection, then the feed reconnects, subscribes again and prices flow", async () => {
      // The keep-alive's price would cover the one this test sends.
      silence();
      const before = replay.received.length;
      const connects = server.services.marketData.feedStats()!.connects;
      replay.dropAll();
      await until("a resubscription", () => replay.received.length > before && replay.subscribers >= 1);
      expect(server.services.marketData.feedStats()!.connects).to.be.above(connects);
      replay.send(ticker("BTC-USD", "96600.00"));
      await until("the new price", () => server.services.marketData.referencePrice(SYMBOL) === "96600");
    });
  });

  describe("Binance combined streams", () => {
    const SYMBOL = `BN${tag}`;
    let replay: Awaited<ReturnType<typeof startReplay>>;
    let server: RunningServer;

    before(async () => {
      replay = await startReplay();
      await listInstruments([SYMBOL]);
      server = await startTestServer({ MARKET_FEED: "binance", MARKET_FEED_URL: replay.url, MARKET_FEED_SYMBOLS: `${SYMBOL}=ETHUSDT`, MARKET_TIME_SCALE: "1" });
    });
    after(async () => {
      await server?.stop();
      await replay?.close();
    });

    it("when the feed connects, then it subscribes to the product's trade and bookTicker streams; trades and book tickers move the reference, garbage is ignored", async () => {
      await until("the subscription", () => replay.subscribers >= 1);
      expect(replay.received[0]).to.deep.equal({ method: "SUBSCRIBE", params: ["ethusdt@trade", "ethusdt@bookTicker"], id: 1 });
      replay.send({ result: null, id: 1 });
      replay.send({ stream: "ethusdt@trade", data: { e: "trade", E: Date.now(), s: "ETHUSDT", t: 1, p: "not a price", q: "1.00000000", T: Date.now(), m: true, M: true } });
      replay.send({ stream: "ethusdt@bookTicker", data: { u: 1, s: "ETHUSDT", b: "3001.00000000", B: "1.00000000", a: "3000.00000000", A: "1.00000000" } });
      replay.send({ stream: "ethusdt@trade", data: { e: "trade", E: Date.now(), s: "ETHUSDT", t: 2, p: "3000.12000000", q: "0.50000000", T: Date.now(), m: false, M: true } });
      await until("the trade's price", () => server.services.marketData.referencePrice(SYMBOL) === "3000.12");
      replay.send({ stream: "ethusdt@bookTicker", data: { u: 2, s: "ETHUSDT", b: "3000.10000000", B: "2.00000000", a: "3000.35000000", A: "3.00000000" } });
      // The middle, 3000.225, rounded down to the 0.01 tick.
      await until("the book's middle", () => server.services.marketData.referencePrice(SYMBOL) === "3000.22");
      const stats = server.services.marketData.feedStats()!;
      expect(stats).to.deep.include({ invalid: 2, control: 1, updates: 2 });
      const { data } = await gql(server, `{ marketDataStatus { symbol source stale halted } }`);
      expect(data!.marketDataStatus.find((s: { symbol: string }) => s.symbol === SYMBOL)).to.deep.equal({ symbol: SYMBOL, source: "binance", stale: false, halted: false });
    });
  });
});
