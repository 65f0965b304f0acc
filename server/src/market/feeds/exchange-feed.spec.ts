import { once } from "node:events";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { WebSocketServer } from "ws";
import { createLogger } from "../../infra/logger";
import type { PriceTick } from "../price-feed";
import { ExchangeFeed } from "./exchange-feed";
import { coinbase } from "./frames";

const log = createLogger("silent");
const ticker = (price: string) => JSON.stringify({ type: "ticker", product_id: "BTC-USD", price, time: new Date().toISOString() });

async function until(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe("exchange feed connection", () => {
  it("when the provider is down, then the feed retries with growing delays, and once it is up subscribes and prices flow, rounded down to the tick", async () => {
    const port = await freePort();
    const ticks: PriceTick[] = [];
    const feed = new ExchangeFeed(coinbase, [{ symbol: "BTC-USD", product: "BTC-USD", tickSize: "0.5" }], { url: `ws://127.0.0.1:${port}`, minBackoffMs: 20, maxBackoffMs: 200, idleTimeoutMs: 5_000 }, log);
    const startedAt = Date.now();
    feed.start((tick) => ticks.push(tick));
    try {
      await until("four attempts", () => feed.stats.connects >= 4);
      // 20, 40, 80 ms (±20%) between the first four attempts: at least 0.8 * 140 ms.
      expect(Date.now() - startedAt).to.be.at.least(110);
      const wss = new WebSocketServer({ host: "127.0.0.1", port });
      await once(wss, "listening");
      const [socket] = (await once(wss, "connection")) as [import("ws").WebSocket];
      const [subscribe] = await once(socket, "message");
      expect(JSON.parse(String(subscribe))).to.deep.equal({ type: "subscribe", product_ids: ["BTC-USD"], channels: ["ticker"] });
      socket.send(ticker("96500.74"));
      await until("a price", () => ticks.length === 1);
      expect(ticks[0]).to.deep.include({ symbol: "BTC-USD", price: "96500.5" });
      feed.stop();
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
    } finally {
      feed.stop();
    }
  });

  it("when the provider sends a binary frame or an oversized one, then it is counted, the connection is made again and prices still flow", async () => {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await once(wss, "listening");
    const ticks: PriceTick[] = [];
    const subscribes: string[] = [];
    wss.on("connection", (socket) => socket.on("message", (data) => subscribes.push(String(data))));
    const feed = new ExchangeFeed(coinbase, [{ symbol: "BTC-USD", product: "BTC-USD", tickSize: "0.01" }], { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, minBackoffMs: 20, idleTimeoutMs: 5_000 }, log);
    feed.start((tick) => ticks.push(tick));
    const broadcast = (data: string | Buffer) => wss.clients.forEach((client) => client.send(data));
    try {
      await until("the subscription", () => subscribes.length === 1);
      broadcast(Buffer.from([0, 1, 2]));
      await until("the binary frame counted", () => feed.stats.invalid === 1);
      broadcast("x".repeat(70 * 1024));
      // Over the 64 KiB limit: ws closes the connection; the feed makes it again and subscribes.
      await until("a new subscription", () => subscribes.length === 2 && wss.clients.size === 1);
      broadcast(ticker("100.01"));
      await until("a price", () => ticks.length === 1);
      expect(ticks[0].price).to.equal("100.01");
      expect(feed.stats.connects).to.equal(2);
    } finally {
      feed.stop();
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
    }
  });

  it("when the connection goes silent, then it is dropped after the idle timeout and made again", async () => {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await once(wss, "listening");
    let connections = 0;
    wss.on("connection", () => connections++);
    const feed = new ExchangeFeed(coinbase, [{ symbol: "BTC-USD", product: "BTC-USD", tickSize: "0.01" }], { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, minBackoffMs: 20, idleTimeoutMs: 150 }, log);
    feed.start(() => {});
    try {
      await until("a second connection", () => connections >= 2);
      expect(feed.stats.connects).to.be.at.least(2);
    } finally {
      feed.stop();
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
    }
  });
});
