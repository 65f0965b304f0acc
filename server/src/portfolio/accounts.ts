import { randomBytes, randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import { type BulkColumn, Journal } from "../infra/database/bulk";
import { type Fixed, divFixed, formatFixed, mulFixed, parseFixed, ZERO } from "../infra/fixed";
import type { CommittedPortfolio } from "../infra/pubsub";
import { TransactionStatus, TransactionType } from "./portfolio.entities";

export interface FillInput {
  portfolioId: string;
  userId: string;
  symbol: string;
  assetName: string;
  side: "BUY" | "SELL";
  quantity: Fixed;
  price: Fixed;
  fee: Fixed;
  /** The order or fill this settles, kept in the transactions' metadata. */
  reference: Record<string, string>;
}

export interface FillOutcome {
  cashBalance: Fixed;
  position: { quantity: Fixed; averageCost: Fixed };
  /** Gross realized PnL of this fill (sells only; fees are separate FEE transactions). */
  realizedPnl: Fixed;
  /** transaction_id of the BUY/SELL row and, when there is a fee, the FEE row. */
  transactionIds: string[];
}

/** A portfolio's money as the batch holds it. */
export interface CashAccount {
  id: string;
  userId: string;
  currency: string;
  cash: Fixed;
  reserved: Fixed;
  invested: Fixed;
  realized: Fixed;
}

/** A position as the batch holds it; `quantity` 0 and no row yet are the same thing. */
export interface Holding {
  quantity: Fixed;
  reserved: Fixed;
  averageCost: Fixed;
  realized: Fixed;
}

export interface NewTransaction {
  id: string;
  transactionId: string;
  userId: string;
  portfolioId: string;
  type: TransactionType;
  symbol: string | null;
  assetName: string | null;
  quantity: string | null;
  price: string | null;
  totalAmount: string;
  fees: string;
  currency: string;
  metadata: Record<string, string>;
}

/**
 * Every portfolio's money and positions as the sequencer holds them in memory: cash, reserved
 * cash, positions and reserved quantities. The sequencer is the only writer of these; it loads
 * a portfolio the first time a command names it (a plain read: nothing else writes these
 * columns, so no lock is needed), changes it in memory, and writes what a batch changed with
 * three set-based statements inside the batch's transaction (`flush`). When a commit fails,
 * `reset` drops everything and the next batch reads the committed state again: memory is never
 * left ahead of the database.
 */
export class Accounts {
  private readonly accounts = new Map<string, CashAccount>();
  /** portfolio id -> symbol -> holding (held or once held). */
  private readonly holdings = new Map<string, Map<string, Holding>>();
  private readonly touchedAccounts = new Set<string>();
  /** The holdings a batch changed, by `portfolio id|symbol`, for the journal. */
  private readonly touchedHoldings = new Map<string, { portfolioId: string; symbol: string; holding: Holding }>();
  private readonly transactions: NewTransaction[] = [];

  /** Portfolios held in memory. */
  get size(): number {
    return this.accounts.size;
  }

  /**
   * Loads the portfolios not held yet with all their positions. Ids that are not portfolios are
   * simply absent afterwards (see `has`).
   */
  async load(manager: EntityManager, portfolioIds: Iterable<string>): Promise<void> {
    const missing = [...new Set(portfolioIds)].filter((id) => !this.accounts.has(id));
    if (missing.length === 0) return;
    const rows: Array<Record<string, string>> = await manager.query(
      `SELECT id, user_id, currency, cash_balance, reserved_cash, invested_amount, realized_pnl
         FROM portfolios WHERE id = ANY($1::uuid[])`,
      [missing],
    );
    for (const row of rows) {
      this.accounts.set(row.id, {
        id: row.id,
        userId: row.user_id,
        currency: row.currency,
        cash: parseFixed(row.cash_balance),
        reserved: parseFixed(row.reserved_cash),
        invested: parseFixed(row.invested_amount),
        realized: parseFixed(row.realized_pnl),
      });
    }
    const positions: Array<Record<string, string>> = await manager.query(
      `SELECT portfolio_id, symbol, quantity, reserved_quantity, average_cost, realized_pnl
         FROM positions WHERE portfolio_id = ANY($1::uuid[])`,
      [rows.map((row) => row.id)],
    );
    for (const row of positions) {
      this.holdingsOf(row.portfolio_id).set(row.symbol, {
        quantity: parseFixed(row.quantity),
        reserved: parseFixed(row.reserved_quantity),
        averageCost: parseFixed(row.average_cost),
        realized: parseFixed(row.realized_pnl),
      });
    }
  }

  /** Forgets everything, written or not: the next `load` reads what the database committed. */
  reset(): void {
    this.accounts.clear();
    this.holdings.clear();
    this.touchedAccounts.clear();
    this.touchedHoldings.clear();
    this.transactions.length = 0;
  }

  has(portfolioId: string): boolean {
    return this.accounts.has(portfolioId);
  }

  account(portfolioId: string): CashAccount {
    const account = this.accounts.get(portfolioId);
    if (!account) throw new Error(`portfolio ${portfolioId} is not loaded`);
    return account;
  }

  holding(portfolioId: string, symbol: string): Holding {
    this.account(portfolioId);
    const held = this.holdingsOf(portfolioId);
    let holding = held.get(symbol);
    if (!holding) held.set(symbol, (holding = { quantity: ZERO, reserved: ZERO, averageCost: ZERO, realized: ZERO }));
    return holding;
  }

  /** The portfolio's cash and positions as held now: after a commit, what it committed (valuation takes it as is). */
  state(portfolioId: string): CommittedPortfolio {
    const account = this.account(portfolioId);
    const positions: CommittedPortfolio["positions"] = [];
    for (const [symbol, holding] of this.holdings.get(portfolioId) ?? []) {
      if (holding.quantity > ZERO) positions.push({ symbol, quantity: formatFixed(holding.quantity), averageCost: formatFixed(holding.averageCost) });
    }
    return { userId: account.userId, cashBalance: formatFixed(account.cash), realizedPnl: formatFixed(account.realized), positions };
  }

  private holdingsOf(portfolioId: string): Map<string, Holding> {
    let held = this.holdings.get(portfolioId);
    if (!held) this.holdings.set(portfolioId, (held = new Map()));
    return held;
  }

  private touchHolding(portfolioId: string, symbol: string, holding: Holding): void {
    this.touchedHoldings.set(`${portfolioId}|${symbol}`, { portfolioId, symbol, holding });
  }

  /** The quantity held, or zero when the portfolio holds none or is not loaded yet. */
  held(portfolioId: string, symbol: string): Fixed {
    return this.holdings.get(portfolioId)?.get(symbol)?.quantity ?? ZERO;
  }

  /** Cash not promised to open buy orders. */
  availableCash(portfolioId: string): Fixed {
    const account = this.account(portfolioId);
    return account.cash - account.reserved;
  }

  /** Quantity not promised to open sell orders. */
  freeQuantity(portfolioId: string, symbol: string): Fixed {
    const holding = this.holding(portfolioId, symbol);
    return holding.quantity - holding.reserved;
  }

  /** Moves reserved cash by `delta` (positive reserves, negative releases). */
  reserveCash(portfolioId: string, delta: Fixed): void {
    const account = this.account(portfolioId);
    const next = account.reserved + delta;
    if (next < ZERO || next > account.cash) throw new Error(`reserved cash would be ${formatFixed(next)} of ${formatFixed(account.cash)}`);
    account.reserved = next;
    this.touchedAccounts.add(portfolioId);
  }

  /** Moves reserved quantity by `delta` (positive reserves, negative releases). */
  reserveQuantity(portfolioId: string, symbol: string, delta: Fixed): void {
    const holding = this.holding(portfolioId, symbol);
    const next = holding.reserved + delta;
    if (next < ZERO || next > holding.quantity) throw new Error(`reserved ${symbol} would be ${formatFixed(next)} of ${formatFixed(holding.quantity)}`);
    holding.reserved = next;
    this.touchHolding(portfolioId, symbol, holding);
  }

  /**
   * Settles one fill: cash, position (average-cost method), realized PnL, and BUY/SELL plus FEE
   * transactions. The caller has already checked buying power and holdings; this refuses
   * anything that would make cash or a position negative.
   */
  applyFill(fill: FillInput): FillOutcome {
    if (fill.quantity <= ZERO || fill.price <= ZERO || fill.fee < ZERO) throw new Error("fill with a non-positive quantity or price");
    const account = this.account(fill.portfolioId);
    const holding = this.holding(fill.portfolioId, fill.symbol);
    const held = holding.quantity;
    const notional = mulFixed(fill.quantity, fill.price, "half-even");
    let cash = account.cash;
    let quantity: Fixed;
    let nextAverage = holding.averageCost;
    let realized = ZERO;
    if (fill.side === "BUY") {
      cash -= notional + fill.fee;
      quantity = held + fill.quantity;
      // Average cost: the cost basis of everything held, over the quantity held. Fees are
      // expensed as FEE transactions, not folded into the basis.
      nextAverage = divFixed(mulFixed(held, holding.averageCost, "half-even") + notional, quantity, "half-even");
    } else {
      if (fill.quantity > held) throw new Error(`sell of ${formatFixed(fill.quantity)} ${fill.symbol} exceeds the ${formatFixed(held)} held`);
      cash += notional - fill.fee;
      quantity = held - fill.quantity;
      realized = mulFixed(fill.price - holding.averageCost, fill.quantity, "half-even");
      if (quantity === ZERO) nextAverage = ZERO;
    }
    if (cash < account.reserved) throw new Error("fill would leave cash below what open orders reserve");
    account.invested += mulFixed(quantity, nextAverage, "half-even") - mulFixed(held, holding.averageCost, "half-even");
    account.cash = cash;
    account.realized += realized - fill.fee;
    holding.quantity = quantity;
    holding.averageCost = nextAverage;
    holding.realized += realized;
    this.touchedAccounts.add(fill.portfolioId);
    this.touchHolding(fill.portfolioId, fill.symbol, holding);
    const base = { userId: fill.userId, portfolioId: fill.portfolioId, symbol: fill.symbol, assetName: fill.assetName, currency: account.currency, metadata: fill.reference };
    const trade = this.addTransaction({
      ...base,
      type: fill.side === "BUY" ? TransactionType.BUY : TransactionType.SELL,
      quantity: formatFixed(fill.quantity),
      price: formatFixed(fill.price),
      totalAmount: formatFixed(notional),
      fees: formatFixed(fill.fee),
    });
    const transactionIds = [trade.transactionId];
    if (fill.fee > ZERO) {
      transactionIds.push(this.addTransaction({ ...base, type: TransactionType.FEE, quantity: null, price: null, totalAmount: formatFixed(fill.fee), fees: "0" }).transactionId);
    }
    return { cashBalance: cash, position: { quantity, averageCost: nextAverage }, realizedPnl: realized, transactionIds };
  }

  /**
   * A deposit or withdrawal: the cash moves and a transactions row records it. Returns the row
   * as it will be written; `flush` writes it.
   */
  moveCash(portfolioId: string, type: TransactionType.DEPOSIT | TransactionType.WITHDRAWAL, amount: Fixed): NewTransaction {
    const account = this.account(portfolioId);
    const next = type === TransactionType.DEPOSIT ? account.cash + amount : account.cash - amount;
    if (next < account.reserved) throw new Error("a withdrawal would take cash that open orders reserve");
    account.cash = next;
    this.touchedAccounts.add(portfolioId);
    return this.addTransaction({
      userId: account.userId,
      portfolioId,
      type,
      symbol: null,
      assetName: null,
      quantity: null,
      price: null,
      totalAmount: formatFixed(amount),
      fees: "0",
      currency: account.currency,
      metadata: {},
    });
  }

  /** Writes every change now, in one statement. */
  async flush(manager: EntityManager): Promise<void> {
    await this.journal(new Journal()).write(manager);
  }

  /** Adds every change to `journal`: portfolios' money, positions, new transactions. */
  journal(journal: Journal): Journal {
    const now = new Date();
    journal.update(
      "portfolios",
      ["id", "uuid", (a) => a.id],
      [
        ["cash_balance", "numeric", (a) => formatFixed(a.cash)],
        ["reserved_cash", "numeric", (a) => formatFixed(a.reserved)],
        ["invested_amount", "numeric", (a) => formatFixed(a.invested)],
        ["realized_pnl", "numeric", (a) => formatFixed(a.realized)],
        ["updated_at", "timestamptz", () => now],
      ],
      [...this.touchedAccounts].map((id) => this.account(id)),
    );
    journal.insert(
      "positions",
      POSITION_COLUMNS(now),
      [...this.touchedHoldings.values()],
      `ON CONFLICT (portfolio_id, symbol) DO UPDATE
          SET quantity = EXCLUDED.quantity, reserved_quantity = EXCLUDED.reserved_quantity, average_cost = EXCLUDED.average_cost,
              realized_pnl = EXCLUDED.realized_pnl, updated_at = EXCLUDED.updated_at`,
    );
    journal.insert("transactions", TRANSACTION_COLUMNS(now.toISOString().slice(0, 10), now), [...this.transactions]);
    this.touchedAccounts.clear();
    this.touchedHoldings.clear();
    this.transactions.length = 0;
    return journal;
  }

  private addTransaction(values: Omit<NewTransaction, "id" | "transactionId">): NewTransaction {
    const row = { ...values, id: randomUUID(), transactionId: newTransactionId() };
    this.transactions.push(row);
    return row;
  }
}

const TRANSACTION_COLUMNS = (settlementDate: string, now: Date): Array<BulkColumn<NewTransaction>> => [
  ["id", "uuid", (t) => t.id],
  ["transaction_id", "varchar", (t) => t.transactionId],
  ["user_id", "uuid", (t) => t.userId],
  ["portfolio_id", "uuid", (t) => t.portfolioId],
  ["transaction_type", "varchar", (t) => t.type],
  ["asset_symbol", "varchar", (t) => t.symbol],
  ["asset_name", "varchar", (t) => t.assetName],
  ["quantity", "numeric", (t) => t.quantity],
  ["price", "numeric", (t) => t.price],
  ["total_amount", "numeric", (t) => t.totalAmount],
  ["fees", "numeric", (t) => t.fees],
  ["currency", "char(3)", (t) => t.currency],
  ["metadata", "jsonb", (t) => JSON.stringify(t.metadata)],
  ["status", "varchar", () => TransactionStatus.COMPLETED],
  ["settlement_date", "date", () => settlementDate],
  ["created_at", "timestamptz", () => now],
  ["updated_at", "timestamptz", () => now],
];

const POSITION_COLUMNS = (now: Date): Array<BulkColumn<{ portfolioId: string; symbol: string; holding: Holding }>> => [
  ["portfolio_id", "uuid", ({ portfolioId }) => portfolioId],
  ["symbol", "varchar", ({ symbol }) => symbol],
  ["quantity", "numeric", ({ holding }) => formatFixed(holding.quantity)],
  ["reserved_quantity", "numeric", ({ holding }) => formatFixed(holding.reserved)],
  ["average_cost", "numeric", ({ holding }) => formatFixed(holding.averageCost)],
  ["realized_pnl", "numeric", ({ holding }) => formatFixed(holding.realized)],
  ["updated_at", "timestamptz", () => now],
];


/** `TX-YYYYMMDD-<12 hex>`: readable on a statement, unique without a round trip. */
export function newTransactionId(now = new Date()): string {
  return `TX-${now.toISOString().slice(0, 10).replace(/-/g, "")}-${randomBytes(6).toString("hex")}`;
}
