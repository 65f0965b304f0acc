import type { DataSource } from "typeorm";
import { csvField, ReportFormat, xmlText } from "../infra/documents";
import { badUserInput } from "../infra/errors";
import { type Fixed, formatFixed, parseFixed } from "../infra/fixed";
import { TransactionStatus, TransactionType } from "./portfolio.entities";
import type { AccountStatement, StatementLine, StatementPosition } from "./statement.types";

/** A statement covers at most a year and a bounded number of movements: a larger one is asked for in parts. */
const MAX_DAYS = 366;
/** A statement's movements at most: what one query's budget can price, a row each (issue 16). */
export const MAX_STATEMENT_LINES = 900;

/**
 * How a completed transaction moves cash: deposits and sells in; withdrawals, buys and fees
 * out. A buy's or sell's own `fees` column is not counted: the fee is its own FEE row (the
 * ledger's rule, which keeps cash equal to the signed sum of its transactions).
 */
const SIGNED_AMOUNT = `CASE t.transaction_type WHEN 'DEPOSIT' THEN t.total_amount WHEN 'SELL' THEN t.total_amount ELSE -t.total_amount END`;

interface MovementRow {
  created_at: Date;
  transaction_id: string;
  transaction_type: TransactionType;
  asset_symbol: string | null;
  quantity: string | null;
  price: string | null;
  amount: string;
}

/**
 * Account statements, read from the portfolio's transactions: the ledger of record, where
 * every movement of cash is a row and positions are bought minus sold. Opening figures are
 * everything before `from`; the period is [from, to).
 */
export class StatementService {
  constructor(private readonly dataSource: DataSource) {}

  async statement(portfolioId: string, currency: string, from: Date, to: Date): Promise<AccountStatement> {
    if (!(from < to)) throw badUserInput("from must be before to", "from");
    if (to.getTime() - from.getTime() > MAX_DAYS * 86_400_000) throw badUserInput(`A statement covers at most ${MAX_DAYS} days`, "to");
    const completed = `t.portfolio_id = $1 AND t.status = '${TransactionStatus.COMPLETED}'`;
    const [[opening], movements, openingPositions, closingPositions] = await Promise.all([
      this.dataSource.query(`SELECT COALESCE(SUM(${SIGNED_AMOUNT}), 0)::text AS cash FROM transactions t WHERE ${completed} AND t.created_at < $2`, [portfolioId, from]),
      // Rows of one sequencer batch share a time: fees come after the trades that paid them.
      this.dataSource.query(
        `SELECT t.created_at, t.transaction_id, t.transaction_type, t.asset_symbol, t.quantity::text, t.price::text, (${SIGNED_AMOUNT})::text AS amount
           FROM transactions t WHERE ${completed} AND t.created_at >= $2 AND t.created_at < $3
          ORDER BY t.created_at, t.transaction_type = 'FEE', t.id LIMIT ${MAX_STATEMENT_LINES + 1}`,
        [portfolioId, from, to],
      ) as Promise<MovementRow[]>,
      this.positions(portfolioId, from),
      this.positions(portfolioId, to),
    ]);
    if (movements.length > MAX_STATEMENT_LINES) throw badUserInput(`More than ${MAX_STATEMENT_LINES} movements in the period: ask for a shorter one`, "to");
    const openingCash = parseFixed(opening.cash);
    let balance: Fixed = openingCash;
    const lines: StatementLine[] = movements.map((row) => {
      const amount = parseFixed(row.amount);
      balance += amount;
      return { time: row.created_at, description: describe(row), amount: formatFixed(amount), balance: formatFixed(balance) };
    });
    return { portfolioId, currency, from, to, openingCash: formatFixed(openingCash), closingCash: formatFixed(balance), openingPositions, closingPositions, lines };
  }

