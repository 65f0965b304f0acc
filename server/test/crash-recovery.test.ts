import { expect } from "chai";
import { Client as PgClient } from "pg";
import { formatFixed, parseFixed } from "../src/infra/fixed";
import { services, tempDir } from "./helpers";
import { committedBook, ledgerViolations } from "./ledger-invariants";
import { spawnServer } from "./processes";

/** The load spreads over eight instruments, so one batch carries several books and portfolios. */
const SYMBOLS = ["AAPL", "MSFT", "NVDA", "AMZN", "ETH-USD", "SOL-USD", "TGLD", "TBILL"];
const LOT: Record<string, string> = { "ETH-USD": "0.01", "SOL-USD": "0.1", TGLD: "1" };
const TICK: Record<string, string> = { "SOL-USD": "0.001", TBILL: "0.0001" };
const TEST_KEYS = "test:dGVzdC1vbmx5LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24=";

async function post(url: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: Array<{ message: string }> };
}

describe("crash recovery", () => {
  it("when the server is killed with SIGKILL under load on eight instruments, then every acknowledged order and fill survives, books rebuild, and cash and positions equal their ledger", async function () {
    if (!services.databaseUrl) throw new Error("DATABASE_URL must be set: this test checks a real PostgreSQL after a crash");
    this.timeout(120_000);
    const env = {
      NODE_ENV: "test",
      PORT: "0",
      DATA_DIR: tempDir(),
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      BCRYPT_COST: "4",
      SEED_DEMO: "false",
      MARKET_FEED: "simulator",
      MARKET_TICKS_PER_SECOND: "5",
      MARKET_MAKER: "true",
      ENCRYPTION_KEYS: TEST_KEYS,
      JWT_SECRET: "dGVzdC1vbmx5LWp3dC1zZWNyZXQtbm90LWZvci1wcm9kdWN0aW9u",
      RATE_LIMIT_CAPACITY: "1000000",
      RATE_LIMIT_RESTORE_PER_SECOND: "1000000",
      KYC_UNVERIFIED_DEPOSIT_LIMIT: "1000000000",
      KYC_UNVERIFIED_TRADE_NOTIONAL: "1000000000",
    };
    let server = await spawnServer(env);
    const traders: Array<{ token: string; portfolioId: string }> = [];
    for (let i = 0; i < 4; i++) {
      const registered = await post(server.url, `mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }`, {
        i: { email: `crash-${Date.now()}-${i}@example.com`, password: "Correct-Horse-Battery-Staple-5", firstName: "C", lastName: "R" },
      });
      const token = registered.data.register.accessToken;
      const portfolio = await post(server.url, `mutation { createPortfolio(input: { name: "crash" }) { id } }`, {}, token);
      await post(server.url, `mutation ($p: ID!) { deposit(portfolioId: $p, amount: "1000000") { id } }`, { p: portfolio.data.createPortfolio.id }, token);
      traders.push({ token, portfolioId: portfolio.data.createPortfolio.id });
    }
    // Wait until the market maker quotes every instrument, so orders fill.
    for (const symbol of SYMBOLS) {
      for (;;) {
        const book = await post(server.url, `{ orderBook(symbol: "${symbol}", depth: 1) { asks { price } bids { price } } }`);
        if (book.data?.orderBook.asks.length && book.data.orderBook.bids.length) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    // Load: the traders buy at the market, rest limit orders and sell what they bought, across
    // the instruments, 8 at a time, until killed.
    const acknowledged = new Map<string, { status: string; filledQuantity: string }>();
    let stop = false;
    const PLACE = `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { id status filledQuantity } }`;
    const worker = async (n: number) => {
      for (let k = 0; !stop; k++) {
        const trader = traders[(n + k) % traders.length];
        const symbol = SYMBOLS[(n * 3 + k) % SYMBOLS.length];
        const quantity = LOT[symbol] ?? "1";
        const book = await post(server.url, `{ orderBook(symbol: "${symbol}", depth: 1) { bids { price } } }`).catch(() => null);
        const bid = book?.data?.orderBook.bids[0]?.price;
        const base = { portfolioId: trader.portfolioId, symbol, quantity };
        const tick = parseFixed(TICK[symbol] ?? "0.01");
        // Now and then a market buy is a BRACKET: its exits (placed at the fill) rest and wait,
        // so families are open when the server dies and must come back with the books.
        const onTick = (price: bigint) => formatFixed((price / tick) * tick);
        const input =
          k % 3 === 2 && bid
            ? { ...base, side: "BUY", type: "LIMIT", limitPrice: formatFixed(parseFixed(bid) - tick * 50n) }
            : k % 6 === 0 && bid
              ? { ...base, side: "BUY", type: "MARKET", timeInForce: "IOC", orderClass: "BRACKET", takeProfit: { limitPrice: onTick((parseFixed(bid) * 105n) / 100n) }, stopLoss: { stopPrice: onTick((parseFixed(bid) * 95n) / 100n) } }
              : { ...base, side: k % 3 === 1 ? "SELL" : "BUY", type: "MARKET", timeInForce: "IOC" };
        const result = await post(server.url, PLACE, { i: input }, trader.token).catch(() => null);
        if (result?.data?.placeOrder) acknowledged.set(result.data.placeOrder.id, result.data.placeOrder);
      }
    };
    const workers = Array.from({ length: 8 }, (_, n) => worker(n));
    while (acknowledged.size < 120) await new Promise((resolve) => setTimeout(resolve, 20));
    server.child.kill("SIGKILL");
    await server.exited;
    stop = true;
    await Promise.all(workers);

    server = await spawnServer(env);
    const pg = new PgClient({ connectionString: services.databaseUrl });
    await pg.connect();
    try {
      // Every acknowledged order is there, at least as far along as when it was acknowledged.
      const rows = await pg.query(`SELECT id, status, filled_quantity FROM orders WHERE id = ANY($1::uuid[])`, [[...acknowledged.keys()]]);
      expect(rows.rowCount).to.equal(acknowledged.size);
      for (const row of rows.rows) {
        const acked = acknowledged.get(row.id)!;
        expect(parseFixed(row.filled_quantity) >= parseFixed(acked.filledQuantity), row.id).to.equal(true);
        if (["FILLED", "CANCELLED"].includes(acked.status)) expect(row.status).to.equal(acked.status);
      }
      // Every fill settled: one BUY/SELL transaction each.
      const unsettled = await pg.query(
        `SELECT f.id FROM fills f WHERE NOT EXISTS (SELECT 1 FROM transactions t WHERE t.metadata->>'fillId' = f.id::text AND t.transaction_type IN ('BUY', 'SELL'))`,
      );
      expect(unsettled.rowCount).to.equal(0);
      // Cash equals the signed sum of completed transactions, positions equal bought minus sold,
      // reservations equal what open orders hold (for this test's traders and the market maker:
      // other suites may share the database).
      const mine = [
        ...traders.map((t) => t.portfolioId),
        ...(await pg.query(`SELECT p.id FROM portfolios p JOIN users u ON u.id = p.user_id WHERE u.email = 'market-maker@system.blockguardian.local'`)).rows.map((r) => r.id),
      ];
      const query = async (sql: string, params?: unknown[]) => (await pg.query(sql, params)).rows;
      expect(await ledgerViolations(query, mine)).to.deep.equal({ cash: [], positions: [], reservedCash: [], reservedQuantity: [] });
      // Brackets filled before the kill, so exits were placed (and rest in the rebuilt books below).
      const exits = await pg.query(`SELECT count(*)::int AS n FROM orders WHERE parent_order_id = ANY($1::uuid[])`, [[...acknowledged.keys()]]);
      expect(exits.rows[0].n).to.be.greaterThan(0);
      // Every rebuilt book equals the open orders as committed, level by level. The restarted
      // maker requotes now and then (one command each), so book and database are read back to
      // back until a moment between two requotes.
      for (const symbol of SYMBOLS) {
        let book;
        let committed;
        for (let attempt = 0; attempt < 40; attempt++) {
          book = (await post(server.url, `{ orderBook(symbol: "${symbol}", depth: 100) { bids { price quantity orderCount } asks { price quantity orderCount } } }`)).data.orderBook;
          committed = await committedBook(query, symbol);
          if (JSON.stringify(book) === JSON.stringify(committed)) break;
          await new Promise((resolve) => setTimeout(resolve, 50 + attempt * 10));
        }
        expect(book, symbol).to.deep.equal(committed);
      }
    } finally {
      await pg.end();
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });
});
