import type { Session } from "../identity";
import { AppError, badUserInput } from "../infra/errors";
import { type Fixed, formatFixed, parseFixed, placesOf, ZERO } from "../infra/fixed";
import { type PubSub, topics } from "../infra/pubsub";
import type { FillInput } from "./accounts";
import { type TransactionRow, TransactionType } from "./portfolio.entities";

/** Cash precision per currency: deposits and withdrawals off it are refused, never rounded. */
const CURRENCY_PLACES: Record<string, number> = { USD: 2 };
/** One deposit or withdrawal above this is a typo or an attack, not a customer. */
export const MAX_CASH_MOVEMENT = parseFixed("1000000000");

/** A deposit or withdrawal as the sequencer takes it: validated, not yet authorized. */
export interface CashCommand {
  session: Session;
  userId: string;
  portfolioId: string;
  type: TransactionType.DEPOSIT | TransactionType.WITHDRAWAL;
  amount: Fixed;
}

/**
 * The one writer of cash and positions (the trading sequencer), as this feature sees it:
 * everything that moves money is a command to it, applied in sequence and journalled before
 * it is answered.
 */
export interface CashSequencer {
  moveCash(command: CashCommand): Promise<TransactionRow>;
  /** A position bought or sold outside the book at a given price (the market maker's inventory). */
  bookFill(fill: FillInput): Promise<void>;
}

/**
 * The gateway for money movements: validates amounts at the edge and hands them to the
 * sequencer. Every movement of money is a transactions row, and the portfolio's cash balance
 * moves with it in the same database transaction, so the completed transactions (deposits and
 * sells in, withdrawals, buys and fees out) always sum to the cash balance.
 */
export class LedgerService {
  constructor(
    private readonly sequencer: CashSequencer,
    private readonly pubsub: PubSub,
  ) {}

  deposit(session: Session, portfolioId: string, amount: string): Promise<TransactionRow> {
    return this.moveCash(session, portfolioId, amount, TransactionType.DEPOSIT);
  }

  withdraw(session: Session, portfolioId: string, amount: string): Promise<TransactionRow> {
    return this.moveCash(session, portfolioId, amount, TransactionType.WITHDRAWAL);
  }

  /** Books a fill outside the order book through the sequencer (inventory, test fixtures). */
  applyFill(fill: FillInput): Promise<void> {
    return this.sequencer.bookFill(fill);
  }

  /** Tells every process's valuation that these portfolios changed; call after the commit. */
  async notifyChanged(portfolioIds: Iterable<string>): Promise<void> {
    for (const portfolioId of new Set(portfolioIds)) await this.pubsub.publish(topics.portfolioChanged(), { portfolioId });
  }

  private async moveCash(session: Session, portfolioId: string, rawAmount: string, type: TransactionType.DEPOSIT | TransactionType.WITHDRAWAL): Promise<TransactionRow> {
    const userId = session.requireUser();
    const amount = parseAmount(rawAmount);
    return this.sequencer.moveCash({ session, userId, portfolioId, type, amount });
  }
}

/** The refusal a withdrawal beyond the free cash gets. */
export function insufficientFunds(available: Fixed, currency: string): AppError {
  return new AppError("BAD_USER_INPUT", `Insufficient cash: ${formatFixed(available)} ${currency} available`, { field: "amount", reason: "INSUFFICIENT_FUNDS" });
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

/** Checked inside the sequencer, where the portfolio and so its currency are known. */
export function checkCurrencyPrecision(amount: Fixed, currency: string): void {
  const places = CURRENCY_PLACES[currency] ?? 2;
  if (placesOf(formatFixed(amount)) > places) throw badUserInput(`${currency} amounts have at most ${places} decimal places`, "amount");
}

