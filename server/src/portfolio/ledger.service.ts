import type { DataSource, EntityManager } from "typeorm";
import type { AuditService } from "../audit";
import type { CashMovementGuard } from "../compliance";
import type { Session } from "../identity";
import { AppError, badUserInput } from "../infra/errors";
import { type Fixed, formatFixed, parseFixed, placesOf, ZERO } from "../infra/fixed";
import { type FillInput, type FillOutcome, LedgerBatch, newTransactionId } from "./ledger-batch";
import { type PubSub, topics } from "../infra/pubsub";
import { PortfolioRow, TransactionRow, TransactionStatus, TransactionType } from "./portfolio.entities";

/** Cash precision per currency: deposits and withdrawals off it are refused, never rounded. */
const CURRENCY_PLACES: Record<string, number> = { USD: 2 };
/** One deposit or withdrawal above this is a typo or an attack, not a customer. */
export const MAX_CASH_MOVEMENT = parseFixed("1000000000");

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
   * realized PnL, and BUY/SELL plus FEE transactions (see LedgerBatch.applyFill). For many fills
   * in one transaction, use a LedgerBatch directly.
   */
  async applyFill(manager: EntityManager, fill: FillInput): Promise<FillOutcome> {
    const batch = new LedgerBatch(manager);
    await batch.lock([fill.portfolioId], fill.symbol);
    const outcome = batch.applyFill(fill);
    await batch.flush();
    return outcome;
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
