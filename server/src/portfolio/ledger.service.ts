import { randomBytes } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import type { AuditService } from "../audit";
import type { CashMovementGuard } from "../compliance";
import type { Session } from "../identity";
import { AppError, badUserInput } from "../infra/errors";
import { type Fixed, formatFixed, mulFixed, divFixed, parseFixed, placesOf, ZERO } from "../infra/fixed";
import { type PubSub, topics } from "../infra/pubsub";
import { PortfolioRow, PositionRow, TransactionRow, TransactionStatus, TransactionType } from "./portfolio.entities";

/** Cash precision per currency: deposits and withdrawals off it are refused, never rounded. */
const CURRENCY_PLACES: Record<string, number> = { USD: 2 };
/** One deposit or withdrawal above this is a typo or an attack, not a customer. */
export const MAX_CASH_MOVEMENT = parseFixed("1000000000");

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
  transactions: TransactionRow[];
}

/**
 * Every movement of money is a transactions row, and the portfolio's cash balance moves with it
 * in the same database transaction, so the completed transactions (deposits and sells in,
 * withdrawals, buys and fees out) always sum to the cash balance.
 */
export class LedgerService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly pubsub: PubSub,
    /** KYC limits and AML rules, run inside each deposit's and withdrawal's transaction. */
    private readonly compliance?: CashMovementGuard,
  ) {}

  deposit(session: Session, portfolioId: string, amount: string): Promise<TransactionRow> {
    return this.moveCash(session, portfolioId, amount, TransactionType.DEPOSIT);
  }

  withdraw(session: Session, portfolioId: string, amount: string): Promise<TransactionRow> {
    return this.moveCash(session, portfolioId, amount, TransactionType.WITHDRAWAL);
  }

  /**
   * Settles one fill in the caller's transaction: cash, position (average-cost method),
   * realized PnL, and BUY/SELL plus FEE transactions. The caller has already checked buying
   * power and holdings; this refuses anything that would make cash or a position negative.
   */
  async applyFill(manager: EntityManager, fill: FillInput): Promise<FillOutcome> {
    if (fill.quantity <= ZERO || fill.price <= ZERO || fill.fee < ZERO) throw new Error("fill with a non-positive quantity or price");
    const portfolio = await lockPortfolio(manager, fill.portfolioId);
    const position = await manager
      .getRepository(PositionRow)
      .createQueryBuilder("p")
      .setLock("pessimistic_write")
      .where("p.portfolio_id = :id AND p.symbol = :symbol", { id: fill.portfolioId, symbol: fill.symbol })
      .getOne();
    const heldQuantity = position ? parseFixed(position.quantity) : ZERO;
    const averageCost = position ? parseFixed(position.averageCost) : ZERO;
    const notional = mulFixed(fill.quantity, fill.price, "half-even");
    let cash = parseFixed(portfolio.cashBalance);
    let quantity: Fixed;
    let nextAverage = averageCost;
    let realized = ZERO;
    if (fill.side === "BUY") {
      cash -= notional + fill.fee;
      quantity = heldQuantity + fill.quantity;
      // Average cost: the cost basis of everything held, over the quantity held. Fees are
      // expensed as FEE transactions, not folded into the basis.
      nextAverage = divFixed(mulFixed(heldQuantity, averageCost, "half-even") + notional, quantity, "half-even");
    } else {
      if (fill.quantity > heldQuantity) throw new Error(`sell of ${formatFixed(fill.quantity)} ${fill.symbol} exceeds the ${formatFixed(heldQuantity)} held`);
      cash += notional - fill.fee;
      quantity = heldQuantity - fill.quantity;
      realized = mulFixed(fill.price - averageCost, fill.quantity, "half-even");
      if (quantity === ZERO) nextAverage = ZERO;
    }
    if (cash < ZERO) throw new Error("fill would make cash negative");
    await manager.upsert(
      PositionRow,
      {
        portfolioId: fill.portfolioId,
        symbol: fill.symbol,
        quantity: formatFixed(quantity),
        averageCost: formatFixed(nextAverage),
        realizedPnl: formatFixed((position ? parseFixed(position.realizedPnl) : ZERO) + realized),
        reservedQuantity: position?.reservedQuantity ?? "0",
      },
      ["portfolioId", "symbol"],
    );
    const invested = parseFixed(portfolio.investedAmount) - mulFixed(heldQuantity, averageCost, "half-even") + mulFixed(quantity, nextAverage, "half-even");
    await manager.update(PortfolioRow, { id: fill.portfolioId }, {
      cashBalance: formatFixed(cash),
      investedAmount: formatFixed(invested),
      realizedPnl: formatFixed(parseFixed(portfolio.realizedPnl) + realized - fill.fee),
    });
    const base = { userId: fill.userId, portfolioId: fill.portfolioId, symbol: fill.symbol, assetName: fill.assetName, currency: portfolio.currency, metadata: fill.reference };
    const transactions = [
      await insertTransaction(manager, {
        ...base,
        type: fill.side === "BUY" ? TransactionType.BUY : TransactionType.SELL,
        quantity: formatFixed(fill.quantity),
        price: formatFixed(fill.price),
        totalAmount: formatFixed(notional),
        fees: formatFixed(fill.fee),
      }),
    ];
    if (fill.fee > ZERO) transactions.push(await insertTransaction(manager, { ...base, type: TransactionType.FEE, totalAmount: formatFixed(fill.fee), fees: "0" }));
    return { cashBalance: cash, position: { quantity, averageCost: nextAverage }, realizedPnl: realized, transactions };
  }

  /** Tells every process's valuation that these portfolios changed; call after the commit. */
  async notifyChanged(portfolioIds: Iterable<string>): Promise<void> {
    for (const portfolioId of new Set(portfolioIds)) await this.pubsub.publish(topics.portfolioChanged(), { portfolioId });
  }

  private async moveCash(session: Session, portfolioId: string, rawAmount: string, type: TransactionType.DEPOSIT | TransactionType.WITHDRAWAL): Promise<TransactionRow> {
    const userId = session.requireUser();
    const amount = parseAmount(rawAmount);
    const row = await this.dataSource.transaction(async (manager) => {
      const portfolio = isUuid(portfolioId) ? await lockPortfolio(manager, portfolioId).catch(() => null) : null;
      session.assertOwns(portfolio, "Portfolio");
      checkCurrencyPrecision(amount, portfolio.currency);
      await this.compliance?.beforeCashMovement(manager, { userId, type, amount });
      const cash = parseFixed(portfolio.cashBalance);
      const available = cash - parseFixed(portfolio.reservedCash);
      if (type === TransactionType.WITHDRAWAL && amount > available) {
        throw new AppError("BAD_USER_INPUT", `Insufficient cash: ${formatFixed(available)} ${portfolio.currency} available`, {
          field: "amount",
          reason: "INSUFFICIENT_FUNDS",
        });
      }
      const next = type === TransactionType.DEPOSIT ? cash + amount : cash - amount;
      await manager.update(PortfolioRow, { id: portfolioId }, { cashBalance: formatFixed(next) });
      const transaction = await insertTransaction(manager, {
        userId,
        portfolioId,
        type,
        totalAmount: formatFixed(amount),
        fees: "0",
        currency: portfolio.currency,
      });
      await this.audit.append(manager, {
        eventType: type === TransactionType.DEPOSIT ? "ledger.deposit" : "ledger.withdrawal",
        userId,
        entityType: "transaction",
        entityId: transaction.transactionId,
        payload: { portfolioId, amount: formatFixed(amount), currency: portfolio.currency },
      });
      await this.compliance?.afterCashMovement(manager, { userId, transactionId: transaction.transactionId });
      return transaction;
    });
    await this.notifyChanged([portfolioId]);
    return row;
  }
}

