import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { Role, SYSTEM_EMAIL_DOMAIN } from "../src/identity";
import { bearer, codeOf, gql, grantRole, registerUser, startTestServer, type TestUser } from "./helpers";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const WINDOW_DAYS = 30;
const ORDINARY = 220;

const PROFILE = `userId windowDays anomalyScore explanation computedAt features { name value zScore }`;
const BEHAVIOUR = `query ($u: ID!, $w: Int) { customerBehaviour(userId: $u, windowDays: $w) { ${PROFILE} } }`;

/** A small deterministic generator (mulberry32): the same population on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Movement {
  user: number;
  type: "DEPOSIT" | "WITHDRAWAL" | "BUY" | "SELL";
  amount: number;
  symbol: string | null;
  at: number;
}

const SYMBOLS = ["BTC", "ETH", "AAPL", "MSFT", "DAX", "SPY", "GLD"];

/**
 * Ordinary customers: a few deposits of varied size at daytime hours, trading within a day or
 * two, sometimes a withdrawal of part of it later; a few night owls, a few large depositors,
 * one deposit of 9,500 now and then. Times are offsets (ms) from the window's start.
 */
function ordinaryActivity(user: number, next: () => number): Movement[] {
  const out: Movement[] = [];
  const daytime = (day: number) => day * DAY + (next() < 0.08 ? next() * 6 : 7 + next() * 15) * HOUR;
  const deposits = 1 + Math.floor(next() * 4);
  let deposited = 0;
  let firstDeposit = Infinity;
  for (let i = 0; i < deposits; i++) {
    const amount = next() < 0.03 ? 9_500 : Math.round(100 * Math.exp(next() * Math.log(60)));
    const at = daytime(Math.floor(next() * 25));
    out.push({ user, type: "DEPOSIT", amount, symbol: null, at });
    deposited += amount;
    firstDeposit = Math.min(firstDeposit, at);
  }
  const trades = 2 + Math.floor(next() * 20);
  const instruments = 1 + Math.floor(next() * 4);
  let at = firstDeposit + (0.2 + next() * 40) * HOUR;
  for (let i = 0; i < trades; i++) {
    const notional = Math.round((deposited * (0.05 + next() * 0.2)) / trades) + 1;
    out.push({ user, type: i % 2 === 0 ? "BUY" : "SELL", amount: notional, symbol: SYMBOLS[(user + i) % instruments], at });
    at += next() * 20 * HOUR;
  }
  if (next() < 0.3) out.push({ user, type: "WITHDRAWAL", amount: Math.round(deposited * (0.1 + next() * 0.4)), symbol: null, at: firstDeposit + (3 + next() * 20) * DAY });
  return out.filter((m) => m.at < WINDOW_DAYS * DAY);
}

/** The structurer: fourteen cash deposits just under the 10,000 USD threshold, each withdrawn within hours, no trading, at night. */
function structurerActivity(user: number, next: () => number): Movement[] {
  const out: Movement[] = [];
  for (let day = 2; day < 16; day++) {
    const at = day * DAY + (1 + next() * 3) * HOUR;
    const amount = 9_100 + Math.round(next() * 850);
    out.push({ user, type: "DEPOSIT", amount, symbol: null, at });
    out.push({ user, type: "WITHDRAWAL", amount: amount - 50, symbol: null, at: at + (2 + next() * 10) * HOUR });
  }
  return out;
}

