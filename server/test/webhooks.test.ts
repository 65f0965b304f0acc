import { createHmac } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { REPO_ROOT } from "../src/config";
import { FieldCipher } from "../src/infra/crypto/field-cipher";
import { createLogger } from "../src/infra/logger";
import { topics } from "../src/infra/pubsub";
import { WebhookDispatcher } from "../src/webhooks";
import { bearer, codeOf, gql, registerUser, startTestServer, TEST_ENCRYPTION_KEYS, type TestUser } from "./helpers";

const CREATE = `mutation ($u: String!, $e: [WebhookEvent!]!) { createWebhook(url: $u, events: $e) { secret webhook { id url events createdAt lastDeliveryAt lastStatus } } }`;
const WEBHOOKS = `{ webhooks { id url events lastDeliveryAt lastStatus } }`;
const DEPOSIT = `mutation ($p: ID!, $a: Decimal!) { deposit(portfolioId: $p, amount: $a) { id } }`;
const PLACE = `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { id status } }`;

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A partner's endpoint on this machine: records every request and answers what the test scripts (200 by default). */
class Receiver {
  readonly requests: Received[] = [];
  readonly answers: Array<{ status: number; headers?: Record<string, string> }> = [];
  private waiters: Array<() => void> = [];
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      this.requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const answer = this.answers.shift() ?? { status: 200 };
      res.writeHead(answer.status, answer.headers).end("ok");
      for (const wake of this.waiters.splice(0)) wake();
    });
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** Resolves once `count` requests have arrived (an event, not a sleep). */
  async received(count: number): Promise<Received[]> {
    while (this.requests.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.requests.slice(0, count);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The Node verifier the partner guide publishes, run as written (so the documented example cannot rot). */
function documentedVerifier(): (rawBody: string, header: string, secret: string) => boolean {
  const guide = fs.readFileSync(path.join(REPO_ROOT, "docs", "partners.md"), "utf8");
  const section = guide.slice(guide.indexOf("### Verifying a delivery (Node)"));
  const code = /```js\n([\s\S]*?)```/.exec(section)![1];
  const module = { exports: {} as Record<string, unknown> };
  new Function("require", "module", `${code}\nmodule.exports.verify = verifyBlockGuardian;`)(require, module);
  return module.exports.verify as (rawBody: string, header: string, secret: string) => boolean;
}

/** The partner's side, written from the documented scheme alone (not the server's code). */
function verify(secret: string, header: string, body: string): boolean {
  const parts = Object.fromEntries(header.split(",").map((part) => part.split("=") as [string, string]));
  const expected = createHmac("sha256", secret).update(`${parts.t}.${body}`).digest("hex");
  return parts.v1 === expected && Math.abs(Date.now() / 1000 - Number(parts.t)) < 300;
}

describe("webhooks", () => {
  let server: RunningServer;
  let receiver: Receiver;

  async function customer(): Promise<TestUser & { portfolioId: string }> {
    const user = await registerUser(server);
    const { data } = await gql(server, `mutation { createPortfolio(input: { name: "Hooks" }) { id } }`, {}, bearer(user.accessToken));
    return { ...user, portfolioId: data!.createPortfolio.id };
  }

  async function hook(user: TestUser, url: string, events: string[]) {
    const response = await gql(server, CREATE, { u: url, e: events }, bearer(user.accessToken));
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data!.createWebhook as { secret: string; webhook: { id: string } };
  }

  const deposit = async (user: TestUser & { portfolioId: string }, amount: string) => {
    const response = await gql(server, DEPOSIT, { p: user.portfolioId, a: amount }, bearer(user.accessToken));
    if (response.errors) throw new Error(JSON.stringify(response.errors));
  };

  /** The webhook's delivery once its success is recorded (the receiver answers before the record is written). */
  async function deliveredRow(webhookId: string) {
    for (;;) {
      const [row] = await server.database.dataSource.query(`SELECT attempts, delivered_at, last_status FROM webhook_deliveries WHERE webhook_id = $1`, [webhookId]);
      if (row?.delivered_at) return row;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  before(async () => {
    server = await startTestServer({ WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_RETRY_BASE_MS: "200", WEBHOOK_POLL_INTERVAL_MS: "50" });
    receiver = await new Receiver().start();
  });
  after(async () => {
    await server?.stop();
    await receiver?.close();
  });

  it("when a deposit is made, then the receiver gets a signed TRANSACTION delivery it can verify, and the webhook shows the status", async () => {
    const alice = await customer();
    const created = await hook(alice, receiver.url, ["TRANSACTION"]);
    expect(created.secret).to.match(/^whsec_/);
    const [stored] = await server.database.dataSource.query(`SELECT secret_encrypted FROM webhooks WHERE id = $1`, [created.webhook.id]);
    expect(stored.secret_encrypted).not.to.contain(created.secret);
    const before = receiver.requests.length;
    await deposit(alice, "250.5");
    const [request] = (await receiver.received(before + 1)).slice(before);
    expect(verify(created.secret, String(request.headers["blockguardian-signature"]), request.body)).to.equal(true);
    expect(verify("whsec_wrong", String(request.headers["blockguardian-signature"]), request.body)).to.equal(false);
    const documented = documentedVerifier();
    expect(documented(request.body, String(request.headers["blockguardian-signature"]), created.secret)).to.equal(true);
    expect(documented(request.body.replace("250.5", "950.5"), String(request.headers["blockguardian-signature"]), created.secret)).to.equal(false);
    const body = JSON.parse(request.body);
    expect(body.type).to.equal("TRANSACTION");
    expect(body.id).to.equal(request.headers["blockguardian-delivery"]);
    expect(body.data.transaction).to.include({ portfolioId: alice.portfolioId, type: "DEPOSIT", totalAmount: "250.5", status: "COMPLETED" });
    let listed = (await gql(server, WEBHOOKS, {}, bearer(alice.accessToken))).data!.webhooks;
    await deliveredRow(created.webhook.id);
    listed = (await gql(server, WEBHOOKS, {}, bearer(alice.accessToken))).data!.webhooks;
    expect(listed[0]).to.include({ id: created.webhook.id, lastStatus: 200 });
    expect(JSON.stringify(listed)).not.to.contain(created.secret);
  });

  it("when the receiver answers 500, then the delivery is retried with the same delivery id and body until it is accepted", async () => {
    const bob = await customer();
    const created = await hook(bob, receiver.url, ["TRANSACTION"]);
    const before = receiver.requests.length;
    receiver.answers.push({ status: 500 });
    await deposit(bob, "10");
    const [first, second] = (await receiver.received(before + 2)).slice(before);
    expect(second.headers["blockguardian-delivery"]).to.equal(first.headers["blockguardian-delivery"]);
    expect(second.body).to.equal(first.body);
    expect(verify(created.secret, String(second.headers["blockguardian-signature"]), second.body)).to.equal(true);
    const [row] = await server.database.dataSource.query(`SELECT attempts, last_status FROM webhook_deliveries WHERE id = $1`, [first.headers["blockguardian-delivery"]]);
    expect(row.attempts).to.equal(2);
  });

  it("when orders are placed and fill, then ORDER_UPDATED and FILL deliveries reach the trader's webhook", async () => {
    const buyer = await customer();
    const seller = await customer();
    await deposit(buyer, "10000");
    await server.database.dataSource.query(
      `INSERT INTO positions (portfolio_id, symbol, quantity, average_cost) VALUES ($1, 'MSFT', 5, 100) ON CONFLICT DO NOTHING`,
      [seller.portfolioId],
    );
    await server.services.trading.idle();
    await hook(buyer, receiver.url, ["ORDER_UPDATED", "FILL"]);
    // Trade at the reference, whatever it is (the database may be shared with other suites' trades).
    if (server.services.marketData.lastPrice("MSFT") === null) {
      await server.pubsub.publish(topics.quotes("MSFT"), { symbol: "MSFT", bid: null, ask: null, last: "100", timestamp: new Date().toISOString() });
      while (server.services.marketData.lastPrice("MSFT") !== "100") await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const price = server.services.marketData.lastPrice("MSFT")!;
    const before = receiver.requests.length;
    const sell = await gql(server, PLACE, { i: { portfolioId: seller.portfolioId, symbol: "MSFT", side: "SELL", type: "LIMIT", quantity: "1", limitPrice: price, timeInForce: "GTC" } }, bearer(seller.accessToken));
    expect(sell.errors, JSON.stringify(sell.errors)).to.equal(undefined);
    const buy = await gql(server, PLACE, { i: { portfolioId: buyer.portfolioId, symbol: "MSFT", side: "BUY", type: "LIMIT", quantity: "1", limitPrice: price, timeInForce: "GTC" } }, bearer(buyer.accessToken));
    expect(buy.errors, JSON.stringify(buy.errors)).to.equal(undefined);
    expect(buy.data!.placeOrder.status).to.equal("FILLED");
    const bodies = (await receiver.received(before + 2)).slice(before).map((r) => JSON.parse(r.body));
    const types = bodies.map((b) => b.type).sort();
    expect(types).to.deep.equal(["FILL", "ORDER_UPDATED"]);
    const order = bodies.find((b) => b.type === "ORDER_UPDATED").data.order;
    expect(order).to.include({ id: buy.data!.placeOrder.id, status: "FILLED", filledQuantity: "1" });
    expect(order).not.to.have.property("userId");
    expect(bodies.find((b) => b.type === "FILL").data.fill).to.include({ orderId: buy.data!.placeOrder.id, quantity: "1", portfolioId: buyer.portfolioId });
    // The seller has no webhook: nothing of theirs was sent anywhere.
    expect(JSON.stringify(bodies)).not.to.contain(sell.data!.placeOrder.id);
  });

  it("when the receiver redirects, then the redirect is not followed and the delivery is retried to the registered URL", async () => {
    const target = await new Receiver().start();
    try {
      const carol = await customer();
      const created = await hook(carol, receiver.url, ["TRANSACTION"]);
      const before = receiver.requests.length;
      receiver.answers.push({ status: 307, headers: { location: target.url } });
      await deposit(carol, "5");
      await receiver.received(before + 2); // the redirect, then the retry (answered 200)
      expect(target.requests).to.have.length(0);
      const row = await deliveredRow(created.webhook.id);
      expect(row.attempts).to.equal(2);
      expect(target.requests).to.have.length(0);
    } finally {
      await target.close();
    }
  });

  it("when private destinations are not allowed, then loopback, private, link-local and mapped addresses and plain http are refused, at creation and at delivery", async () => {
    const strict = await startTestServer();
    try {
      const dave = await registerUser(strict);
      for (const url of [receiver.url, "https://127.0.0.1/x", "https://localhost/x", "https://10.1.2.3/", "https://169.254.169.254/latest", "https://[::1]/", "https://[::ffff:127.0.0.1]/", "https://[fe80::1]/", "https://[fd00::1]/"]) {
        const response = await gql(strict, CREATE, { u: url, e: ["TRANSACTION"] }, bearer(dave.accessToken));
        expect(codeOf(response), url).to.equal("BAD_USER_INPUT");
      }
      // A webhook accepted earlier (when its host resolved publicly) is judged again at each delivery.
      const erin = await customer();
      const created = await hook(erin, receiver.url, ["TRANSACTION"]);
      await server.services.webhookDispatcher.stop();
      try {
        const before = receiver.requests.length;
        await deposit(erin, "7");
        const strictDispatcher = new WebhookDispatcher(server.database.dataSource, FieldCipher.fromKeyRing(TEST_ENCRYPTION_KEYS), { allowPrivate: false, timeoutMs: 1000, retryBaseMs: 200, pollIntervalMs: 50 }, createLogger("silent"));
        expect(await strictDispatcher.runOnce()).to.be.greaterThan(0);
        const [row] = await server.database.dataSource.query(`SELECT last_error, delivered_at FROM webhook_deliveries WHERE webhook_id = $1`, [created.webhook.id]);
        expect(row.last_error).to.match(/destination refused/);
        expect(row.delivered_at).to.equal(null);
        expect(receiver.requests.length).to.equal(before);
      } finally {
        await gql(server, `mutation ($id: ID!) { deleteWebhook(id: $id) }`, { id: created.webhook.id }, bearer(erin.accessToken));
        server.services.webhookDispatcher.start();
      }
    } finally {
      await strict.stop();
    }
  });

  it("when two dispatchers run at once, then each delivery is sent once", async () => {
    const frank = await customer();
    const created = await hook(frank, receiver.url, ["TRANSACTION"]);
    await server.services.webhookDispatcher.stop();
    try {
      const before = receiver.requests.length;
      for (let i = 0; i < 30; i++) await deposit(frank, "1");
      const options = { allowPrivate: true, timeoutMs: 5000, retryBaseMs: 10_000, pollIntervalMs: 50 };
      const cipher = FieldCipher.fromKeyRing(TEST_ENCRYPTION_KEYS);
      const one = new WebhookDispatcher(server.database.dataSource, cipher, options, createLogger("silent"));
      const two = new WebhookDispatcher(server.database.dataSource, cipher, options, createLogger("silent"));
      await Promise.all([one.drain(), two.drain(), one.drain(), two.drain()]);
      const ids = receiver.requests.slice(before).map((r) => r.headers["blockguardian-delivery"]);
      expect(ids).to.have.length(30);
      expect(new Set(ids).size).to.equal(30);
      const [count] = await server.database.dataSource.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1 AND delivered_at IS NOT NULL`, [created.webhook.id]);
      expect(count.n).to.equal(30);
    } finally {
      server.services.webhookDispatcher.start();
    }
  });

  it("when a customer is flagged by AML monitoring, then their webhooks hear only of their own deposits, never of the alert", async () => {
    const gina = await customer();
    await hook(gina, receiver.url, ["ORDER_UPDATED", "FILL", "TRANSACTION", "KYC_DECIDED"]);
    const before = receiver.requests.length;
    await deposit(gina, "9500");
    await deposit(gina, "9800");
    await deposit(gina, "100");
    await server.services.compliance.aml.sweep();
    const [flagged] = await server.database.dataSource.query(`SELECT count(*)::int AS n FROM suspicious_activities WHERE user_id = $1`, [gina.id]);
    expect(flagged.n).to.be.greaterThan(0);
    const bodies = (await receiver.received(before + 3)).slice(before).map((r) => r.body);
    await server.services.webhookDispatcher.drain();
    const all = receiver.requests.slice(before).map((r) => JSON.parse(r.body));
    expect(all.map((b) => b.type)).to.deep.equal(["TRANSACTION", "TRANSACTION", "TRANSACTION"]);
    expect(bodies.join("\n")).not.to.match(/structuring|suspicious|alert|risk|sar|case/i);
    const [pending] = await server.database.dataSource.query(
      `SELECT count(*)::int AS n FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE w.user_id = $1 AND d.event <> 'TRANSACTION'`,
      [gina.id],
    );
    expect(pending.n).to.equal(0);
  });

  it("when a webhook is deleted, then it is gone, and another user cannot delete it", async () => {
    const hank = await customer();
    const ivy = await customer();
    const created = await hook(hank, receiver.url, ["FILL"]);
    expect(codeOf(await gql(server, `mutation ($id: ID!) { deleteWebhook(id: $id) }`, { id: created.webhook.id }, bearer(ivy.accessToken)))).to.equal("NOT_FOUND");
    expect((await gql(server, `mutation ($id: ID!) { deleteWebhook(id: $id) }`, { id: created.webhook.id }, bearer(hank.accessToken))).data!.deleteWebhook).to.equal(true);
    expect((await gql(server, WEBHOOKS, {}, bearer(hank.accessToken))).data!.webhooks).to.deep.equal([]);
  });
});
