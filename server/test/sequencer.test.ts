import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { formatFixed, parseFixed } from "../src/infra/fixed";
import { topics } from "../src/infra/pubsub";
import { bearer, gql, registerUser, startTestServer, type TestUser } from "./helpers";
import { committedBook, ledgerViolations } from "./ledger-invariants";

const PLACE = `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { id status } }`;
const CANCEL = `mutation ($id: ID!) { cancelOrder(id: $id) { id status } }`;
const BOOK = `query ($s: String!) { orderBook(symbol: $s, depth: 100) { bids { price quantity orderCount } asks { price quantity orderCount } } }`;
/** Eight instruments with their lot and a price to trade around. */
const MARKETS = [
  { symbol: "AAPL", lot: "1", price: "200" },
  { symbol: "MSFT", lot: "1", price: "400" },
  { symbol: "NVDA", lot: "1", price: "150" },
  { symbol: "AMZN", lot: "1", price: "190" },
  { symbol: "ETH-USD", lot: "0.001", price: "3000" },
  { symbol: "SOL-USD", lot: "0.01", price: "240" },
  { symbol: "TGLD", lot: "0.01", price: "85" },
  { symbol: "TBILL", lot: "1", price: "100" },
];
/** Refusals a trader may meet under load: typed, expected, and they change nothing. */
const TYPED = new Set(["RISK_REJECTED", "CONFLICT"]);

interface Trader extends TestUser {
  portfolioId: string;
}

