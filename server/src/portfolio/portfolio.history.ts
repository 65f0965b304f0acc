import type { DataSource } from "typeorm";

export interface StoredValue {
  time: Date;
  value: string;
}

export interface StoredFlow {
  time: Date;
  /** Positive for a deposit, negative for a withdrawal. */
  amount: string;
}

/**
 * What a time-weighted return needs of a portfolio's history in [from, to): the last value
 * snapshot of each UTC day, the snapshot just before each deposit or withdrawal, and the flows.
 * Not every minute's snapshot: a year of them would be half a million rows.
 */
export async function valueHistory(dataSource: DataSource, portfolioId: string, from: Date, to: Date): Promise<{ snapshots: StoredValue[]; flows: StoredFlow[] }> {
  const [dayEnds, flows]: [Array<{ taken_at: Date; total_value: string }>, Array<{ created_at: Date; amount: string; taken_at: Date | null; total_value: string | null }>] = await Promise.all([
    dataSource.query(
      `SELECT DISTINCT ON (date_trunc('day', taken_at AT TIME ZONE 'UTC')) taken_at, total_value::text
         FROM valuation_snapshots WHERE portfolio_id = $1 AND taken_at >= $2 AND taken_at < $3
        ORDER BY date_trunc('day', taken_at AT TIME ZONE 'UTC'), taken_at DESC`,
      [portfolioId, from, to],
    ),
    dataSource.query(
      `SELECT t.created_at, (CASE WHEN t.transaction_type = 'WITHDRAWAL' THEN -t.total_amount ELSE t.total_amount END)::text AS amount,
              s.taken_at, s.total_value::text
         FROM transactions t
         LEFT JOIN LATERAL (
           SELECT taken_at, total_value FROM valuation_snapshots v
            WHERE v.portfolio_id = t.portfolio_id AND v.taken_at >= $2 AND v.taken_at < t.created_at
            ORDER BY v.taken_at DESC LIMIT 1) s ON true
        WHERE t.portfolio_id = $1 AND t.transaction_type IN ('DEPOSIT', 'WITHDRAWAL') AND t.status = 'COMPLETED'
          AND t.created_at >= $2 AND t.created_at < $3
        ORDER BY t.created_at`,
      [portfolioId, from, to],
    ),
  ]);
  const snapshots = new Map<number, StoredValue>(dayEnds.map((row) => [row.taken_at.getTime(), { time: row.taken_at, value: row.total_value }]));
  for (const flow of flows) if (flow.taken_at) snapshots.set(flow.taken_at.getTime(), { time: flow.taken_at, value: flow.total_value! });
  return {
    snapshots: [...snapshots.values()].sort((a, b) => a.time.getTime() - b.time.getTime()),
    flows: flows.map((flow) => ({ time: flow.created_at, amount: flow.amount })),
  };
}
