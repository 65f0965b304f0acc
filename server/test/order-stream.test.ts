import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { parseFixed } from "../src/infra/fixed";
import { loadConfig } from "../src/config";
import { createLogger } from "../src/infra/logger";
import { createPubSub, type OrderEvent, topics } from "../src/infra/pubsub";
import { bearer, clearBook, codeOf, gql, registerUser, startTestServer, subscribe, type TestUser, testEnv, wsClient } from "./helpers";

const UPDATES = `subscription ($after: String, $p: ID) { orderUpdates(afterSequence: $after, portfolioId: $p) { sequence order { id status filledQuantity portfolioId } fill { id price quantity } } }`;
const PLACE = `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { id status } }`;

interface Trader extends TestUser {
  portfolioId: string;
}

interface Update {
  sequence: string;
  order: { id: string; status: string; filledQuantity: string; portfolioId: string };
  fill: { id: string; price: string; quantity: string } | null;
}

describe("resumable order stream: orderUpdates(afterSequence:)", () => {
  let server: RunningServer;
  let alice: Trader;
  let bob: Trader;

  async function trader(cash: string): Promise<Trader> {
    const user = await registerUser(server);
    const { data } = await gql(server, `mutation { createPortfolio(input: { name: "Stream" }) { id } }`, {}, bearer(user.accessToken));
    const portfolioId = data!.createPortfolio.id;
    await gql(server, `mutation ($p: ID!, $a: Decimal!) { deposit(portfolioId: $p, amount: $a) { id } }`, { p: portfolioId, a: cash }, bearer(user.accessToken));
    return { ...user, portfolioId };
  }

  async function place(who: Trader, input: Record<string, unknown>): Promise<{ id: string; status: string }> {
    const response = await gql(server, PLACE, { i: { portfolioId: who.portfolioId, symbol: "AAPL", timeInForce: "GTC", type: "LIMIT", ...input } }, bearer(who.accessToken));
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data!.placeOrder;
  }

  /** A buy of alice's that bob's sell fills at once: three events for alice (accepted, filled) and one for bob. */
  async function trade(quantity = "1") {
    await place(alice, { side: "BUY", quantity, limitPrice: "100" });
    await place(bob, { side: "SELL", quantity, limitPrice: "100" });
  }

  const lastSequence = async (who: TestUser): Promise<bigint> => {
    const [{ last }] = await server.database.dataSource.query(`SELECT COALESCE(max(sequence), 0)::text AS last FROM order_events WHERE user_id = $1`, [who.id]);
    return BigInt(last);
  };

  const open = (who: TestUser, variables: Record<string, unknown>) => {
    const client = wsClient(server, { connectionParams: { authorization: `Bearer ${who.accessToken}` } });
    const sub = subscribe<{ orderUpdates: Update }>(client, UPDATES, variables);
    return {
      sub,
      updates: () => sub.events.map((event) => event.orderUpdates),
      /** Waits until the stream has delivered `sequence`. */
      async until(sequence: bigint): Promise<Update[]> {
        for (let n = 1; ; n++) {
          const update = (await sub.nth(n)).orderUpdates;
          if (BigInt(update.sequence) >= sequence) return sub.events.map((event) => event.orderUpdates);
        }
      },
      async close() {
        sub.dispose();
        await client.dispose();
      },
    };
  };

  /** Live subscriptions start when Redis acknowledges them: an order placed until the stream shows one proves it is live. */
  async function live(stream: ReturnType<typeof open>) {
    while (stream.sub.events.length === 0) {
      await place(alice, { side: "BUY", quantity: "1", limitPrice: "1" });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  before(async () => {
    server = await startTestServer({ TRADING_FEES_BPS: "*:10/20", MAX_ORDER_NOTIONAL: "50000", RATE_LIMIT_CAPACITY: "100000", PRICE_BAND_BPS: "10000" });
    alice = await trader("100000");
    bob = await trader("100000");
    await server.pubsub.publish(topics.quotes("AAPL"), { symbol: "AAPL", bid: null, ask: null, last: "100", timestamp: new Date().toISOString() });
    while (server.services.marketData.lastPrice("AAPL") !== "100") await new Promise((resolve) => setTimeout(resolve, 5));
    await server.services.ledger.applyFill({ portfolioId: bob.portfolioId, userId: bob.id, symbol: "AAPL", assetName: "AAPL", side: "BUY", quantity: parseFixed("1000"), price: parseFixed("90"), fee: 0n, reference: { seed: "test" } });
  });
  after(() => server?.stop());
  beforeEach(() => clearBook(server, "AAPL"));

  it("when orders change, then each of the user's events carries the next sequence of that user, from 1, with no gap", async () => {
    const stream = open(alice, {});
    try {
      await live(stream);
      await trade();
      const last = await lastSequence(alice);
      const updates = await stream.until(last);
      const sequences = updates.map((update) => BigInt(update.sequence));
      expect(sequences.at(-1)).to.equal(last);
      sequences.forEach((sequence, i) => i > 0 && expect(sequence).to.equal(sequences[i - 1] + 1n));
      const [{ first }] = await server.database.dataSource.query(`SELECT min(sequence)::text AS first FROM order_events WHERE user_id = $1`, [alice.id]);
      expect(first).to.equal("1");
      expect(updates.at(-1)!.fill).to.deep.include({ price: "100", quantity: "1" });
    } finally {
      await stream.close();
    }
  });

  it("when a client disconnects while orders fill and resumes with afterSequence, then it receives exactly what it missed, in order, then live events", async () => {
    // A witness stays connected throughout: what the resumed client receives must equal what it saw.
    const witness = open(alice, {});
    const first = open(alice, {});
    try {
      await live(witness);
      await live(first);
      const seen = first.updates();
      const resumeFrom = seen.at(-1)!.sequence;
      await first.close();
      for (let i = 0; i < 3; i++) await trade();
      const cancelled = await place(alice, { side: "BUY", quantity: "2", limitPrice: "50" });
      await gql(server, `mutation ($id: ID!) { cancelOrder(id: $id) { id } }`, { id: cancelled.id }, bearer(alice.accessToken));
      const missedUntil = await lastSequence(alice);
      const resumed = open(alice, { after: resumeFrom });
      try {
        const replayed = await resumed.until(missedUntil);
        const expected = (await witness.until(missedUntil)).filter((update) => BigInt(update.sequence) > BigInt(resumeFrom));
        expect(replayed).to.deep.equal(expected);
        expect(replayed.map((update) => update.sequence)).to.deep.equal(expected.map((_, i) => String(BigInt(resumeFrom) + 1n + BigInt(i))));
        expect(replayed.some((update) => update.order.id === cancelled.id && update.order.status === "CANCELLED")).to.equal(true);
        // Then live: the next event follows without a gap.
        await place(alice, { side: "BUY", quantity: "1", limitPrice: "2" });
        const next = await resumed.sub.nth(replayed.length + 1);
        expect(next.orderUpdates.sequence).to.equal(String(missedUntil + 1n));
      } finally {
        await resumed.close();
      }
    } finally {
      await witness.close();
    }
  });

  it("when a client resumes while orders keep filling, then the seam between replay and live has no gap and no duplicate", async () => {
    const after = await lastSequence(alice);
    for (let i = 0; i < 3; i++) await trade();
    // Orders commit while the resumed subscription is set up and replays.
    const burst = Promise.all(Array.from({ length: 12 }, () => trade()));
    const resumed = open(alice, { after: String(after) });
    try {
      await burst;
      const end = await lastSequence(alice);
      const updates = await resumed.until(end);
      expect(updates.map((update) => update.sequence)).to.deep.equal(Array.from({ length: Number(end - after) }, (_, i) => String(after + 1n + BigInt(i))));
    } finally {
      await resumed.close();
    }
  });

  it("when a stream of one portfolio resumes, then only that portfolio's events come, and another user's never do", async () => {
    const other = await gql(server, `mutation { createPortfolio(input: { name: "Second" }) { id } }`, {}, bearer(alice.accessToken));
    const second = { ...alice, portfolioId: other.data!.createPortfolio.id as string };
    await gql(server, `mutation ($p: ID!, $a: Decimal!) { deposit(portfolioId: $p, amount: $a) { id } }`, { p: second.portfolioId, a: "1000" }, bearer(alice.accessToken));
    const after = await lastSequence(alice);
    await place(second, { side: "BUY", quantity: "1", limitPrice: "3" });
    await trade();
    const end = await lastSequence(alice);
    const mine = open(alice, { after: String(after), p: alice.portfolioId });
    const bobs = open(bob, { after: "0" });
    try {
      const updates = await mine.until(end);
      expect(updates.length).to.be.greaterThan(0);
      expect(updates.every((update) => update.order.portfolioId === alice.portfolioId)).to.equal(true);
      const bobUpdates = await bobs.until(await lastSequence(bob));
      expect(bobUpdates.every((update) => update.order.portfolioId === bob.portfolioId)).to.equal(true);
      expect(bobUpdates.map((update) => update.sequence)[0]).to.equal("1");
      // Bob cannot follow Alice's portfolio, with or without a resume point.
      const spy = open(bob, { after: "0", p: alice.portfolioId });
      expect(codeOf({ errors: (await spy.sub.failed()) as Array<{ extensions?: Record<string, unknown> }> })).to.equal("NOT_FOUND");
      await spy.close();
    } finally {
      await mine.close();
      await bobs.close();
    }
  });

  it("when afterSequence is forged, negative, huge or beyond the caller's last event, then the subscription fails with BAD_USER_INPUT", async () => {
    const beyond = String((await lastSequence(alice)) + 1n);
    for (const after of ["", "-1", "abc", "1e3", "1.5", " 1", "99999999999999999999", "9223372036854775808", "9223372036854775807", beyond]) {
      const stream = open(alice, { after });
      const errors = (await stream.sub.failed()) as Array<{ extensions?: Record<string, unknown> }>;
      expect(codeOf({ errors }), `afterSequence ${JSON.stringify(after)}`).to.equal("BAD_USER_INPUT");
      await stream.close();
    }
  });

  it("when the missed events are older than the retention, then the subscription fails with CONFLICT SEQUENCE_EXPIRED, and resuming from the last event still works", async () => {
    await trade();
    const last = await lastSequence(alice);
    // Eight days on: everything is past the 7-day retention but each user's last event.
    await server.services.trading.pruneOrderEvents(new Date(Date.now() + 8 * 86_400_000));
    const expired = open(alice, { after: "1" });
    const errors = (await expired.sub.failed()) as Array<{ message: string; extensions?: Record<string, unknown> }>;
    expect(errors[0].extensions).to.deep.include({ code: "CONFLICT", reason: "SEQUENCE_EXPIRED", retentionDays: 7 });
    expect(errors[0].message).to.contain("reconcile with orders and fills");
    await expired.close();
    const fresh = open(alice, { after: String(last) });
    try {
      await place(alice, { side: "BUY", quantity: "1", limitPrice: "4" });
      expect((await fresh.sub.nth(1)).orderUpdates.sequence).to.equal(String(last + 1n));
    } finally {
      await fresh.close();
    }
  });

  it("when a batch's commit fails, then its numbers were never issued: the next event takes the same sequence, and the stream shows no gap", async () => {
    const stream = open(alice, {});
    const name = `refuse_order_events_${process.pid}`;
    const db = server.database.dataSource;
    try {
      await live(stream);
      const last = await lastSequence(alice);
      await db.query(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$`);
      await db.query(`CREATE TRIGGER ${name} BEFORE INSERT ON order_events FOR EACH ROW WHEN (NEW.user_id = '${alice.id}') EXECUTE FUNCTION ${name}()`);
      const refused = await gql(server, PLACE, { i: { portfolioId: alice.portfolioId, symbol: "AAPL", timeInForce: "GTC", type: "LIMIT", side: "BUY", quantity: "1", limitPrice: "6" } }, bearer(alice.accessToken));
      expect(codeOf(refused)).to.equal("INTERNAL_SERVER_ERROR");
      await db.query(`DROP TRIGGER ${name} ON order_events`);
      await place(alice, { side: "BUY", quantity: "1", limitPrice: "7" });
      expect(await lastSequence(alice)).to.equal(last + 1n);
      const updates = await stream.until(last + 1n);
      expect(updates.at(-1)!.order.status).to.equal("NEW");
      const sequences = updates.map((update) => BigInt(update.sequence));
      sequences.forEach((sequence, i) => i > 0 && expect(sequence).to.equal(sequences[i - 1] + 1n));
    } finally {
      await db.query(`DROP TRIGGER IF EXISTS ${name} ON order_events`);
      await db.query(`DROP FUNCTION IF EXISTS ${name}()`);
      await stream.close();
    }
  });

  it("when the sequencer restarts, then each user's counter is recovered from the journal and no sequence is issued twice", async () => {
    const last = await lastSequence(alice);
    await server.stop();
    server = await startTestServer({ TRADING_FEES_BPS: "*:10/20", MAX_ORDER_NOTIONAL: "50000", RATE_LIMIT_CAPACITY: "100000", PRICE_BAND_BPS: "10000" });
    await server.pubsub.publish(topics.quotes("AAPL"), { symbol: "AAPL", bid: null, ask: null, last: "100", timestamp: new Date().toISOString() });
    while (server.services.marketData.lastPrice("AAPL") !== "100") await new Promise((resolve) => setTimeout(resolve, 5));
    await place(alice, { side: "BUY", quantity: "1", limitPrice: "5" });
    const rows = await server.database.dataSource.query(`SELECT sequence::text FROM order_events WHERE user_id = $1 AND sequence > $2 ORDER BY sequence`, [alice.id, String(last)]);
    expect(rows.map((row: { sequence: string }) => row.sequence)).to.deep.equal([String(last + 1n)]);
  });
});

for (const backend of ["redis", "memory"] as const) {
  describe(`PubSub.listen with ${backend} pub/sub`, () => {
    it("when listen resolves, then an event published at once is delivered, buffered until read, and return() ends the stream", async () => {
      const config = loadConfig(testEnv(backend === "memory" ? { REDIS_URL: undefined } : {}));
      const pubsub = createPubSub(config, createLogger("silent"));
      try {
        expect(pubsub.kind).to.equal(backend);
        const event = (sequence: string): OrderEvent => ({ userId: "u", portfolioId: "p", orderId: "o", fillId: null, sequence, order: {}, fill: null });
        const stream = await pubsub.listen([topics.orders("u")]);
        // No retry loop: the subscription is in place once listen resolves.
        await pubsub.publish(topics.orders("u"), event("1"));
        await pubsub.publish(topics.orders("u"), event("2"));
        expect((await stream.next()).value.sequence).to.equal("1");
        expect((await stream.next()).value.sequence).to.equal("2");
        const pending = stream.next();
        await stream.return!();
        expect(await pending).to.deep.equal({ done: true, value: undefined });
        expect((await stream.next()).done).to.equal(true);
      } finally {
        await pubsub.close();
      }
    });
  });
}
