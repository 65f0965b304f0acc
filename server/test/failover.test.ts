import { expect } from "chai";
import Redis from "ioredis";
import { Client as PgClient } from "pg";
import { bearer, connected, dropKeys, gql, services, subscribe, tempDir, TEST_ENCRYPTION_KEYS, testAuditKeyFile, wsClient } from "./helpers";
import { committedBook, ledgerViolations } from "./ledger-invariants";
import { spawnServer } from "./processes";
import { topics } from "../src/infra/pubsub";

const PLACE = `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { id clientOrderId status } }`;

/**
 * Two sequencer processes and two api processes on loopback, sharing PostgreSQL and Redis under a
 * prefix of their own. The active sequencer is killed with SIGKILL: the standby takes the lock,
 * rebuilds from the journal and serves; a client of each api keeps its subscription; a command in
 * flight is applied once or refused UNAVAILABLE, never lost and never applied twice.
 */
describe("sequencer failover", () => {
  const children: Array<{ child: import("node:child_process").ChildProcess; exited: Promise<number | null> }> = [];
  const prefix = `bgfo:${process.pid}:${Date.now() % 1_000_000}:`;
  // Here rather than in the test's finally: a timed-out test must not leave servers behind.
  after(async () => {
    for (const p of children) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    await Promise.all(children.map((p) => p.exited));
    await dropKeys(services.redisUrl!, prefix);
  });

  it("when the active sequencer is killed with SIGKILL, then the standby serves, the api's subscribers keep receiving and every command is applied once or refused", async function () {
    if (!services.databaseUrl || !services.redisUrl) throw new Error("DATABASE_URL and REDIS_URL must be set: roles share PostgreSQL and Redis");
    this.timeout(180_000);
    const t0 = Date.now();
    const step = (what: string) => process.env.FAILOVER_DEBUG && console.log(`      ${Date.now() - t0} ms: ${what}`);
    const base = {
      NODE_ENV: "test",
      PORT: "0",
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      REDIS_KEY_PREFIX: prefix,
      BCRYPT_COST: "4",
      SEED_DEMO: "false",
      MARKET_FEED: "off",
      MARKET_MAKER: "false",
      ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
      JWT_SECRET: "dGVzdC1vbmx5LWp3dC1zZWNyZXQtbm90LWZvci1wcm9kdWN0aW9u",
      AUDIT_SIGNING_KEY_FILE: testAuditKeyFile(),
      KYC_UNVERIFIED_DEPOSIT_LIMIT: "1000000000",
      KYC_UNVERIFIED_TRADE_NOTIONAL: "1000000000",
      // Long enough for the standby to take over while a command waits.
      COMMAND_TIMEOUT_MS: "30000",
    };
    const sequencers = await Promise.all(
      ["failover-a", "failover-b"].map((name) =>
        spawnServer({ ...base, ROLE: "sequencer", INSTANCE_NAME: name, DATA_DIR: tempDir() }).then((p) => {
          children.push(p);
          return { name, ...p };
        }),
      ),
    );
    const [api, api2] = await Promise.all(
      ["failover-api-1", "failover-api-2"].map((name) =>
        spawnServer({ ...base, ROLE: "api", INSTANCE_NAME: name, DATA_DIR: tempDir() }).then((p) => {
          children.push(p);
          return p;
        }),
      ),
    );
      step("started");
    const pg = new PgClient({ connectionString: services.databaseUrl });
    await pg.connect();
    const clients: Array<ReturnType<typeof wsClient>> = [];
    try {
      const registered = await gql(api, `mutation ($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }`, {
        i: { email: `failover-${process.pid}-${Date.now()}@example.com`, password: "Correct-Horse-Battery-Staple-9", firstName: "F", lastName: "O" },
      });
      const token = registered.data!.register.accessToken as string;
      const portfolioId = (await gql(api, `mutation { createPortfolio(input: { name: "failover" }) { id } }`, {}, bearer(token))).data!.createPortfolio.id as string;
      // The first command waits for whichever sequencer takes the lock first.
      const deposit = await gql(api, `mutation ($p: ID!) { deposit(portfolioId: $p, amount: "10000000") { id } }`, { p: portfolioId }, bearer(token));
      expect(deposit.errors, JSON.stringify(deposit.errors)).to.equal(undefined);

      step("deposited");
      // A subscriber on each api process.
      const subscriptions = [];
      for (const server of [api, api2]) {
        const client = wsClient(server, { connectionParams: { authorization: `Bearer ${token}` } });
        clients.push(client);
        await connected(client);
        subscriptions.push(subscribe(client, `subscription ($p: ID) { orderUpdates(portfolioId: $p) { order { clientOrderId status } } }`, { p: portfolioId }));
      }
      // graphql-ws answers no acknowledgement: wait until both api processes' Redis SUBSCRIBEs are in place.
      const userId = registered.data!.register.user.id as string;
      await untilSubscribed(services.redisUrl!, `${prefix}${topics.orders(userId)}`, 2);
      const order = (clientOrderId: string) => ({ portfolioId, symbol: "AAPL", side: "BUY", type: "LIMIT", limitPrice: "215", quantity: "1", clientOrderId });
      const first = await gql(api, PLACE, { i: order("before") }, bearer(token));
      expect(first.errors, JSON.stringify(first.errors)).to.equal(undefined);
      for (const updates of subscriptions) expect((await updates.nth(1)).orderUpdates.order.clientOrderId).to.equal("before");

      step("first order seen");
      // Load through both api processes while the active sequencer dies: every order is
      // acknowledged (then committed exactly once) or refused UNAVAILABLE (then never applied).
      const acknowledged = new Set<string>(["before"]);
      const refused = new Set<string>();
      let loading = true;
      let sent = 0;
      const worker = async (server: { url: string }, n: number) => {
        for (let k = 0; loading; k++) {
          const id = `load-${n}-${k}`;
          sent++;
          const answer = await gql(server, PLACE, { i: order(id) }, bearer(token));
          if (answer.errors === undefined) acknowledged.add(id);
          else if (answer.errors[0].extensions?.code === "UNAVAILABLE") refused.add(id);
          else throw new Error(`${id}: ${JSON.stringify(answer.errors)}`);
        }
      };
      const workers = [0, 1, 2, 3].map((n) => worker(n % 2 === 0 ? api : api2, n));
      while (sent < 20) await new Promise((resolve) => setTimeout(resolve, 10));

      const [{ holder }] = (await pg.query(`SELECT holder FROM sequencer_epoch WHERE id = 1`)).rows;
      const active = sequencers.find((s) => s.name === holder)!;
      const standby = sequencers.find((s) => s.name !== holder)!;
      expect(active, `active sequencer ${holder}`).to.not.equal(undefined);
      active.child.kill("SIGKILL");
      await active.exited;
      const killedAt = Date.now();

      step("killed");
      // Through the other api process, retried while the standby is not serving yet.
      let after = await gql(api2, PLACE, { i: order("after") }, bearer(token));
      while (after.errors?.[0]?.extensions?.code === "UNAVAILABLE") after = await gql(api2, PLACE, { i: order("after") }, bearer(token));
      expect(after.errors, JSON.stringify(after.errors)).to.equal(undefined);
      const failoverMs = Date.now() - killedAt;
      acknowledged.add("after");
      const sentBefore = sent;
      while (sent < sentBefore + 20) await new Promise((resolve) => setTimeout(resolve, 10));
      loading = false;
      await Promise.all(workers);
      step(`after acknowledged; ${acknowledged.size} acknowledged, ${refused.size} refused`);

      for (const updates of subscriptions) {
        const seen: string[] = [];
        for (let n = 2; !seen.includes("after"); n++) seen.push((await updates.nth(n, 60_000)).orderUpdates.order.clientOrderId);
        expect(seen.filter((id) => refused.has(id)), "updates of refused orders").to.deep.equal([]);
      }

      step("updates seen");
      const counts = await pg.query(`SELECT client_order_id AS id, count(*)::int AS n FROM orders WHERE portfolio_id = $1 GROUP BY client_order_id`, [portfolioId]);
      const byId = new Map<string, number>(counts.rows.map((row) => [row.id, row.n]));
      expect([...acknowledged].filter((id) => byId.get(id) !== 1), "acknowledged orders not committed exactly once").to.deep.equal([]);
      expect([...refused].filter((id) => byId.has(id)), "refused orders that were applied").to.deep.equal([]);
      expect([...byId.keys()].filter((id) => !acknowledged.has(id)), "orders committed but never acknowledged").to.deep.equal([]);
      expect(await ledgerViolations((sql, params) => pg.query(sql, params as unknown[]).then((r) => r.rows), [portfolioId])).to.deep.equal({ cash: [], positions: [], reservedCash: [], reservedQuantity: [] });
      // The standby's rebuilt book, read through the api, equals the open orders as committed.
      const book = (await gql(api, `{ orderBook(symbol: "AAPL", depth: 100) { bids { price quantity orderCount } asks { price quantity orderCount } } }`)).data!.orderBook;
      expect(book).to.deep.equal(await committedBook((sql, params) => pg.query(sql, params as unknown[]).then((r) => r.rows), "AAPL"));
      const [{ holder: now }] = (await pg.query(`SELECT holder FROM sequencer_epoch WHERE id = 1`)).rows;
      expect(now).to.equal(standby.name);
      console.log(`      failover: ${failoverMs} ms from SIGKILL to an order acknowledged through the other api; under load ${acknowledged.size} acknowledged, ${refused.size} refused UNAVAILABLE`);
      for (const updates of subscriptions) updates.dispose();
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
      await pg.end();
    }
  });
});

/** Resolves once `channel` has at least `count` subscribers (PUBSUB NUMSUB). */
async function untilSubscribed(url: string, channel: string, count: number): Promise<void> {
  const redis = new Redis(url);
  try {
    for (;;) {
      const [, subscribers] = (await redis.pubsub("NUMSUB", channel)) as [string, number];
      if (Number(subscribers) >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    redis.disconnect();
  }
}
