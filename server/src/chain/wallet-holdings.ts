import type { DataSource } from "typeorm";
import type { WalletHolding, WalletHoldingsSource } from "../portfolio";

/** Linked wallets' stored balances, summed per portfolio and instrument: what valuation counts as on-chain positions. */
export class StoredWalletHoldings implements WalletHoldingsSource {
  constructor(private readonly dataSource: DataSource) {}

  async load(portfolioIds: readonly string[]): Promise<Map<string, WalletHolding[]>> {
    const rows: Array<{ portfolio_id: string; symbol: string; quantity: string }> = await this.dataSource.query(
      `SELECT w.portfolio_id, b.symbol, sum(b.quantity)::text AS quantity
         FROM wallets w JOIN wallet_balances b ON b.address = w.address
        WHERE w.portfolio_id = ANY($1::uuid[]) AND b.quantity > 0
        GROUP BY w.portfolio_id, b.symbol ORDER BY b.symbol`,
      [portfolioIds],
    );
    const byPortfolio = new Map<string, WalletHolding[]>(portfolioIds.map((id) => [id, []]));
    for (const row of rows) byPortfolio.get(row.portfolio_id)?.push({ symbol: row.symbol, quantity: row.quantity });
    return byPortfolio;
  }
}
