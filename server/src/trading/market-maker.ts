import type { DataSource } from "typeorm";
import { Role } from "../infra/auth";
import { type Fixed, formatFixed, parseFixed, ZERO } from "../infra/fixed";
import type { Logger } from "../infra/logger";
import { Session } from "../identity";
import type { InstrumentService, MarketDataService, PriceChange } from "../market";
import type { LedgerService } from "../portfolio";
import { OrderType, TimeInForce } from "./trading.entities";
import type { TradingService } from "./trading.service";

const EMAIL = "market-maker@system.blockguardian.local";
const LEVELS = 3;
/** Each level is worth about this much, rounded down to the lot (at least one lot). */
const LEVEL_NOTIONAL = parseFixed("5000");
/** Distance between levels: 10 basis points of the price, at least one tick. */
const STEP_BPS = 10n;
/** Requote at most this often per instrument, and at least this often when nothing moves. */
const MIN_REQUOTE_MS = 1_000;
const MAX_QUIET_MS = 10_000;
const CASH = parseFixed("100000000");
/** Inventory to sell from, in levels' worth. */
const INVENTORY_LEVELS = 200n;

/**
 * A liquidity account that keeps LEVELS bids and asks around each reference price and requotes
 * as it moves, so a lone trader's market order fills. It trades through the same gateway and
 * risk checks as everyone else; it signs in as no one (its password hash matches nothing).
 */
