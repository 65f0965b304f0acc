import DataLoader from "dataloader";
import type { DataSource } from "typeorm";
import { decodeCursor, encodeCursor } from "../infra/graphql/pagination";
import { type PositionRow, TransactionRow } from "./portfolio.entities";
import type { WalletHolding, WalletHoldingsSource } from "./valuation-math";

export interface TransactionPageKey {
  portfolioId: string;
  first: number;
  after: string | null;
}

export interface TransactionPage {
  rows: TransactionRow[];
  hasNextPage: boolean;
}

/** `<created_at ISO>|<id>`: keyset pagination, stable under inserts. */
const CURSOR = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\|[0-9a-f-]{36}$/;

export const transactionCursor = (row: TransactionRow) => encodeCursor(`${row.createdAt.toISOString()}|${row.id}`);

/**
 * Per-request batches: however many portfolios a query touches, their positions load in one
 * statement, and their first pages of transactions in one statement per distinct page shape.
 */
export function createPortfolioLoaders(dataSource: DataSource, wallets?: WalletHoldingsSource) {
  const positions = new DataLoader<string, PositionRow[]>(async (portfolioIds) => {
    const rows: Array<Record<string, string>> = await dataSource.query(
      `SELECT portfolio_id, symbol, quantity, average_cost, realized_pnl, reserved_quantity FROM positions
        WHERE portfolio_id = ANY($1::uuid[]) AND quantity > 0 ORDER BY symbol`,
      [portfolioIds],
    );
    const byPortfolio = new Map<string, PositionRow[]>(portfolioIds.map((id) => [id, []]));
    for (const row of rows) {
      byPortfolio.get(row.portfolio_id)!.push({
        portfolioId: row.portfolio_id,
        symbol: row.symbol,
        quantity: row.quantity,
        averageCost: row.average_cost,
        realizedPnl: row.realized_pnl,
        reservedQuantity: row.reserved_quantity,
      } as PositionRow);
    }
    return portfolioIds.map((id) => byPortfolio.get(id)!);
  });

  const transactions = new DataLoader<TransactionPageKey, TransactionPage, string>(
    async (keys) => {
      const shapes = new Map<string, TransactionPageKey[]>();
      for (const key of keys) {
        const shape = `${key.first}|${key.after ?? ""}`;
        shapes.set(shape, [...(shapes.get(shape) ?? []), key]);
      }
      const pages = new Map<string, TransactionPage>();
      for (const group of shapes.values()) {
        const { first, after } = group[0];
        const position = decodeCursor(after, CURSOR);
        const [afterTime, afterId] = position ? position.split("|") : [null, null];
        const ids = group.map((key) => key.portfolioId);
        const rows: TransactionRow[] = await dataSource
          .createQueryBuilder()
          .select("t.*")
          .from(
            (sub) =>
              sub
                .select("t.*")
                .addSelect("row_number() OVER (PARTITION BY t.portfolio_id ORDER BY t.created_at DESC, t.id DESC)", "rn")
                .from(TransactionRow, "t")
                .where("t.portfolio_id = ANY(:ids::uuid[])", { ids })
                .andWhere(afterTime ? "(t.created_at, t.id) < (:afterTime::timestamptz, :afterId::uuid)" : "true", { afterTime, afterId }),
            "t",
          )
          .where("t.rn <= :limit", { limit: first + 1 })
          .orderBy("t.created_at", "DESC")
          .addOrderBy("t.id", "DESC")
          .getRawMany()
          .then((raw) => raw.map(toTransactionRow));
        for (const key of group) {
          const mine = rows.filter((row) => row.portfolioId === key.portfolioId);
          pages.set(JSON.stringify(key), { rows: mine.slice(0, first), hasNextPage: mine.length > first });
        }
      }
      return keys.map((key) => pages.get(JSON.stringify(key))!);
    },
    { cacheKeyFn: (key) => JSON.stringify(key) },
  );

  /** Every transaction of each portfolio, counted in one statement (TransactionConnection.totalCount). */
  const transactionCounts = new DataLoader<string, number>(async (portfolioIds) => {
    const rows: Array<{ portfolio_id: string; count: number }> = await dataSource.query(
      `SELECT portfolio_id, count(*)::int AS count FROM transactions WHERE portfolio_id = ANY($1::uuid[]) GROUP BY portfolio_id`,
      [portfolioIds],
    );
    const counts = new Map(rows.map((row) => [row.portfolio_id, row.count]));
    return portfolioIds.map((id) => counts.get(id) ?? 0);
  });

  /** Linked wallets' on-chain balances per portfolio; empty when no chain is configured. */
  const walletHoldings = new DataLoader<string, WalletHolding[]>(async (portfolioIds) => {
    if (!wallets) return portfolioIds.map(() => []);
    const byPortfolio = await wallets.load(portfolioIds);
    return portfolioIds.map((id) => byPortfolio.get(id) ?? []);
  });

  return { positions, transactions, transactionCounts, walletHoldings };
}

export type PortfolioLoaders = ReturnType<typeof createPortfolioLoaders>;

function toTransactionRow(raw: Record<string, any>): TransactionRow {
  return {
    id: raw.id,
    userId: raw.user_id,
    portfolioId: raw.portfolio_id,
    transactionId: raw.transaction_id,
    type: raw.transaction_type,
    symbol: raw.asset_symbol,
    assetName: raw.asset_name,
    quantity: raw.quantity,
    price: raw.price,
    totalAmount: raw.total_amount,
    fees: raw.fees,
    currency: raw.currency,
    status: raw.status,
    settlementDate: raw.settlement_date,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
    metadata: raw.metadata,
  } as TransactionRow;
}
