import type { DataSource } from "typeorm";
import { Role } from "../infra/auth";
import { type Fixed, formatFixed, parseFixed, ZERO } from "../infra/fixed";
import type { Logger } from "../infra/logger";
import { ensureSystemUser, Session } from "../identity";
import type { InstrumentService, MarketDataService, PriceChange } from "../market";
import { ensureSystemPortfolio, type LedgerService } from "../portfolio";
import type { QuoteLevel } from "./sequence-step";
import type { Sequencer } from "./sequencer";
import type { TradingService } from "./trading.service";

const EMAIL = "market-maker@system.blockguardian.local";
const LEVELS = 3;
/** Each level is worth about this much, rounded down to the lot (at least one lot). */
const LEVEL_NOTIONAL = parseFixed("5000");
/** Distance between levels: 10 basis points of the price, at least one tick. */
const STEP_BPS = 10n;
/** Requote at most this often per instrument. */
const MIN_REQUOTE_MS = 1_000;
/** A ladder is kept while the reference stays within this share of a level's step of where it was quoted. */
const DRIFT_OF_STEP = 2n;
const CASH = parseFixed("100000000");
/** Inventory to sell from, in levels' worth. */
const INVENTORY_LEVELS = 200n;

/**
 * A liquidity account that keeps LEVELS bids and asks around each instrument's reference price
 * (the feed's, never its own last trade) and requotes as the reference moves, so a lone
 * trader's market order fills. Each requote is one sequencer command: its old ladder is
 * cancelled and the new one placed in one sequence step, so the book never shows one side
 * empty. It is a system account: the sequencer audits its quote churn as one summary per
 * instrument per minute. It signs in as no one (its password hash matches nothing).
 */
export class MarketMaker {
  private session?: Session;
  private portfolioId?: string;
  private readonly quoted = new Map<string, { at: number; reference: Fixed; step: Fixed }>();
  private readonly busy = new Set<string>();
  private readonly deferred = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly trading: TradingService,
    private readonly marketData: MarketDataService,
    private readonly instruments: InstrumentService,
    private readonly ledger: LedgerService,
    private readonly sequencer: Sequencer,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const { userId, portfolioId, funded } = await this.ensureAccount();
    this.sequencer.markSystemUser(userId);
    this.session = new Session({ kind: "user", userId, roles: [Role.TRADER], tokenId: "market-maker", expiresAt: new Date(8.64e15) }, "127.0.0.1");
    this.portfolioId = portfolioId;
    if (!funded) await this.ledger.deposit(this.session, portfolioId, formatFixed(CASH));
    this.marketData.onPriceChange((change) => void this.maybeRequote(change.symbol, change));
    // Stale: the ladder is pulled (the sequencer pulls it in sequence too); fresh: quoted anew.
    this.marketData.onStatusChange((status) => void this.requote(status.symbol));
    // Orders left from a previous run are replaced: quotes are rebuilt from current prices
    // (an instrument without a price yet gets an empty ladder).
    for (const symbol of this.trading.symbols()) await this.requote(symbol);
    this.log.info({ instruments: this.quoted.size }, "market maker quoting");
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.deferred.values()) clearTimeout(timer);
  }

  /** A fill against the ladder, or a reference that moved more than half a step, calls for a requote. */
  private async maybeRequote(symbol: string, change?: PriceChange): Promise<void> {
    const previous = this.quoted.get(symbol);
    if (previous && change && !this.needsRequote(previous, change)) return;
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
    await this.requote(symbol);
  }

  private needsRequote(previous: { reference: Fixed; step: Fixed }, change: PriceChange): boolean {
    const drift = change.reference > previous.reference ? change.reference - previous.reference : previous.reference - change.reference;
    // A trade at a price other than the reference took some of the ladder: top it up.
    return drift * DRIFT_OF_STEP >= previous.step || change.last !== change.reference;
  }

  /** Replaces this instrument's ladder with a fresh one around the reference price, in one step. */
  private async requote(symbol: string): Promise<void> {
    if (this.stopped || this.busy.has(symbol) || !this.session) return;
    const instrument = await this.instruments.get(symbol);
    if (!instrument) return;
    this.busy.add(symbol);
    try {
      const last = this.marketData.referencePrice(symbol);
      const levels: QuoteLevel[] = [];
      // No ladder on a stale price; the next price after it is fresh requotes from scratch.
      if (this.marketData.isStale(symbol)) this.quoted.delete(symbol);
      else if (last && instrument.isTradable) {
        const reference = parseFixed(last);
        const tick = parseFixed(instrument.tickSize);
        const lot = parseFixed(instrument.lotSize);
        const step = maxFixed(tick, roundDown((reference * STEP_BPS) / 10_000n, tick));
        const quantity = maxFixed(lot, roundDown((LEVEL_NOTIONAL * 10n ** 10n) / reference, lot));
        this.quoted.set(symbol, { at: Date.now(), reference, step });
        for (let level = 1n; level <= BigInt(LEVELS); level++) {
          const bid = roundDown(reference, tick) - step * level;
          const ask = roundDown(reference, tick) + step * level;
          if (bid > ZERO) levels.push({ side: "BUY", price: bid, quantity });
          levels.push({ side: "SELL", price: ask, quantity });
        }
      }
      const inventory = levels.length > 0 ? { target: levels[0].quantity * INVENTORY_LEVELS, price: parseFixed(last!) } : null;
      await this.trading.requote(this.session, this.portfolioId!, symbol, levels, inventory).catch((error: Error) => this.log.warn({ symbol, err: { message: error.message } }, "market maker requote failed"));
    } finally {
      this.busy.delete(symbol);
    }
  }

  /** The system user (no usable password, KYC done by the operator) and its portfolio. */
  private async ensureAccount(): Promise<{ userId: string; portfolioId: string; funded: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const userId = await ensureSystemUser(manager, { email: EMAIL, firstName: "Market", lastName: "Maker" });
      const portfolio = await ensureSystemPortfolio(manager, userId, "Market making");
      return { userId, portfolioId: portfolio.id, funded: portfolio.funded };
    });
  }
}

const maxFixed = (a: Fixed, b: Fixed) => (a > b ? a : b);
const roundDown = (value: Fixed, step: Fixed) => (value / step) * step;