  /** Holdings as bought minus sold before `at`, without the ones that came back to zero. */
  private async positions(portfolioId: string, at: Date): Promise<StatementPosition[]> {
    const rows: Array<{ symbol: string; quantity: string }> = await this.dataSource.query(
      `SELECT t.asset_symbol AS symbol, SUM(CASE t.transaction_type WHEN 'BUY' THEN t.quantity ELSE -t.quantity END)::text AS quantity
         FROM transactions t
        WHERE t.portfolio_id = $1 AND t.status = '${TransactionStatus.COMPLETED}' AND t.transaction_type IN ('BUY', 'SELL') AND t.created_at < $2
        GROUP BY t.asset_symbol ORDER BY t.asset_symbol`,
      [portfolioId, at],
    );
    return rows.map((row) => ({ symbol: row.symbol, quantity: formatFixed(parseFixed(row.quantity)) })).filter((row) => row.quantity !== "0");
  }
}

function describe(row: MovementRow): string {
  const reference = `ref ${row.transaction_id}`;
  switch (row.transaction_type) {
    case TransactionType.BUY:
    case TransactionType.SELL:
      return `${row.transaction_type === TransactionType.BUY ? "Buy" : "Sell"} ${formatFixed(parseFixed(row.quantity ?? "0"))} ${row.asset_symbol} at ${formatFixed(parseFixed(row.price ?? "0"))} (${reference})`;
    case TransactionType.FEE:
      return `Fee${row.asset_symbol ? ` on ${row.asset_symbol}` : ""} (${reference})`;
    case TransactionType.DEPOSIT:
      return `Deposit (${reference})`;
    case TransactionType.WITHDRAWAL:
      return `Withdrawal (${reference})`;
    default:
      return `${row.transaction_type} (${reference})`;
  }
}

/** The statement as a document: JSON (the fields as the API gives them), CSV (one row per movement) or XML. */
export function renderStatement(statement: AccountStatement, format: ReportFormat): string {
  const iso = (time: Date) => time.toISOString();
  switch (format) {
    case ReportFormat.JSON:
      return JSON.stringify(
        {
          portfolioId: statement.portfolioId,
          currency: statement.currency,
          from: iso(statement.from),
          to: iso(statement.to),
          openingCash: statement.openingCash,
          closingCash: statement.closingCash,
          openingPositions: statement.openingPositions,
          closingPositions: statement.closingPositions,
          lines: statement.lines.map((line) => ({ ...line, time: iso(line.time) })),
        },
        null,
        2,
      );
    case ReportFormat.CSV: {
      // Opening and closing balances as rows of their own, so a spreadsheet sums the movements between them.
      const rows: Array<Array<string | null>> = [
        ["time", "description", "amount", "balance", "currency"],
        [iso(statement.from), "Opening balance", null, statement.openingCash, statement.currency],
        ...statement.lines.map((line) => [iso(line.time), line.description, line.amount, line.balance, statement.currency]),
        [iso(statement.to), "Closing balance", null, statement.closingCash, statement.currency],
      ];
      return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
    }
    case ReportFormat.XML: {
      const positions = (name: string, list: StatementPosition[]) =>
        [`  <${name}>`, ...list.map((p) => `    <Position symbol="${xmlText(p.symbol)}" quantity="${p.quantity}"/>`), `  </${name}>`];
      return [
        `<?xml version="1.0" encoding="UTF-8"?>`,
        `<AccountStatement portfolioId="${statement.portfolioId}" currency="${xmlText(statement.currency)}" from="${iso(statement.from)}" to="${iso(statement.to)}">`,
        `  <OpeningCash>${statement.openingCash}</OpeningCash>`,
        ...positions("OpeningPositions", statement.openingPositions),
        `  <Lines>`,
        ...statement.lines.map((line) => `    <Line time="${iso(line.time)}" amount="${line.amount}" balance="${line.balance}">${xmlText(line.description)}</Line>`),
        `  </Lines>`,
        `  <ClosingCash>${statement.closingCash}</ClosingCash>`,
        ...positions("ClosingPositions", statement.closingPositions),
        `</AccountStatement>`,
        "",
      ].join("\n");
    }
  }
}