function parseAmount(raw: string): Fixed {
  let amount: Fixed;
  try {
    amount = parseFixed(raw);
  } catch {
    throw badUserInput("amount must be a decimal string such as \"100.00\"", "amount");
  }
  if (amount <= ZERO) throw badUserInput("amount must be greater than zero", "amount");
  if (amount > MAX_CASH_MOVEMENT) throw badUserInput(`amount must be at most ${formatFixed(MAX_CASH_MOVEMENT)}`, "amount");
  return amount;
}

function checkCurrencyPrecision(amount: Fixed, currency: string): void {
  const places = CURRENCY_PLACES[currency] ?? 2;
  if (placesOf(formatFixed(amount)) > places) throw badUserInput(`${currency} amounts have at most ${places} decimal places`, "amount");
}

function lockPortfolio(manager: EntityManager, portfolioId: string): Promise<PortfolioRow> {
  return manager.getRepository(PortfolioRow).createQueryBuilder("p").setLock("pessimistic_write").where("p.id = :id", { id: portfolioId }).getOneOrFail();
}

/** `TX-YYYYMMDD-<12 hex>`: readable on a statement, unique without a round trip. */
function newTransactionId(now = new Date()): string {
  return `TX-${now.toISOString().slice(0, 10).replace(/-/g, "")}-${randomBytes(6).toString("hex")}`;
}

async function insertTransaction(manager: EntityManager, values: Partial<TransactionRow>): Promise<TransactionRow> {
  const row = manager.create(TransactionRow, {
    transactionId: newTransactionId(),
    status: TransactionStatus.COMPLETED,
    settlementDate: new Date().toISOString().slice(0, 10),
    ...values,
  });
  await manager.insert(TransactionRow, row);
  return row;
}

export const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
