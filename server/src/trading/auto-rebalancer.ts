import type { DataSource } from "typeorm";
import type { AuditService } from "../audit";
import { activeUserRoles, Session } from "../identity";
import { type Fixed, formatFixed, parseFixed } from "../infra/fixed";
import type { Logger } from "../infra/logger";
import { createPortfolioLoaders, type PortfolioService, PortfolioRow, toPortfolio } from "../portfolio";
import { OrderType, TimeInForce } from "./trading.entities";
import type { TradingService } from "./trading.service";

/** After submitting a rebalance, leave the portfolio alone this long: fills and prices settle. */
const COOLDOWN_MS = 10 * 60_000;
/** Orders are limits this far past the estimated price (IOC), so they fill at the touch but never run away. */
const SLIPPAGE_BPS = 50n;
/** Room left for fees when sizing a buy to the cash there is. */
const FEE_ROOM_BPS = 50n;

/**
 * Portfolios with `autoRebalance` on: when their drift passes the threshold, the rebalance
 * proposal's orders are submitted for the owner (sells first, then buys within the cash left),
 * as IOC limit orders a little past the estimated price, through the same gateway and risk
 * checks as any other order.
 */
export class AutoRebalancer {
  private readonly cooldownUntil = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly portfolios: PortfolioService,
    private readonly trading: TradingService,
    private readonly audit: AuditService,
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce().catch((error: unknown) => this.log.error({ err: error }, "auto-rebalance failed")), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass over every auto-rebalancing portfolio; returns how many were rebalanced. */
  async runOnce(now = Date.now()): Promise<number> {
    const rows = await this.dataSource.getRepository(PortfolioRow).findBy({ autoRebalance: true });
    const loaders = createPortfolioLoaders(this.dataSource);
    let rebalanced = 0;
    for (const row of rows) {
      if ((this.cooldownUntil.get(row.id) ?? 0) > now) continue;
      const portfolio = toPortfolio(row);
      const proposal = await this.portfolios.rebalanceProposal(portfolio, await loaders.positions.load(row.id));
      if (!proposal.needed || proposal.orders.length === 0) continue;
      const roles = await activeUserRoles(this.dataSource.manager, row.userId);
      if (!roles) continue;
      const session = new Session({ kind: "user", userId: row.userId, roles, tokenId: "auto-rebalance", expiresAt: new Date(now + 60_000) }, "127.0.0.1");
      this.cooldownUntil.set(row.id, now + COOLDOWN_MS);
      const placed: string[] = [];
      for (const [i, order] of proposal.orders.entries()) {
        const steps = this.trading.desk(order.symbol).steps;
        const estimate = parseFixed(order.estimatedPrice);
        const offset = (estimate * SLIPPAGE_BPS) / 10_000n;
        const limit = order.side === "BUY" ? roundUp(estimate + offset, steps.tick) : roundDown(estimate - offset, steps.tick);
        let quantity = parseFixed(order.quantity);
        if (order.side === "BUY") {
          // Sized to the cash left after the sells, at the limit price with room for fees.
          const accounts = this.trading.accounts();
          const available = accounts.has(row.id) ? accounts.availableCash(row.id) : parseFixed(row.cashBalance) - parseFixed(row.reservedCash);
          const perLot = (limit * steps.lot * (10_000n + FEE_ROOM_BPS)) / 10_000n / 10n ** 10n;
          const affordable = perLot > 0n ? (available / perLot) * steps.lot : 0n;
          if (affordable < quantity) quantity = affordable;
        }
        if (quantity <= 0n) continue;
        const result = await this.trading
          .placeOrder(session, {
            portfolioId: row.id,
            symbol: order.symbol,
            side: order.side,
            type: OrderType.LIMIT,
            limitPrice: formatFixed(limit),
            timeInForce: TimeInForce.IOC,
            quantity: formatFixed(quantity),
            clientOrderId: `rebalance-${row.id.slice(0, 8)}-${now}-${i}`,
          })
          .catch((error: Error) => {
            this.log.warn({ portfolioId: row.id, symbol: order.symbol, err: { message: error.message } }, "auto-rebalance order refused");
            return null;
          });
        if (result) placed.push(result.id);
      }
      await this.audit.record({ eventType: "portfolio.auto_rebalanced", userId: row.userId, entityType: "portfolio", entityId: row.id, payload: { maxDrift: proposal.maxDrift, orders: placed } });
      rebalanced++;
    }
    return rebalanced;
  }
}

const roundDown = (value: Fixed, step: Fixed): Fixed => (value / step) * step;
const roundUp = (value: Fixed, step: Fixed): Fixed => ((value + step - 1n) / step) * step;