describe("behaviour: features, robust scores and the AML behaviour rule", () => {
  let server: RunningServer;
  let officer: TestUser;
  let admin: TestUser;
  let trader: TestUser;
  /** The window's end: a 30-day slot of the past that no other run or test writes into. */
  let end: Date;
  let ids: string[];
  let structurer: string;
  let systemAccount: string;
  let moves: Movement[];

  const query = (sql: string, params?: unknown[]) => server.database.dataSource.query(sql, params);

  /** Seeds users, one portfolio each and their ledger rows straight into the portfolio feature's tables (fast, and timed in the past). */
  async function seed(): Promise<void> {
    const run = `${process.pid}-${Date.now()}`;
    const emails = [...Array.from({ length: ORDINARY + 1 }, (_, i) => `behaviour-${run}-${i}@example.com`), `behaviour-desk-${run}@${SYSTEM_EMAIL_DOMAIN}`];
    const users: Array<{ id: string; email: string }> = await query(
      `INSERT INTO users (email, password_hash, first_name, last_name, kyc_status) SELECT e, 'x', 'Seeded', 'Customer', 'VERIFIED' FROM unnest($1::text[]) e RETURNING id, email`,
      [emails],
    );
    const byEmail = new Map(users.map((u) => [u.email, u.id]));
    ids = emails.map((e) => byEmail.get(e)!);
    structurer = ids[ORDINARY];
    systemAccount = ids[ORDINARY + 1];
    const portfolios: Array<{ id: string; user_id: string }> = await query(`INSERT INTO portfolios (user_id, name) SELECT u, 'seeded' FROM unnest($1::uuid[]) u RETURNING id, user_id`, [ids]);
    const portfolioOf = new Map(portfolios.map((p) => [p.user_id, p.id]));

    const next = random(20_241_128);
    moves = [...Array.from({ length: ORDINARY }, (_, i) => ordinaryActivity(i, next)).flat(), ...structurerActivity(ORDINARY, next)];
    // The system account (a desk like the market maker) moves more than anyone, around the clock: never a customer, never scored.
    for (let i = 0; i < 40; i++) moves.push({ user: ORDINARY + 1, type: i % 2 ? "WITHDRAWAL" : "DEPOSIT", amount: 9_900, symbol: null, at: i * 17 * HOUR });
    const start = end.getTime() - WINDOW_DAYS * DAY;
    await query(
      `INSERT INTO transactions (user_id, portfolio_id, transaction_id, transaction_type, asset_symbol, quantity, price, total_amount, status, created_at)
       SELECT u, p, 'TX-BEH-' || $7 || '-' || n, t, s, CASE WHEN s IS NULL THEN NULL ELSE 1 END, CASE WHEN s IS NULL THEN NULL ELSE a END, a, 'COMPLETED', at
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::numeric[], $6::timestamptz[]) WITH ORDINALITY AS x(u, p, t, s, a, at, n)`,
      [
        moves.map((m) => ids[m.user]),
        moves.map((m) => portfolioOf.get(ids[m.user])),
        moves.map((m) => m.type),
        moves.map((m) => m.symbol),
        moves.map((m) => m.amount.toFixed(2)),
        moves.map((m) => new Date(start + m.at)),
        run,
      ],
    );
    // The journal stays consistent: cash is the signed sum of the portfolio's completed transactions.
    await query(
      `UPDATE portfolios p SET cash_balance = s.cash FROM (
         SELECT portfolio_id, sum(CASE transaction_type WHEN 'DEPOSIT' THEN total_amount WHEN 'SELL' THEN total_amount ELSE -total_amount END) AS cash
           FROM transactions WHERE portfolio_id = ANY($1::uuid[]) GROUP BY portfolio_id) s
        WHERE p.id = s.portfolio_id`,
      [portfolios.map((p) => p.id)],
    );
  }

  before(async () => {
    server = await startTestServer({ AML_SWEEP_INTERVAL_MS: "0", AML_BEHAVIOUR_WINDOW_DAYS: String(WINDOW_DAYS), RATE_LIMIT_CAPACITY: "100000", RATE_LIMIT_RESTORE_PER_SECOND: "100000" });
    officer = await registerUser(server, { firstName: "Olive", lastName: "Officer" });
    await grantRole(server, officer.email, Role.COMPLIANCE_OFFICER);
    admin = await registerUser(server, { firstName: "Ada", lastName: "Admin" });
    await grantRole(server, admin.email, Role.ADMIN);
    trader = await registerUser(server);
    // A 30-day slot between 1975 and 2019 chosen by the minute: reruns on the same database do not share a population.
    end = new Date(Date.UTC(1975, 0, 1) + (40 + (Math.floor(Date.now() / 60_000) % 400) * 40) * DAY);
    await seed();
  });
  after(() => server?.stop());

  it("when a structurer hides among 220 ordinary customers, then it ranks first and the explanation names the deposits just under the threshold", async () => {
    const population = await server.services.behaviour.population(WINDOW_DAYS, end);
    expect(population).to.have.length(ORDINARY + 1);
    expect(population.map((p) => p.userId)).to.not.include(systemAccount);
    const [first, second] = population;
    expect(first.userId).to.equal(structurer);
    expect(first.anomalyScore).to.be.greaterThan(second.anomalyScore);
    const named = first.explanation.map((line) => line.match(/\(([a-zA-Z]+):/)?.[1]);
    expect(named).to.include("depositsJustUnderThreshold");
    expect(named).to.include("withdrawnSoonShare");
    const justUnder = first.features.find((f) => f.name === "depositsJustUnderThreshold")!;
    expect(justUnder.value).to.equal(14);
    expect(justUnder.zScore).to.be.greaterThan(10);
    expect(first.features.find((f) => f.name === "withdrawnSoonShare")!.value).to.be.closeTo(0.99, 0.01);
    expect(first.features.find((f) => f.name === "nightShare")!.value).to.be.at.least(0.5);
  });

  it("when the population is aggregated by the database, then every customer's features equal the definitions applied to what was seeded", async () => {
    const population = await server.services.behaviour.population(WINDOW_DAYS, end);
    const start = end.getTime() - WINDOW_DAYS * DAY;
    for (let user = 0; user <= ORDINARY; user++) {
      const own = moves.filter((m) => m.user === user).sort((a, b) => a.at - b.at);
      const of = (type: Movement["type"]) => own.filter((m) => m.type === type);
      const total = (list: Movement[]) => list.reduce((sum, m) => sum + m.amount, 0);
      const deposits = of("DEPOSIT");
      const trades = own.filter((m) => m.type === "BUY" || m.type === "SELL");
      const soon = of("WITHDRAWAL").filter((w) => {
        const last = deposits.filter((d) => d.at <= w.at).at(-1);
        return last !== undefined && w.at - last.at <= 48 * HOUR;
      });
      const firstDeposit = deposits[0]?.at;
      const firstTrade = trades.find((t) => firstDeposit !== undefined && t.at >= firstDeposit)?.at;
      const expected = {
        depositCount: deposits.length,
        depositAmount: total(deposits),
        depositsJustUnderThreshold: deposits.filter((d) => d.amount >= 9_000 && d.amount <= 10_000).length,
        withdrawalCount: of("WITHDRAWAL").length,
        withdrawalAmount: total(of("WITHDRAWAL")),
        withdrawnSoonShare: deposits.length ? Math.min(1, total(soon) / total(deposits)) : 0,
        tradeCount: trades.length,
        tradeNotional: total(trades),
        distinctInstruments: new Set(trades.map((t) => t.symbol)).size,
        nightShare: own.filter((m) => new Date(start + m.at).getUTCHours() < 6).length / own.length,
        hoursDepositToFirstTrade: firstDeposit === undefined ? 0 : firstTrade === undefined ? WINDOW_DAYS * 24 : (firstTrade - firstDeposit) / HOUR,
      };
      const profile = population.find((p) => p.userId === ids[user])!;
      const actual = Object.fromEntries(profile.features.map((f) => [f.name, f.value]));
      for (const [name, value] of Object.entries(expected)) expect(actual[name], `${name} of customer ${user}`).to.be.closeTo(value, 1e-6);
    }
  });

  it("when a system account's profile is asked for, then it is described but never scored", async () => {
    const profile = await server.services.behaviour.profile(systemAccount, WINDOW_DAYS, end);
    expect(profile.anomalyScore).to.equal(0);
    expect(profile.features.every((f) => f.zScore === null)).to.equal(true);
    expect(profile.features.find((f) => f.name === "depositCount")!.value).to.equal(20);
    expect(profile.explanation).to.deep.equal(["A system account (internal), not a customer: not scored."]);
  });

  it("when the AML behaviour rule runs, then it opens a case for the structurer and for none of the ordinary customers", async () => {
    const flagged = await server.services.compliance.aml.behaviourAlerts(end);
    expect(flagged).to.equal(1);
    const cases: Array<{ user_id: string; rule: string; status: string; description: string }> = await query(
      `SELECT user_id, rule, status, description FROM suspicious_activities WHERE user_id = ANY($1::uuid[])`,
      [ids],
    );
    expect(cases.map((c) => [c.user_id, c.rule, c.status])).to.deep.equal([[structurer, "BEHAVIOURAL_ANOMALY", "OPEN"]]);
    expect(cases[0].description).to.include("depositsJustUnderThreshold");
    // The same day again: the alert is not repeated.
    expect(await server.services.compliance.aml.behaviourAlerts(end)).to.equal(1);
    expect(await query(`SELECT count(*)::int AS n FROM case_alerts a JOIN suspicious_activities s ON s.id = a.case_id WHERE s.user_id = $1`, [structurer])).to.deep.equal([{ n: 1 }]);
  });

  it("when an officer or an admin asks for a customer's behaviour, then they get the profile and the look is audited; a trader is refused", async () => {
    for (const who of [officer, admin]) {
      const response = await gql(server, BEHAVIOUR, { u: structurer, w: 7 }, bearer(who.accessToken));
      expect(response.errors).to.equal(undefined);
      const profile = response.data!.customerBehaviour;
      expect(profile.userId).to.equal(structurer);
      expect(profile.windowDays).to.equal(7);
      expect(profile.features.map((f: { name: string }) => f.name)).to.include.members(["depositCount", "withdrawnSoonShare", "nightShare", "hoursDepositToFirstTrade"]);
      // Nothing of the seeded past falls into the last seven days.
      expect(profile.features.find((f: { name: string }) => f.name === "depositCount").value).to.equal(0);
    }
    const audited = await query(`SELECT user_id FROM audit_logs WHERE event_type = 'compliance.behaviour_viewed' AND entity_id = $1`, [structurer]);
    expect(audited.map((r: { user_id: string }) => r.user_id)).to.have.members([officer.id, admin.id]);
    expect(codeOf(await gql(server, BEHAVIOUR, { u: structurer }, bearer(trader.accessToken)))).to.equal("FORBIDDEN");
    expect(codeOf(await gql(server, BEHAVIOUR, { u: structurer, w: 0 }, bearer(officer.accessToken)))).to.equal("BAD_USER_INPUT");
    expect(codeOf(await gql(server, BEHAVIOUR, { u: "00000000-0000-4000-8000-000000000000" }, bearer(officer.accessToken)))).to.equal("NOT_FOUND");
  });

  it("when an officer opens the customer view, then it carries the behaviour profile", async () => {
    const response = await gql(server, `query ($u: ID!) { customer(userId: $u) { behaviour { ${PROFILE} } } }`, { u: structurer }, bearer(officer.accessToken));
    expect(response.errors).to.equal(undefined);
    expect(response.data!.customer.behaviour).to.include({ userId: structurer, windowDays: WINDOW_DAYS });
    expect(response.data!.customer.behaviour.explanation.length).to.be.greaterThan(0);
  });
});
