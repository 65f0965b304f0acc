import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { expect } from "chai";
import Redis from "ioredis";
import { Client as PgClient } from "pg";
import { topics } from "../src/infra/pubsub";
import { services, subscribe, tempDir, wsClient } from "./helpers";
import { DisposableRedis, freePort, SERVER_ROOT, spawnServer } from "./processes";

const QUOTES = `subscription { quotes(symbols: ["AAPL"]) { symbol last } }`;
const event = (last: string) =>
  JSON.stringify({ symbol: "AAPL", bid: null, ask: null, last, timestamp: "2026-11-24T10:00:00.000Z" });

describe("process lifecycle", () => {
  it("when SIGTERM reaches a server with open subscriptions, then subscribers get a close, connections are released and it exits 0 within 5 s", async function () {
    if (!services.databaseUrl || !services.redisUrl) throw new Error("DATABASE_URL and REDIS_URL must be set for this test");
    this.timeout(60_000);
    const instance = `bg-shutdown-${process.pid}-${Date.now()}`;
    const server = await spawnServer({
      NODE_ENV: "test",
      PORT: "0",
      DATA_DIR: tempDir(),
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      INSTANCE_NAME: instance,
      REDIS_KEY_PREFIX: `bgstop:${process.pid}:`,
      SEED_DEMO: "false",
      BCRYPT_COST: "4",
      MARKET_FEED: "off",
    });
    const closes: number[] = [];
    const client = wsClient(server, { on: { closed: (e) => closes.push((e as { code: number }).code) } });
    const sub = subscribe(client, QUOTES);
    const redis = new Redis(services.redisUrl);
    const pg = new PgClient({ connectionString: services.databaseUrl });
    await pg.connect();
    try {
      while (sub.events.length === 0) {
        await redis.publish(`bgstop:${process.pid}:${topics.quotes("AAPL")}`, event("227.50"));
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const sessions = async () =>
        Number((await pg.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", [instance])).rows[0].count);
      const redisClients = async () => ((await redis.client("LIST")) as string).split("\n").filter((line) => line.includes(`name=${instance}:`)).length;
      expect(await sessions()).to.be.greaterThan(0);
      expect(await redisClients()).to.equal(3);

      server.child.kill("SIGTERM");
      const code = await Promise.race([
        server.exited,
        new Promise((_, reject) => setTimeout(() => reject(new Error("did not exit within 5 s")), 5_000)),
      ]);
      expect(code).to.equal(0);
      expect(closes).to.deep.equal([1001]);
      expect(await sessions()).to.equal(0);
      expect(await redisClients()).to.equal(0);
    } finally {
      server.child.kill("SIGKILL");
      sub.dispose();
      await client.dispose();
      redis.disconnect();
      await pg.end();
    }
  });

  it("when Ctrl-C reaches `npm start` (the terminal signals the whole group, npm forwards it again), then the server drains once and exits 0", async function () {
    if (!services.databaseUrl || !services.redisUrl) throw new Error("DATABASE_URL and REDIS_URL must be set for this test");
    this.timeout(60_000);
    // The supervisor leads its own process group, as a shell's foreground job does.
    const supervisor = spawn(process.execPath, [path.join(SERVER_ROOT, "test/fixtures/supervisor.mjs")], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "test",
        PORT: "0",
        LOG_LEVEL: "info",
        DATA_DIR: tempDir(),
        DATABASE_URL: services.databaseUrl,
        REDIS_URL: services.redisUrl,
        REDIS_KEY_PREFIX: `bgint:${process.pid}:`,
        SEED_DEMO: "false",
        BCRYPT_COST: "4",
        MARKET_FEED: "off",
      },
    });
    const messages: string[] = [];
    const waiters: Array<() => void> = [];
    const logged = (msg: string) => new Promise<void>((resolve) => (messages.includes(msg) ? resolve() : waiters.push(() => messages.includes(msg) && resolve())));
    const exited = new Promise<number | null>((resolve) => supervisor.once("exit", (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        readline.createInterface({ input: supervisor.stdout! }).on("line", (line) => {
          if (!line.startsWith("{")) return;
          const msg = (JSON.parse(line) as { msg: string }).msg;
          messages.push(msg);
          waiters.forEach((wake) => wake());
          if (msg === "listening") resolve();
        });
        exited.then((code) => reject(new Error(`exited with ${code} before listening`)));
      });
      process.kill(-supervisor.pid!, "SIGINT"); // the terminal's Ctrl-C, to the foreground group
      // npm's run-script forwards the same signal a moment later (pending signals would merge).
      await Promise.race([logged("signal received"), exited]);
      process.kill(supervisor.pid!, "SIGINT");
      expect(await exited).to.equal(0);
      expect(messages).to.include("stopped");
      expect(messages).not.to.include("second signal: exiting at once");
    } finally {
      if (supervisor.exitCode === null) process.kill(-supervisor.pid!, "SIGKILL");
    }
  });

  it("when Redis restarts under an open subscription, then the server reconnects and the subscriber keeps receiving events", async function () {
    this.timeout(60_000);
    const redisServer = new DisposableRedis(await freePort());
    await redisServer.start();
    const server = await spawnServer({
      NODE_ENV: "test",
      PORT: "0",
      DATA_DIR: tempDir(),
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: redisServer.url,
      REDIS_KEY_PREFIX: "bg-restart:",
      SEED_DEMO: "false",
      BCRYPT_COST: "4",
      MARKET_FEED: "off",
    });
    const client = wsClient(server);
    const sub = subscribe(client, QUOTES);
    // Publishes until the subscriber has seen `count` events: the server's SUBSCRIBE (first, and
    // again after the restart) may still be in flight, and PUBLISH's receiver count cannot tell,
    // since the server's market data already listens on the channel.
    const publishUntilDelivered = async (last: string, count: number) => {
      const publisher = new Redis(redisServer.url, { maxRetriesPerRequest: null });
      try {
        while (sub.events.length < count) {
          await publisher.publish(`bg-restart:${topics.quotes("AAPL")}`, event(last));
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        publisher.disconnect();
      }
    };
    try {
      await publishUntilDelivered("1.00", 1);
      expect((await sub.nth(1)).quotes.last).to.equal("1");

      await redisServer.kill();
      const ready = async () => (await fetch(`${server.url}/readyz`)).status;
      while ((await ready()) !== 503) await new Promise((resolve) => setTimeout(resolve, 20));
      await redisServer.start();

      const before = sub.events.length;
      await publishUntilDelivered("2.00", before + 1);
      expect((await sub.nth(before + 1)).quotes.last).to.equal("2");
      while ((await ready()) !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      sub.dispose();
      await client.dispose();
      server.child.kill("SIGKILL");
      await redisServer.kill();
    }
  });
});
