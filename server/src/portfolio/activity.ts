import type { EntityManager } from "typeorm";
import { formatFixed, parseFixed } from "../infra/fixed";

/** Per-user aggregates of the ledger over a window, as the behaviour analytics reads them. */
export interface ActivityRow {
  userId: string;
  deposits: number;
  depositAmount: number;
  depositsJustUnder: number;
  withdrawals: number;
  withdrawalAmount: number;
  withdrawnSoonAmount: number;
  trades: number;
  tradeNotional: number;
  instruments: number;
  nightEvents: number;
  events: number;
  hoursDepositToTrade: number | null;
  deposited: boolean;
  /** The money sums above as the ledger holds them, exact decimal text: what words about them show. */
  exact: ExactAmounts;
}

export interface ExactAmounts {
  depositAmount: string;
  withdrawalAmount: string;
  tradeNotional: string;
}

export interface ActivityQuery {
  from: Date;
  to: Date;
  /** Deposits in [justUnderFloor, justUnderCeiling] count as just under the reporting threshold. */
  justUnderFloor: string;
  justUnderCeiling: string;
  /** A withdrawal within this many hours after a deposit counts as withdrawn soon. */
  soonHours: number;
}

/**
 * Every user's completed deposits, withdrawals and trades (one BUY or SELL row per fill) in
 * [from, to), aggregated in one statement. "Soon" looks back from each withdrawal to the latest
 * deposit before it, inside the window.
 */
export async function activityByUser(manager: EntityManager, q: ActivityQuery): Promise<ActivityRow[]> {
  const rows: Array<Record<string, string | null>> = await manager.query(
    `WITH moves AS (
       SELECT user_id, transaction_type AS kind, abs(total_amount) AS amount, asset_symbol, created_at,
              max(created_at) FILTER (WHERE transaction_type = 'DEPOSIT')
                OVER (PARTITION BY user_id ORDER BY created_at, id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS last_deposit_at
         FROM transactions
        WHERE created_at >= $1 AND created_at < $2 AND status = 'COMPLETED'
          AND transaction_type IN ('DEPOSIT', 'WITHDRAWAL', 'BUY', 'SELL')
     ), firsts AS (
       SELECT user_id, min(created_at) FILTER (WHERE kind = 'DEPOSIT') AS first_deposit_at FROM moves GROUP BY user_id
     )
     SELECT m.user_id,
            count(*) FILTER (WHERE kind = 'DEPOSIT') AS deposits,
            coalesce(sum(amount) FILTER (WHERE kind = 'DEPOSIT'), 0)::text AS deposit_amount,
            count(*) FILTER (WHERE kind = 'DEPOSIT' AND amount BETWEEN $3::numeric AND $4::numeric) AS just_under,
            count(*) FILTER (WHERE kind = 'WITHDRAWAL') AS withdrawals,
            coalesce(sum(amount) FILTER (WHERE kind = 'WITHDRAWAL'), 0)::text AS withdrawal_amount,
            coalesce(sum(amount) FILTER (WHERE kind = 'WITHDRAWAL' AND m.created_at - last_deposit_at <= make_interval(hours => $5)), 0)::text AS withdrawn_soon,
            count(*) FILTER (WHERE kind IN ('BUY', 'SELL')) AS trades,
            coalesce(sum(amount) FILTER (WHERE kind IN ('BUY', 'SELL')), 0)::text AS trade_notional,
            count(DISTINCT asset_symbol) FILTER (WHERE kind IN ('BUY', 'SELL')) AS instruments,
            count(*) FILTER (WHERE extract(hour FROM m.created_at AT TIME ZONE 'UTC') < 6) AS night_events,
            count(*) AS events,
            extract(epoch FROM min(m.created_at) FILTER (WHERE kind IN ('BUY', 'SELL') AND m.created_at >= f.first_deposit_at) - f.first_deposit_at) / 3600 AS hours_to_trade,
            f.first_deposit_at IS NOT NULL AS deposited
       FROM moves m JOIN firsts f USING (user_id)
      GROUP BY m.user_id, f.first_deposit_at`,
    [q.from, q.to, q.justUnderFloor, q.justUnderCeiling, q.soonHours],
  );
  return rows.map((r) => ({
    userId: r.user_id!,
    deposits: Number(r.deposits),
    depositAmount: Number(r.deposit_amount),
    depositsJustUnder: Number(r.just_under),
    withdrawals: Number(r.withdrawals),
    withdrawalAmount: Number(r.withdrawal_amount),
    withdrawnSoonAmount: Number(r.withdrawn_soon),
    trades: Number(r.trades),
    tradeNotional: Number(r.trade_notional),
    instruments: Number(r.instruments),
    nightEvents: Number(r.night_events),
    events: Number(r.events),
    hoursDepositToTrade: r.hours_to_trade === null ? null : Number(r.hours_to_trade),
    deposited: Boolean(r.deposited),
    exact: { depositAmount: exactText(r.deposit_amount!), withdrawalAmount: exactText(r.withdrawal_amount!), tradeNotional: exactText(r.trade_notional!) },
  }));
}

function exactText(sum: string): string {
  return formatFixed(parseFixed(sum));
}
