import { randomUUID } from "node:crypto";
import { expect } from "chai";
import Redis from "ioredis";
import { Session } from "../src/identity";
import { Role } from "../src/infra/auth";
import { parseFixed } from "../src/infra/fixed";
import { TransactionType } from "../src/portfolio";
import { decode, encode, type Reply } from "../src/trading/command-codec";
import { Client as PgClient } from "pg";
import type { RunningServer } from "../src/app/server";
import { bearer, codeOf, dropKeys, gql, registerUser, services, startTestServer } from "./helpers";

/**
 * One active sequencer, fenced: a sequencer whose lock is gone cannot commit, even with a
 * batch already under way, and steps down. ROLE=api forwards commands over Redis Streams.
 */
describe("sequencer fencing", () => {
  let sequencer: RunningServer;
  let api: RunningServer;
  let pg: PgClient;
  const prefix = `bgtest:${process.pid}:fence:`;

  before(async function () {
    if (!services.databaseUrl || !services.redisUrl) throw new Error("DATABASE_URL and REDIS_URL must be set: roles share PostgreSQL and Redis");
    sequencer = await startTestServer({ ROLE: "sequencer", REDIS_KEY_PREFIX: prefix, INSTANCE_NAME: "fence-seq" });
    await sequencer.sequencer!.activated;
    // A deposed sequencer leaves its commands to the next one; with none here, the api gives up after this.
    api = await startTestServer({ ROLE: "api", REDIS_KEY_PREFIX: prefix, INSTANCE_NAME: "fence-api", COMMAND_TIMEOUT_MS: "4000" });
    pg = new PgClient({ connectionString: services.databaseUrl });
    await pg.connect();
  });

  after(async () => {
    await api?.stop();
    await sequencer?.stop();
    await pg?.end();
    await dropKeys(services.redisUrl!, prefix);
  });

  it("when an api process forwards a deposit, then the sequencer applies it once and answers it as committed", async () => {
    const user = await registerUser(api);
    const portfolio = await gql(api, `mutation { createPortfolio(input: { name: "fenced" }) { id } }`, {}, bearer(user.accessToken));
    const id = portfolio.data!.createPortfolio.id;
    const deposit = await gql(api, `mutation ($p: ID!) { deposit(portfolioId: $p, amount: "1000.50") { totalAmount type createdAt } }`, { p: id }, bearer(user.accessToken));
    expect(deposit.errors, JSON.stringify(deposit.errors)).to.equal(undefined);
    expect(deposit.data!.deposit).to.deep.include({ type: "DEPOSIT", totalAmount: "1000.5" });
    expect(new Date(deposit.data!.deposit.createdAt).getTime()).to.be.greaterThan(0);
    const [{ cash }] = (await pg.query(`SELECT cash_balance::text AS cash FROM portfolios WHERE id = $1`, [id])).rows;
    expect(cash).to.match(/^1000\.50*$/);
  });

  it("when a command is delivered twice, then it is applied once and both deliveries get the same answer", async () => {
    const user = await registerUser(api);
    const portfolio = await gql(api, `mutation { createPortfolio(input: { name: "twice" }) { id } }`, {}, bearer(user.accessToken));
    const portfolioId = portfolio.data!.createPortfolio.id;
    const session = new Session({ kind: "user", userId: user.id, roles: [Role.TRADER], tokenId: "test", expiresAt: new Date(Date.now() + 60_000) }, "127.0.0.1");
    const body = encode({ kind: "cash", command: { session, userId: user.id, portfolioId, type: TransactionType.DEPOSIT, amount: parseFixed("3.25") } });
    const redis = new Redis(services.redisUrl!);
    const replyTo = `${prefix}seq:replies:test-${randomUUID()}`;
    const id = randomUUID();
    try {
      const answers: Reply[] = [];
      let last = "0-0";
      for (let delivery = 0; delivery < 2; delivery++) {
        // As a sequencer taking over after a crash between the commit and the acknowledgement sees it.
        await redis.xadd(`${prefix}seq:commands`, "*", "id", id, "replyTo", replyTo, "sentAt", String(Date.now()), "body", body);
        const read = (await redis.xread("BLOCK", 10_000, "STREAMS", replyTo, last)) as Array<[string, Array<[string, string[]]>]>;
        const [entryId, fields] = read[0][1][0];
        last = entryId;
        answers.push(decode<Reply>(fields[fields.indexOf("reply") + 1]));
      }
      expect(answers[0].ok, JSON.stringify(answers[0])).to.equal(true);
      expect(answers[1]).to.deep.equal(answers[0]);
      const { rows } = await pg.query(`SELECT count(*)::int AS n FROM transactions WHERE portfolio_id = $1`, [portfolioId]);
      expect(rows[0].n).to.equal(1);
      const [{ applied }] = (await pg.query(`SELECT applied FROM sequencer_commands WHERE id = $1`, [id])).rows;
      expect(applied).to.equal(true);
    } finally {
      redis.disconnect();
    }
  });

  it("when a command reaches the sequencer after its sender's timeout (the sender died), then it is refused and recorded, not applied", async () => {
    const user = await registerUser(api);
    const portfolio = await gql(api, `mutation { createPortfolio(input: { name: "late" }) { id } }`, {}, bearer(user.accessToken));
    const portfolioId = portfolio.data!.createPortfolio.id;
    const session = new Session({ kind: "user", userId: user.id, roles: [Role.TRADER], tokenId: "test", expiresAt: new Date(Date.now() + 60_000) }, "127.0.0.1");
    const body = encode({ kind: "cash", command: { session, userId: user.id, portfolioId, type: TransactionType.DEPOSIT, amount: parseFixed("9") } });
    const redis = new Redis(services.redisUrl!);
    const replyTo = `${prefix}seq:replies:test-${randomUUID()}`;
    const id = randomUUID();
    try {
      // Sent an hour ago by a process that is gone: nobody recorded a refusal for it.
      await redis.xadd(`${prefix}seq:commands`, "*", "id", id, "replyTo", replyTo, "sentAt", String(Date.now() - 3_600_000), "body", body);
      const read = (await redis.xread("BLOCK", 10_000, "STREAMS", replyTo, "0-0")) as Array<[string, Array<[string, string[]]>]>;
      const fields = read[0][1][0][1];
      const reply = decode<Reply>(fields[fields.indexOf("reply") + 1]);
      expect(reply).to.deep.include({ ok: false, code: "UNAVAILABLE" });
      const { rows } = await pg.query(`SELECT count(*)::int AS n FROM transactions WHERE portfolio_id = $1`, [portfolioId]);
      expect(rows[0].n).to.equal(0);
      const [{ applied }] = (await pg.query(`SELECT applied FROM sequencer_commands WHERE id = $1`, [id])).rows;
      expect(applied).to.equal(false);
    } finally {
      redis.disconnect();
    }
  });

  it("when an api process of another deployment (another prefix) sends a command, then no sequencer here sees it, and its caller hears UNAVAILABLE once a refusal is recorded", async () => {
    const other = await startTestServer({ ROLE: "api", REDIS_KEY_PREFIX: `${prefix}other:`, INSTANCE_NAME: "fence-other", COMMAND_TIMEOUT_MS: "300" });
    try {
      const user = await registerUser(other);
      const portfolio = await gql(other, `mutation { createPortfolio(input: { name: "elsewhere" }) { id } }`, {}, bearer(user.accessToken));
      const id = portfolio.data!.createPortfolio.id;
      const answer = await gql(other, `mutation ($p: ID!) { deposit(portfolioId: $p, amount: "5") { id } }`, { p: id }, bearer(user.accessToken));
      expect(codeOf(answer)).to.equal("UNAVAILABLE");
      expect(answer.errors![0].extensions!.retryAfter).to.be.a("number").greaterThan(0);
      const { rows } = await pg.query(`SELECT count(*)::int AS n FROM transactions WHERE portfolio_id = $1`, [id]);
      expect(rows[0].n).to.equal(0);
      // This deployment's sequencer still serves its own api.
      const mine = await gql(api, `mutation ($p: ID!) { deposit(portfolioId: $p, amount: "5") { id } }`, { p: id }, bearer(user.accessToken));
      expect(mine.errors).to.equal(undefined);
    } finally {
      await other.stop();
    }
  });

  it("when the lock's connection of a live sequencer is cut while a batch is under way and another takes the epoch, then that commit is refused, the sequencer steps down, and the caller hears UNAVAILABLE once it gives up (nothing applied)", async () => {
    const user = await registerUser(api);
    const portfolio = await gql(api, `mutation { createPortfolio(input: { name: "deposed" }) { id } }`, {}, bearer(user.accessToken));
    const id = portfolio.data!.createPortfolio.id;
    // A new leader bumps the epoch in a transaction that holds the row until it commits.
    const usurper = new PgClient({ connectionString: services.databaseUrl });
    await usurper.connect();
    try {
      await usurper.query(`BEGIN`);
      await usurper.query(`UPDATE sequencer_epoch SET epoch = epoch + 1 WHERE id = 1`);
      const pending = gql(api, `mutation ($p: ID!) { deposit(portfolioId: $p, amount: "77") { id } }`, { p: id }, bearer(user.accessToken));
      // The sequencer's batch is now waiting on the epoch row inside its transaction.
      for (;;) {
        const { rows } = await pg.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE sequencer_epoch SET epoch = epoch WHERE%'`);
        if (rows.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Cut only the lock's connection; the pool's connections, the batch's among them, live on.
      const lockPid = sequencer.sequencer!.lockPid!;
      const { rows: cut } = await pg.query(`SELECT pg_terminate_backend($1) AS cut`, [lockPid]);
      expect(cut[0].cut).to.equal(true);
      await usurper.query(`COMMIT`);
      await sequencer.sequencer!.deposed;
      const answer = await pending;
      expect(codeOf(answer)).to.equal("UNAVAILABLE");
      expect(answer.errors![0].extensions!.retryAfter).to.be.a("number").greaterThan(0);
      await sequencer.sequencer!.deposed;
      expect(sequencer.sequencer!.state).to.equal("deposed");
      const { rows } = await pg.query(`SELECT count(*)::int AS n FROM transactions WHERE portfolio_id = $1`, [id]);
      expect(rows[0].n).to.equal(0);
    } finally {
      await usurper.end();
    }
  });
});
