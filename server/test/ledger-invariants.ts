import { formatFixed, parseFixed } from "../src/infra/fixed";

/** Anything that runs SQL and returns rows: a pg Client's rows, or TypeORM's `query`. */
export type Query = (sql: string, params?: unknown[]) => Promise<Array<Record<string, any>>>;

/**
 * What must hold of the journal for these portfolios, whatever happened: each list names the
 * rows that break its rule, so a passing check is four empty lists.
 * - cash equals the signed sum of completed transactions;
 * - each position equals bought minus sold;
 * - reserved cash equals what the open orders hold;
 * - reserved quantity equals what the open sell orders hold.
 */
export async function ledgerViolations(query: Query, portfolioIds: string[]) {
  const cash = await query(
    `SELECT p.id, p.cash_balance FROM portfolios p LEFT JOIN transactions t ON t.portfolio_id = p.id AND t.status = 'COMPLETED' WHERE p.id = ANY($1::uuid[]) GROUP BY p.id, p.cash_balance
      HAVING p.cash_balance <> COALESCE(SUM(CASE t.transaction_type WHEN 'DEPOSIT' THEN t.total_amount WHEN 'SELL' THEN t.total_amount ELSE -t.total_amount END), 0)`,
    [portfolioIds],
  );
  const positions = await query(
    `SELECT pos.portfolio_id, pos.symbol FROM positions pos
       LEFT JOIN transactions t ON t.portfolio_id = pos.portfolio_id AND t.asset_symbol = pos.symbol AND t.transaction_type IN ('BUY', 'SELL')
      WHERE pos.portfolio_id = ANY($1::uuid[])
      GROUP BY pos.portfolio_id, pos.symbol, pos.quantity
     HAVING pos.quantity <> COALESCE(SUM(CASE t.transaction_type WHEN 'BUY' THEN t.quantity ELSE -t.quantity END), 0)`,
    [portfolioIds],
  );
  const reservedCash = await query(
    `SELECT p.id FROM portfolios p LEFT JOIN orders o ON o.portfolio_id = p.id AND o.status IN ('NEW', 'PARTIALLY_FILLED', 'PENDING_TRIGGER')
      WHERE p.id = ANY($1::uuid[]) GROUP BY p.id, p.reserved_cash HAVING p.reserved_cash <> COALESCE(SUM(o.reserved_cash), 0)`,
    [portfolioIds],
  );
  const reservedQuantity = await query(
    `SELECT pos.portfolio_id, pos.symbol FROM positions pos
       LEFT JOIN orders o ON o.portfolio_id = pos.portfolio_id AND o.symbol = pos.symbol AND o.status IN ('NEW', 'PARTIALLY_FILLED', 'PENDING_TRIGGER')
      WHERE pos.portfolio_id = ANY($1::uuid[])
      GROUP BY pos.portfolio_id, pos.symbol, pos.reserved_quantity HAVING pos.reserved_quantity <> COALESCE(SUM(o.reserved_quantity), 0)`,
    [portfolioIds],
  );
  return { cash, positions, reservedCash, reservedQuantity };
}

/** A symbol's book as the committed open orders make it: levels as `orderBook` shows them. */
export async function committedBook(query: Query, symbol: string) {
  const open = await query(
    `SELECT side, limit_price AS price, SUM(quantity - filled_quantity) AS quantity, count(*)::int AS orders FROM orders
      WHERE symbol = $1 AND status IN ('NEW', 'PARTIALLY_FILLED') AND order_type IN ('LIMIT', 'STOP_LIMIT')
      GROUP BY side, limit_price`,
    [symbol],
  );
  const side = (name: string, better: (a: bigint, b: bigint) => number) =>
    open
      .filter((row) => row.side === name)
      .map((row) => ({ price: formatFixed(parseFixed(row.price)), quantity: formatFixed(parseFixed(row.quantity)), orderCount: row.orders }))
      .sort((a, b) => better(parseFixed(a.price), parseFixed(b.price)));
  return { bids: side("BUY", (a, b) => (b > a ? 1 : -1)), asks: side("SELL", (a, b) => (a > b ? 1 : -1)) };
}