export class MarketMaker {
  private session?: Session;
  private portfolioId?: string;
  private readonly open = new Map<string, string[]>();
  private readonly lastQuoted = new Map<string, { at: number; reference: Fixed }>();
  private readonly busy = new Set<string>();
  private readonly deferred = new Map<string, NodeJS.Timeout>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly trading: TradingService,
    private readonly marketData: MarketDataService,
    private readonly instruments: InstrumentService,
    private readonly ledger: LedgerService,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const { userId, portfolioId, funded } = await this.ensureAccount();
    this.session = new Session({ kind: "user", userId, roles: [Role.TRADER], tokenId: "market-maker", expiresAt: new Date(8.64e15) }, "127.0.0.1");
    this.portfolioId = portfolioId;
    if (!funded) await this.ledger.deposit(this.session, portfolioId, formatFixed(CASH));
    // Orders left from a previous run are withdrawn: quotes are rebuilt from current prices.
    const stale: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM orders WHERE user_id = $1 AND status IN ('NEW', 'PARTIALLY_FILLED')`, [userId]);
    for (const { id } of stale) await this.trading.cancelOrder(this.session, id).catch(() => undefined);
    this.marketData.onPriceChange((change) => void this.maybeRequote(change.symbol, change));
    this.timer = setInterval(() => {
      for (const symbol of this.instrumentsWithPrices()) void this.maybeRequote(symbol);
    }, MAX_QUIET_MS / 2);
    this.timer.unref();
    for (const symbol of this.instrumentsWithPrices()) await this.requote(symbol);
    this.log.info({ instruments: this.open.size }, "market maker quoting");
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const timer of this.deferred.values()) clearTimeout(timer);
  }

  private instrumentsWithPrices(): string[] {
    return this.trading.symbols().filter((symbol) => this.marketData.lastPrice(symbol) !== null);
  }

  private async maybeRequote(symbol: string, change?: PriceChange): Promise<void> {
    const previous = this.lastQuoted.get(symbol);
    const now = Date.now();
    if (previous && now - previous.at < MIN_REQUOTE_MS) {
      // Too soon: requote once the interval has passed, with whatever the price is then.
      if (!this.deferred.has(symbol)) {
        const timer = setTimeout(() => {
          this.deferred.delete(symbol);
          void this.requote(symbol);
        }, previous.at + MIN_REQUOTE_MS - now);
        timer.unref();
        this.deferred.set(symbol, timer);
      }
      return;
    }
    const reference = change?.last ?? parseFixed(this.marketData.lastPrice(symbol) ?? "0");
    if (previous && now - previous.at < MAX_QUIET_MS && reference === previous.reference) return;
    await this.requote(symbol);
  }

  /** Withdraws this instrument's quotes and places a fresh ladder around the reference price. */
  private async requote(symbol: string): Promise<void> {
    if (this.stopped || this.busy.has(symbol) || !this.session) return;
    const last = this.marketData.lastPrice(symbol);
    const instrument = await this.instruments.get(symbol);
    if (!last || !instrument?.isTradable) return;
    this.busy.add(symbol);
    try {
      const reference = parseFixed(last);
      this.lastQuoted.set(symbol, { at: Date.now(), reference });
      for (const id of this.open.get(symbol) ?? []) await this.trading.cancelOrder(this.session, id).catch(() => undefined);
      const tick = parseFixed(instrument.tickSize);
      const lot = parseFixed(instrument.lotSize);
      const step = maxFixed(tick, roundDown((reference * STEP_BPS) / 10_000n, tick));
      const quantity = maxFixed(lot, roundDown((LEVEL_NOTIONAL * 10n ** 10n) / reference, lot));
      await this.ensureInventory(symbol, quantity * INVENTORY_LEVELS, reference);
      const placed: string[] = [];
      for (let level = 1n; level <= BigInt(LEVELS); level++) {
        const bid = roundDown(reference, tick) - step * level;
        const ask = roundDown(reference, tick) + step * level;
        for (const [side, price] of [["BUY", bid], ["SELL", ask]] as const) {
          if (price <= ZERO) continue;
          const order = await this.trading
            .placeOrder(this.session, {
              portfolioId: this.portfolioId!,
              symbol,
              side: side as never,
              type: OrderType.LIMIT,
              timeInForce: TimeInForce.GTC,
              quantity: formatFixed(quantity),
              limitPrice: formatFixed(price),
            })
            .catch((error: Error) => {
              this.log.debug({ symbol, side, err: { message: error.message } }, "market maker quote refused");
              return null;
            });
          if (order) placed.push(order.id);
        }
      }
      this.open.set(symbol, placed);
    } finally {
      this.busy.delete(symbol);
    }
  }

  /** Tops the inventory up when it runs low, bought at the reference price through the ledger. */
  private async ensureInventory(symbol: string, target: Fixed, price: Fixed): Promise<void> {
    const [position] = await this.dataSource.query(`SELECT quantity FROM positions WHERE portfolio_id = $1 AND symbol = $2`, [this.portfolioId, symbol]);
    const held = position ? parseFixed(position.quantity) : ZERO;
    if (held * 2n >= target) return;
    await this.dataSource.transaction((manager) =>
      this.ledger.applyFill(manager, {
        portfolioId: this.portfolioId!,
        userId: this.session!.userId!,
        symbol,
        assetName: symbol,
        side: "BUY",
        quantity: target - held,
        price,
        fee: ZERO,
        reference: { inventory: "market-maker" },
      }),
    );
    await this.ledger.notifyChanged([this.portfolioId!]);
  }

  /** The system user (no usable password, KYC done by the operator) and its portfolio. */
  private async ensureAccount(): Promise<{ userId: string; portfolioId: string; funded: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO users (email, password_hash, first_name, last_name, roles, kyc_status)
         VALUES ($1, '!no-login', 'Market', 'Maker', '{TRADER}', 'VERIFIED') ON CONFLICT (email) DO NOTHING`,
        [EMAIL],
      );
      const [{ id: userId }] = await manager.query(`SELECT id FROM users WHERE email = $1`, [EMAIL]);
      let [portfolio] = await manager.query(`SELECT id, cash_balance FROM portfolios WHERE user_id = $1 ORDER BY created_at LIMIT 1`, [userId]);
      if (!portfolio) [portfolio] = await manager.query(`INSERT INTO portfolios (user_id, name) VALUES ($1, 'Market making') RETURNING id, cash_balance`, [userId]);
      return { userId, portfolioId: portfolio.id, funded: parseFixed(portfolio.cash_balance) > ZERO };
    });
  }
}

const maxFixed = (a: Fixed, b: Fixed) => (a > b ? a : b);
const roundDown = (value: Fixed, step: Fixed) => (value / step) * step;
