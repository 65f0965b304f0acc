import type { DataSource, EntityManager } from "typeorm";
import type { AuditService } from "../audit";
import type { Session } from "../identity";
import { AppError, badUserInput } from "../infra/errors";
import { type Fixed, divFixed, formatFixed, mulFixed, parseFixed, ZERO } from "../infra/fixed";
import type { InstrumentService, MarketDataService } from "../market";
import { isUuid } from "../infra/graphql/text";
import { decodeCursor, encodeCursor } from "../infra/graphql/pagination";
import { Role } from "../infra/auth";
import { valueHistory } from "./portfolio.history";
import type { LedgerService } from "./ledger.service";
import { type AllocationTargetValue, PortfolioRiskLevel, PortfolioRow, type PositionRow } from "./portfolio.entities";
import { type AllocationTargetInput, type CreatePortfolioInput, OrderSide, Portfolio, type ProposedOrder, type RebalanceProposal } from "./portfolio.types";
import { type Holding, type PortfolioValue, type WalletHolding, valuePortfolio } from "./valuation-math";
import { StatementService } from "./statement.service";
import type { AccountStatement } from "./statement.types";

export const MAX_PORTFOLIOS_PER_USER = 50;
const ONE = parseFixed("1");

/** Portfolios, their targets, and valuation of a portfolio at current prices. */
export class PortfolioService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly ledger: LedgerService,
    private readonly instruments: InstrumentService,
    private readonly marketData: MarketDataService,
  ) {
    this.statements = new StatementService(dataSource);
  }

  private readonly statements: StatementService;

  async create(session: Session, input: CreatePortfolioInput): Promise<Portfolio> {
    const userId = session.requireUser();
    const name = input.name.trim();
    if (name.length < 1 || name.length > 255) throw badUserInput("name must be 1 to 255 characters", "name");
    const threshold = input.rebalanceThreshold ? parseFixed(input.rebalanceThreshold) : parseFixed("0.05");
    if (threshold <= ZERO || threshold > ONE || formatFixed(threshold).split(".")[1]?.length > 4) {
      throw badUserInput("rebalanceThreshold must be above 0 and at most 1, with at most 4 decimal places", "rebalanceThreshold");
    }
    if (input.benchmarkSymbol) await this.instruments.requireSymbols([input.benchmarkSymbol]);
    const row = await this.dataSource.transaction(async (manager) => {
      const count = await manager.countBy(PortfolioRow, { userId });
      if (count >= MAX_PORTFOLIOS_PER_USER) throw new AppError("CONFLICT", `At most ${MAX_PORTFOLIOS_PER_USER} portfolios per user`);
      const created = manager.create(PortfolioRow, {
        userId,
        name,
        description: input.description?.trim() || null,
        riskLevel: input.riskLevel ?? PortfolioRiskLevel.MODERATE,
        benchmarkSymbol: input.benchmarkSymbol ?? null,
        autoRebalance: input.autoRebalance ?? false,
        rebalanceThreshold: formatFixed(threshold),
      });
      await manager.insert(PortfolioRow, created);
      await this.audit.append(manager, { eventType: "portfolio.created", userId, entityType: "portfolio", entityId: created.id });
      return manager.findOneByOrFail(PortfolioRow, { id: created.id });
    });
    await this.ledger.notifyChanged([row.id]);
    return toPortfolio(row);
  }

  async list(session: Session): Promise<Portfolio[]> {
    const rows = await this.dataSource.getRepository(PortfolioRow).find({ where: { userId: session.requireUser() }, order: { createdAt: "ASC" } });
    return rows.filter((row) => session.reaches(row.id)).map(toPortfolio);
  }

  /** The caller's portfolio, or null for one that does not exist or is someone else's. */
  async findOwned(session: Session, id: string): Promise<Portfolio | null> {
    const userId = session.requireUser();
    const row = isUuid(id) ? await this.dataSource.getRepository(PortfolioRow).findOneBy({ id }) : null;
    if (!row || row.userId !== userId) return null;
    session.assertPortfolioInReach(row.id);
    return toPortfolio(row);
  }

  /** The caller's account statement over [from, to); NOT_FOUND for anyone else's portfolio. */
  async statement(session: Session, portfolioId: string, from: Date, to: Date): Promise<AccountStatement> {
    const portfolio = await this.requireOwned(session, portfolioId);
    return this.statements.statement(portfolio.id, portfolio.currency, from, to);
  }

  /**
   * The caller's portfolio, or, for an analyst or admin signed in (not an API key), anyone's,
   * read-only, audited, and without the owner's words (name, description). Null otherwise.
   */
  async findReadable(session: Session, id: string, read: "portfolio" | "performance"): Promise<Portfolio | null> {
    const userId = session.requireUser();
    const row = isUuid(id) ? await this.dataSource.getRepository(PortfolioRow).findOneBy({ id }) : null;
    if (!row) return null;
    if (row.userId === userId) {
      session.assertPortfolioInReach(row.id);
      return toPortfolio(row);
    }
    if (!mayReadAll(session)) return null;
    await this.audit.record({ eventType: "portfolio.read_by_staff", userId, entityType: "portfolio", entityId: row.id, payload: { read } });
    return staffView(row);
  }

  /** Every portfolio, oldest first, for analysts and admins: one audit event names the page read. */
  async page(session: Session, first: number, after: string | null): Promise<{ rows: Portfolio[]; hasNextPage: boolean; totalCount: number }> {
    const userId = session.requireUser();
    const position = decodeCursor(after, PORTFOLIO_CURSOR);
    const [afterTime, afterId] = position ? position.split("|") : [null, null];
    const query = this.dataSource.getRepository(PortfolioRow).createQueryBuilder("p").orderBy(MS_CREATED, "ASC").addOrderBy("p.id", "ASC").limit(first + 1);
    // Compared at the cursor's precision (milliseconds), or a row would come back on the next page.
    if (afterTime) query.where(`(${MS_CREATED}, p.id) > (:afterTime::timestamptz, :afterId::uuid)`, { afterTime, afterId });
    const [rows, totalCount] = await Promise.all([query.getMany(), this.dataSource.getRepository(PortfolioRow).count()]);
    const page = rows.slice(0, first);
    await this.audit.record({ eventType: "portfolio.all_read", userId, entityType: "portfolio", payload: { portfolioIds: page.map((row) => row.id) } });
    return { rows: page.map(staffView), hasNextPage: rows.length > first, totalCount };
  }

  /** Day-end and pre-flow value snapshots and the cash flows of [from, to), for a time-weighted return. */
  history(portfolio: Portfolio, from: Date, to: Date) {
    return valueHistory(this.dataSource, portfolio.id, from, to);
  }

  async requireOwned(session: Session, id: string): Promise<Portfolio> {
    const portfolio = await this.findOwned(session, id);
    session.assertOwns(portfolio, "Portfolio");
    return portfolio;
  }

  /** Targets must name listed instruments once each, with positive weights summing to exactly 1. */
  async setTargetAllocation(session: Session, id: string, targets: AllocationTargetInput[]): Promise<Portfolio> {
    const portfolio = await this.requireOwned(session, id);
    const symbols = targets.map((target) => target.symbol);
    if (new Set(symbols).size !== symbols.length) throw badUserInput("Each symbol may appear once", "targets");
    await this.instruments.requireSymbols(symbols);
    let sum = ZERO;
    const values: AllocationTargetValue[] = targets.map((target) => {
      const weight = parseFixed(target.weight);
      if (weight <= ZERO || weight > ONE) throw badUserInput(`Weight of ${target.symbol} must be above 0 and at most 1`, "targets");
      sum += weight;
      return { symbol: target.symbol, weight: formatFixed(weight) };
    });
    if (targets.length > 0 && sum !== ONE) throw badUserInput(`Weights must sum to 1 (they sum to ${formatFixed(sum)})`, "targets");
    const row = await this.dataSource.transaction(async (manager) => {
      await manager.update(PortfolioRow, { id }, { assetAllocation: values });
      await this.audit.append(manager, { eventType: "portfolio.targets_set", userId: portfolio.userId, entityType: "portfolio", entityId: id, payload: { targets: values } });
      return manager.findOneByOrFail(PortfolioRow, { id });
    });
    return toPortfolio(row);
  }

  targets(portfolio: Portfolio): AllocationTargetValue[] {
    return portfolio.assetAllocation ?? [];
  }

  /** Values positions at the last prices this process knows. */
  value(portfolio: Portfolio, positions: PositionRow[], wallet: WalletHolding[] = []): PortfolioValue {
    const priceOf = (symbol: string) => {
      const last = this.marketData.lastPrice(symbol);
      return last ? parseFixed(last) : null;
    };
    const holdings: Holding[] = positions.map((row) => ({ symbol: row.symbol, quantity: parseFixed(row.quantity), averageCost: parseFixed(row.averageCost), source: "LEDGER" }));
    // On-chain balances have no cost basis here (they were bought elsewhere): valued at market,
    // they add to the total value and to no unrealized P&L.
    for (const held of wallet) holdings.push({ symbol: held.symbol, quantity: parseFixed(held.quantity), averageCost: priceOf(held.symbol) ?? 0n, source: "WALLET" });
    return valuePortfolio(parseFixed(portfolio.cashBalance), holdings, priceOf);
  }

  /**
   * The orders that would bring the portfolio back to its targets: sells first, then buys
   * within the cash available after them, every quantity rounded down to the lot.
   */
  async rebalanceProposal(portfolio: Portfolio, positions: PositionRow[]): Promise<RebalanceProposal> {
    const targets = this.targets(portfolio);
    if (targets.length === 0) return { maxDrift: "0", needed: false, orders: [] };
    const valuation = this.value(portfolio, positions);
    const instruments = await this.instruments.bySymbol();
    const weightOf = new Map(targets.map((target) => [target.symbol, parseFixed(target.weight)]));
    const current = new Map(valuation.positions.map((position) => [position.symbol, position]));
    const symbols = [...new Set([...weightOf.keys(), ...current.keys()])].sort();
    let maxDrift = ZERO;
    const wants: Array<{ symbol: string; delta: Fixed; price: Fixed; lot: Fixed }> = [];
    for (const symbol of symbols) {
      const target = weightOf.get(symbol) ?? ZERO;
      const held = current.get(symbol);
      const weight = held?.weight ?? ZERO;
      const drift = weight > target ? weight - target : target - weight;
      if (drift > maxDrift) maxDrift = drift;
      const last = this.marketData.lastPrice(symbol);
      const price = held?.marketPrice ?? (last ? parseFixed(last) : null);
      if (!price || valuation.totalValue <= ZERO) continue;
      const delta = mulFixed(valuation.totalValue, target, "half-even") - (held?.marketValue ?? ZERO);
      wants.push({ symbol, delta, price, lot: parseFixed(instruments.get(symbol)!.lotSize) });
    }
    const orders: ProposedOrder[] = [];
    let budget = parseFixed(portfolio.cashBalance) - parseFixed(portfolio.reservedCash);
    for (const want of wants.filter((w) => w.delta < ZERO)) {
      const heldQuantity = current.get(want.symbol)?.quantity ?? ZERO;
      const quantity = minLots(floorToLot(divFixed(-want.delta, want.price, "down"), want.lot), heldQuantity, want.lot);
      if (quantity <= ZERO) continue;
      budget += mulFixed(quantity, want.price, "down");
      orders.push(proposed(want.symbol, OrderSide.SELL, quantity, want.price));
    }
    // Largest shortfall first, so a tight budget goes where the drift is worst.
    for (const want of wants.filter((w) => w.delta > ZERO).sort((a, b) => (b.delta > a.delta ? 1 : b.delta < a.delta ? -1 : 0))) {
      const affordable = floorToLot(divFixed(budget, want.price, "down"), want.lot);
      const desired = floorToLot(divFixed(want.delta, want.price, "down"), want.lot);
      const quantity = desired < affordable ? desired : affordable;
      if (quantity <= ZERO) continue;
      budget -= mulFixed(quantity, want.price, "up");
      orders.push(proposed(want.symbol, OrderSide.BUY, quantity, want.price));
    }
    return { maxDrift: formatFixed(maxDrift), needed: maxDrift > parseFixed(portfolio.rebalanceThreshold), orders };
  }
}