/** A tiny seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe("the sequencer under concurrent load", () => {
  let server: RunningServer;
  const traders: Trader[] = [];

  before(async function () {
    this.timeout(120_000);
    server = await startTestServer({ MARKET_MAKER: "true", RATE_LIMIT_CAPACITY: "1000000", RATE_LIMIT_RESTORE_PER_SECOND: "1000000", MAX_ORDER_NOTIONAL: "10000000" });
    for (const { symbol, price } of MARKETS) {
      await server.pubsub.publish(topics.quotes(symbol), { symbol, bid: null, ask: null, last: price, timestamp: new Date().toISOString() });
      while (server.services.marketData.lastPrice(symbol) !== price) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // The maker's ladders, on every book, before the traders start.
    for (const { symbol } of MARKETS) {
      for (;;) {
        const book = (await gql(server, BOOK, { s: symbol })).data!.orderBook;
        if (book.bids.length >= 3 && book.asks.length >= 3) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    for (let i = 0; i < 20; i++) {
      const user = await registerUser(server);
      const { data } = await gql(server, `mutation { createPortfolio(input: { name: "Load" }) { id } }`, {}, bearer(user.accessToken));
      const portfolioId = data!.createPortfolio.id;
      await gql(server, `mutation ($p: ID!) { deposit(portfolioId: $p, amount: "500000") { id } }`, { p: portfolioId }, bearer(user.accessToken));
      for (const { symbol, price } of MARKETS) {
        await server.services.ledger.applyFill({ portfolioId, userId: user.id, symbol, assetName: symbol, side: "BUY", quantity: parseFixed("20"), price: parseFixed(price), fee: 0n, reference: { seed: "load" } });
      }
      traders.push({ ...user, portfolioId });
    }
  });
  after(() => server?.stop());

  it("when twenty traders trade their portfolios across eight instruments at once, then only typed refusals occur, and cash, positions, reservations and books equal the journal", async function () {
    this.timeout(180_000);
    const failures: string[] = [];
    const counts = { placed: 0, refused: 0, cancelled: 0 };
    const open = new Map<string, string[]>();
    // Two workers per trader: the same portfolio is used from two connections at once.
    const worker = async (trader: Trader, seed: number) => {
      const next = random(seed);
      const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
      for (let k = 0; k < 15; k++) {
        const market = pick(MARKETS);
        const reference = parseFixed(market.price);
        const offset = (reference * BigInt(Math.floor(next() * 150))) / 10_000n;
        const tick = market.symbol === "SOL-USD" ? parseFixed("0.001") : market.symbol === "TBILL" ? parseFixed("0.0001") : parseFixed("0.01");
        const onTick = (value: bigint) => formatFixed((value / tick) * tick);
        const side = next() < 0.5 ? "BUY" : "SELL";
        const quantity = formatFixed(parseFixed(market.lot) * BigInt(1 + Math.floor(next() * 3)));
        const roll = next();
        const mine = open.get(trader.id) ?? [];
        if (roll < 0.15 && mine.length > 0) {
          const id = mine.splice(Math.floor(next() * mine.length), 1)[0];
          const response = await gql(server, CANCEL, { id }, bearer(trader.accessToken));
          const code = response.errors?.[0]?.extensions?.code as string | undefined;
          if (code && !TYPED.has(code)) failures.push(`cancel: ${JSON.stringify(response.errors)}`);
          else if (!code) counts.cancelled++;
          continue;
        }
        const input: Record<string, unknown> = { portfolioId: trader.portfolioId, symbol: market.symbol, side, quantity };
        if (roll < 0.45) Object.assign(input, { type: "MARKET", timeInForce: "IOC" });
        else if (roll < 0.85) Object.assign(input, { type: "LIMIT", timeInForce: "GTC", limitPrice: onTick(side === "BUY" ? reference - offset : reference + offset) });
        else Object.assign(input, { type: "STOP", timeInForce: "GTC", stopPrice: onTick(side === "BUY" ? reference + offset + tick : reference - offset - tick) });
        const response = await gql(server, PLACE, { i: input }, bearer(trader.accessToken));
        const code = response.errors?.[0]?.extensions?.code as string | undefined;
        if (code && !TYPED.has(code)) failures.push(`${JSON.stringify(input)}: ${JSON.stringify(response.errors)}`);
        else if (code) counts.refused++;
        else {
          counts.placed++;
          const order = response.data!.placeOrder;
          if (["NEW", "PARTIALLY_FILLED", "PENDING_TRIGGER"].includes(order.status)) open.set(trader.id, [...(open.get(trader.id) ?? []), order.id]);
        }
      }
    };
    await Promise.all(traders.flatMap((trader, i) => [worker(trader, 2 * i + 1), worker(trader, 2 * i + 2)]));
    expect(failures).to.deep.equal([]);
    expect(counts.placed).to.be.greaterThan(300);

    const query = (sql: string, params?: unknown[]) => server.database.dataSource.query(sql, params);
    await server.services.trading.idle();
    const portfolios = [...traders.map((t) => t.portfolioId), ...(await query(`SELECT p.id FROM portfolios p JOIN users u ON u.id = p.user_id WHERE u.email = 'market-maker@system.blockguardian.local'`)).map((r: { id: string }) => r.id)];
    expect(await ledgerViolations(query, portfolios)).to.deep.equal({ cash: [], positions: [], reservedCash: [], reservedQuantity: [] });
    // The sequencer's memory is the journal: every account, and every book level by level. The
    // maker goes on requoting, so memory and database are read back to back until no batch
    // committed in between.
    const snapshot = async () => {
      const memory: Record<string, unknown> = {};
      const journal: Record<string, unknown> = {};
      const accounts = server.services.trading.accounts();
      for (const row of await query(`SELECT id, cash_balance, reserved_cash FROM portfolios WHERE id = ANY($1::uuid[])`, [portfolios])) {
        const account = accounts.account(row.id);
        memory[row.id] = { cash: formatFixed(account.cash), reserved: formatFixed(account.reserved) };
        journal[row.id] = { cash: formatFixed(parseFixed(row.cash_balance)), reserved: formatFixed(parseFixed(row.reserved_cash)) };
      }
      for (const { symbol } of MARKETS) {
        memory[symbol] = (await gql(server, BOOK, { s: symbol })).data!.orderBook;
        journal[symbol] = await committedBook(query, symbol);
      }
      return { memory, journal };
    };
    let seen = await snapshot();
    for (let attempt = 0; attempt < 20; attempt++) {
      await server.services.trading.idle();
      const batches = server.services.trading.commitStats.groups;
      seen = await snapshot();
      if (server.services.trading.commitStats.groups === batches) break;
    }
    expect(seen.memory).to.deep.equal(seen.journal);
    // Valuation takes each changed portfolio from the sequencer's event as committed, with no
    // read: what it holds must be what a reload from the journal gives.
    const valuation = server.services.valuation!;
    const values = (id: string) => {
      const { timestamp: _, ...value } = valuation.current(id)!;
      return value;
    };
    for (const { portfolioId } of traders) {
      const [row] = await query(`SELECT cash_balance FROM portfolios WHERE id = $1`, [portfolioId]);
      const committed = formatFixed(parseFixed(row.cash_balance));
      for (let i = 0; i < 100 && valuation.current(portfolioId)?.cashBalance !== committed; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      const pushed = values(portfolioId);
      await valuation.reload(portfolioId);
      expect(pushed).to.deep.equal(values(portfolioId));
    }
  });

  it("when a batch's commit fails, then its callers get an error, memory is rebuilt from the journal, and the next orders trade as before", async function () {
    this.timeout(60_000);
    const [buyer, seller] = traders;
    const query = (sql: string, params?: unknown[]) => server.database.dataSource.query(sql, params);
    const before = (await query(`SELECT cash_balance, reserved_cash FROM portfolios WHERE id = $1`, [buyer.portfolioId]))[0];
    // A trigger refuses this buyer's positions: the batch that settles its next trade cannot commit.
    const fn = `refuse_positions_${process.pid}`;
    await query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$`);
    await query(`CREATE TRIGGER ${fn} BEFORE INSERT OR UPDATE ON positions FOR EACH ROW WHEN (NEW.portfolio_id = '${buyer.portfolioId}') EXECUTE FUNCTION ${fn}()`);
    const buy = { portfolioId: buyer.portfolioId, symbol: "MSFT", side: "BUY", type: "MARKET", timeInForce: "IOC", quantity: "1" };
    try {
      const failed = await gql(server, PLACE, { i: buy }, bearer(buyer.accessToken));
      expect(failed.errors?.[0]?.extensions?.code).to.equal("INTERNAL_SERVER_ERROR");
    } finally {
      await query(`DROP TRIGGER ${fn} ON positions`);
      await query(`DROP FUNCTION ${fn}()`);
    }
    const after = (await query(`SELECT cash_balance, reserved_cash FROM portfolios WHERE id = $1`, [buyer.portfolioId]))[0];
    expect(after).to.deep.equal(before);
    const account = server.services.trading.accounts().account(buyer.portfolioId);
    expect(formatFixed(account.cash)).to.equal(formatFixed(parseFixed(before.cash_balance)));
    expect((await gql(server, BOOK, { s: "MSFT" })).data!.orderBook).to.deep.equal(await committedBook(query, "MSFT"));
    const retried = await gql(server, PLACE, { i: buy }, bearer(buyer.accessToken));
    expect(retried.errors).to.equal(undefined);
    expect(retried.data!.placeOrder.status).to.equal("FILLED");
    const sold = await gql(server, PLACE, { i: { ...buy, portfolioId: seller.portfolioId, side: "SELL" } }, bearer(seller.accessToken));
    expect(sold.data!.placeOrder.status).to.equal("FILLED");
    expect(await ledgerViolations(query, [buyer.portfolioId, seller.portfolioId])).to.deep.equal({ cash: [], positions: [], reservedCash: [], reservedQuantity: [] });
  });
});
