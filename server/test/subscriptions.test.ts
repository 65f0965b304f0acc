import { expect } from "chai";
import Redis from "ioredis";
import type { RunningServer } from "../src/app/server";
import { topics, type QuoteEvent } from "../src/infra/pubsub";
import { services, startTestServer, subscribe, wsClient } from "./helpers";

const QUOTES = `subscription ($symbols: [String!]!) { quotes(symbols: $symbols) { symbol bid ask last timestamp } }`;

const quote = (symbol: string, last: string): QuoteEvent => ({
  symbol,
  bid: "227.49",
  ask: "227.51",
  last,
  timestamp: "2026-11-24T10:00:00.000Z",
});

/** Publishes until the subscription has seen an event: the server's SUBSCRIBE may still be in flight. */
async function publishUntilReceived(publish: () => Promise<unknown>, received: () => boolean): Promise<void> {
  while (!received()) {
    await publish();
    await new Promise((resolve) => setImmediate(resolve));
    if (!received()) await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

for (const backend of ["redis", "memory"] as const) {
  describe(`subscriptions over graphql-ws with ${backend} pub/sub`, () => {
    let server: RunningServer;
    before(async function () {
      if (backend === "redis" && !services.redisUrl) {
        throw new Error("REDIS_URL is not set: the Redis pub/sub suite needs a real Redis");
      }
      server = await startTestServer(backend === "memory" ? { REDIS_URL: undefined } : {});
      expect(server.pubsub.kind).to.equal(backend);
    });
    after(() => server?.stop());

    it("when an event is published on quotes.<symbol>, then the subscriber receives it shaped as a Quote", async () => {
      const client = wsClient(server);
      const sub = subscribe(client, QUOTES, { symbols: ["AAPL"] });
      let publishViaRedis: Redis | undefined;
      try {
        // With Redis the event goes in through a separate connection, so it really crosses Redis.
        publishViaRedis = backend === "redis" ? new Redis(services.redisUrl!) : undefined;
        const publish = () =>
          publishViaRedis
            ? publishViaRedis.publish(server.config.redis.kind === "redis" ? server.config.redis.keyPrefix + topics.quotes("AAPL") : "", JSON.stringify(quote("AAPL", "227.50")))
            : server.pubsub.publish(topics.quotes("AAPL"), quote("AAPL", "227.50"));
        await publishUntilReceived(publish, () => sub.events.length > 0);
        expect(await sub.nth(1)).to.deep.equal({
          quotes: { symbol: "AAPL", bid: "227.49", ask: "227.51", last: "227.5", timestamp: "2026-11-24T10:00:00.000Z" },
        });
      } finally {
        sub.dispose();
        publishViaRedis?.disconnect();
        await client.dispose();
      }
    });

    it("when events arrive for other symbols, then only the subscribed ones are delivered, in order", async () => {
      const client = wsClient(server);
      const sub = subscribe(client, QUOTES, { symbols: ["MSFT", "NVDA"] });
      try {
        await publishUntilReceived(
          () => server.pubsub.publish(topics.quotes("MSFT"), quote("MSFT", "415.00")),
          () => sub.events.length > 0,
        );
        const seen = sub.events.length;
        await server.pubsub.publish(topics.quotes("AAPL"), quote("AAPL", "1.00"));
        await server.pubsub.publish(topics.quotes("NVDA"), quote("NVDA", "142.81"));
        await server.pubsub.publish(topics.quotes("MSFT"), quote("MSFT", "415.02"));
        const next = [await sub.nth(seen + 1), await sub.nth(seen + 2)].map((e: any) => e.quotes.symbol + "@" + e.quotes.last);
        expect(next).to.deep.equal(["NVDA@142.81", "MSFT@415.02"]);
      } finally {
        sub.dispose();
        await client.dispose();
      }
    });

    it("when many clients watch a symbol with different selections, then each receives the one event in its own shape, and nobody else receives it", async () => {
      const clients = [wsClient(server), wsClient(server), wsClient(server), wsClient(server)];
      const full = subscribe(clients[0], QUOTES, { symbols: ["TGLD"] });
      const sameAsFull = subscribe(clients[1], QUOTES, { symbols: ["TGLD"] });
      const lastOnly = subscribe(clients[2], `subscription { quotes(symbols: ["TGLD"]) { last } }`);
      const other = subscribe(clients[3], QUOTES, { symbols: ["TBILL"] });
      const subs = [full, sameAsFull, lastOnly];
      try {
        await publishUntilReceived(
          () => server.pubsub.publish(topics.quotes("TGLD"), quote("TGLD", "85.20")),
          () => subs.every((sub) => sub.events.length > 0),
        );
        const seen = subs.map((sub) => sub.events.length);
        await server.pubsub.publish(topics.quotes("TGLD"), quote("TGLD", "85.21"));
        const [a, b, c] = await Promise.all(subs.map((sub, i) => sub.nth(seen[i] + 1)));
        expect(a).to.deep.equal({ quotes: { symbol: "TGLD", bid: "227.49", ask: "227.51", last: "85.21", timestamp: "2026-11-24T10:00:00.000Z" } });
        expect(b).to.deep.equal(a);
        expect(c).to.deep.equal({ quotes: { last: "85.21" } });
        // The other symbol's subscriber receives its own symbol's event first, and never TGLD's.
        await publishUntilReceived(
          () => server.pubsub.publish(topics.quotes("TBILL"), quote("TBILL", "100.0125")),
          () => other.events.length > 0,
        );
        expect(other.events.every((event: any) => event.quotes.symbol === "TBILL")).to.equal(true);
      } finally {
        for (const sub of [...subs, other]) sub.dispose();
        await Promise.all(clients.map((client) => client.dispose()));
      }
    });

    it("when a subscription names an unknown symbol, then it fails with BAD_USER_INPUT naming it", async () => {
      const client = wsClient(server);
      const sub = subscribe(client, QUOTES, { symbols: ["AAPL", "NOPE"] });
      try {
        const errors = (await sub.failed()) as Array<{ message: string; extensions: { code: string } }>;
        expect(errors[0].extensions.code).to.equal("BAD_USER_INPUT");
        expect(errors[0].message).to.contain("NOPE");
      } finally {
        sub.dispose();
        await client.dispose();
      }
    });

    it("when subscriptions open and close, then graphql_active_subscriptions follows", async () => {
      const gauge = async () => {
        const text = await (await fetch(`${server.url}/metrics`)).text();
        return Number(/^graphql_active_subscriptions (\d+)$/m.exec(text)![1]);
      };
      const before = await gauge();
      const client = wsClient(server);
      const sub = subscribe(client, QUOTES, { symbols: ["AMZN"] });
      await publishUntilReceived(
        () => server.pubsub.publish(topics.quotes("AMZN"), quote("AMZN", "198.40")),
        () => sub.events.length > 0,
      );
      expect(await gauge()).to.equal(before + 1);
      await client.dispose();
      // The socket close reaches the server asynchronously; wait for the gauge, not a clock.
      while ((await gauge()) !== before) await new Promise((resolve) => setTimeout(resolve, 20));
    });
  });
}