function floorToLot(quantity: Fixed, lot: Fixed): Fixed {
  return quantity <= ZERO ? ZERO : (quantity / lot) * lot;
}

function minLots(quantity: Fixed, held: Fixed, lot: Fixed): Fixed {
  return quantity < held ? quantity : floorToLot(held, lot);
}

function proposed(symbol: string, side: OrderSide, quantity: Fixed, price: Fixed): ProposedOrder {
  return { symbol, side, quantity: formatFixed(quantity), estimatedPrice: formatFixed(price) };
}

/** A system account's first portfolio, created when missing; `funded` when it holds any cash. */
export async function ensureSystemPortfolio(manager: EntityManager, userId: string, name: string): Promise<{ id: string; funded: boolean }> {
  let [portfolio] = await manager.query(`SELECT id, cash_balance FROM portfolios WHERE user_id = $1 ORDER BY created_at LIMIT 1`, [userId]);
  if (!portfolio) [portfolio] = await manager.query(`INSERT INTO portfolios (user_id, name) VALUES ($1, $2) RETURNING id, cash_balance`, [userId, name]);
  return { id: portfolio.id, funded: parseFixed(portfolio.cash_balance) > ZERO };
}

/** `<created_at ISO>|<id>`: keyset pagination over portfolios, stable under inserts. */
const PORTFOLIO_CURSOR = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\|[0-9a-f-]{36}$/;

const MS_CREATED = "date_trunc('milliseconds', p.created_at)";

export const portfolioCursor = (portfolio: Portfolio) => encodeCursor(`${portfolio.createdAt.toISOString()}|${portfolio.id}`);

/** Analysts read every portfolio's figures for research; who owns it and what they call it stay private. */
export const mayReadAll = (session: Session) => session.principal.kind === "user" && session.hasRole(Role.ANALYST, Role.COMPLIANCE_OFFICER, Role.ADMIN);

function staffView(row: PortfolioRow): Portfolio {
  return Object.assign(toPortfolio(row), { name: `Portfolio ${row.id.slice(0, 8)}`, description: null, readOnly: true });
}

export function toPortfolio(row: PortfolioRow): Portfolio {
  const available = parseFixed(row.cashBalance) - parseFixed(row.reservedCash);
  return Object.assign(new Portfolio(), row, { availableCash: formatFixed(available), readOnly: false });
}
