import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";

/**
 * One writer: cash, positions and orders change only inside the sequencer. These are the only
 * files allowed to write the tables that hold them; anything else that does is a second writer
 * the sequencer's memory would not know about.
 */
const WRITERS = new Set(["portfolio/accounts.ts", "trading/sequence-step.ts", "trading/order-journal.ts"]);
const SRC = path.resolve(__dirname, "..");
const LEDGER_TABLES = "orders|fills|trades|positions|transactions";
const WRITES = [
  new RegExp(`\\b(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+(${LEDGER_TABLES})\\b`, "i"),
  /\bUPDATE\s+portfolios\b[\s\S]{0,200}\b(cash_balance|reserved_cash|invested_amount|realized_pnl)\b/i,
  new RegExp(`\\bbulk(Insert|Update)\\([^,]+,\\s*"(${LEDGER_TABLES}|portfolios)"`),
  // A part of a batch's journal statement (infra/database/bulk.ts).
  new RegExp(`\\.(insert|insertFrom|update)\\(\\s*"(${LEDGER_TABLES}|portfolios)"`),
  /\.(insert|update|save|delete|upsert|increment|decrement)\(\s*(OrderRow|FillRow|TradeRow|PositionRow|TransactionRow)\b/,
  /\.(update|save|increment|decrement)\(\s*PortfolioRow\b[\s\S]{0,200}\b(cashBalance|reservedCash|investedAmount|realizedPnl)\b/,
];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "migrations" ? [] : sources(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".spec.ts") ? [full] : [];
  });
}

describe("one writer of cash, positions and orders", () => {
  it("when the sources are read, then only the sequencer's step, the order rows it journals and the accounts it journals write those tables", () => {
    const offenders = sources(SRC)
      .map((file) => path.relative(SRC, file).split(path.sep).join("/"))
      .filter((file) => !WRITERS.has(file))
      .filter((file) => WRITES.some((pattern) => pattern.test(fs.readFileSync(path.join(SRC, file), "utf8"))));
    expect(offenders).to.deep.equal([]);
  });

  it("when a second writer appears, then the check names it", () => {
    const sample = "await manager.query(`UPDATE portfolios SET cash_balance = cash_balance + $1 WHERE id = $2`, [a, b]);";
    expect(WRITES.some((pattern) => pattern.test(sample))).to.equal(true);
    expect(WRITES.some((pattern) => pattern.test('await bulkInsert(manager, "orders", COLUMNS, rows);'))).to.equal(true);
    expect(WRITES.some((pattern) => pattern.test('new Journal().insert("fills", FILL_COLUMNS, rows)'))).to.equal(true);
  });
});
