import type { DataSource } from "typeorm";
import { type Fixed, formatFixed, parseFixed } from "../infra/fixed";
import type { Logger } from "../infra/logger";
import { type PortfolioChangedEvent, type CommittedPortfolio, type PubSub, type Topic, type ValuationEvent, type ValuationWatchEvent, topics } from "../infra/pubsub";
import type { MarketDataService, PriceChange } from "../market";
import { product20, round20, type WalletHolding, type WalletHoldingsSource } from "../portfolio";

interface HoldingState {
  quantity: Fixed;
  averageCost: Fixed;
  /** Linked wallets' on-chain quantity: valued at market with its cost moving along (no P&L of its own). */
  wallet: Fixed;
}

interface PortfolioState {
  id: string;
  userId: string;
  cash: Fixed;
  realized: Fixed;
  holdings: Map<string, HoldingState>;
  /** Σ quantity × price and Σ quantity × average cost, exact at scale 20. */
  market20: bigint;
  cost20: bigint;
  lastPublishedAt: number;
  /** When the oldest change not yet published happened (for the delay figure), or null. */
  pendingSince: number | null;
}

export interface ValuationOptions {
  /** The least time between two publications of one portfolio. */
  publishIntervalMs: number;
  snapshotIntervalMs: number;
  /** Notified with tick-to-publish delays (the benchmark listens). */
  onPublished?: (delayMs: number) => void;
  /** Linked wallets' on-chain balances, counted as positions (when a chain is configured). */
  walletHoldings?: WalletHoldingsSource;
}

const SCAN_INTERVAL_MS = 25;
const SNAPSHOT_BATCH = 1_000;
/** A subscription announces itself this often; the engine forgets a watch not renewed in twice that. */
export const WATCH_RENEW_MS = 20_000;
const WATCH_TTL_MS = 2 * WATCH_RENEW_MS;

/**
 * Live portfolio valuation. All portfolios with their cash and holdings live in memory, indexed
 * by symbol; a price change touches only the portfolios holding that symbol, adding
 * quantity × (new − old price) to an exact running sum. Each portfolio publishes on
 * `valuation.<id>` right away when it has been quiet, otherwise once per publish interval with
 * its latest value (coalescing), and only while a `portfolioValuation` subscription on some
 * process watches it: values nobody watches are kept current but never published. Ledger
 * changes arrive as `portfolios.changed`: with the portfolio as committed (the sequencer sends it),
 * taken as it is; without it (a new portfolio, a wallet), reloaded from the database.
 */
export class ValuationEngine {
  private readonly portfolios = new Map<string, PortfolioState>();
  /** symbol -> the portfolios holding it, each with its holding (no lookups on the hot path). */
  private readonly holders = new Map<string, Map<PortfolioState, HoldingState>>();
  /** portfolio id -> until when some subscription watches it. */
  private readonly watchedUntil = new Map<string, number>();
  private readonly prices = new Map<string, Fixed>();
  private readonly pending = new Set<PortfolioState>();
  /** Portfolios changed since their last reload, the reload under way and the portfolios it reads. */
  private readonly stale = new Set<string>();
  private reloading: Promise<void> | null = null;
  private inReload = new Set<string>();
  private changes?: AsyncIterableIterator<PortfolioChangedEvent>;
  private watches?: AsyncIterableIterator<ValuationWatchEvent>;
  /** Runs only while something watched waits to be published: an idle server wakes for nothing. */
  private scanner?: NodeJS.Timeout;
  private snapshotter?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: PubSub,
    private readonly marketData: MarketDataService,
    private readonly log: Logger,
    private readonly options: ValuationOptions,
  ) {}

  async start(): Promise<void> {
    this.changes = this.pubsub.subscribe([topics.portfolioChanged()]);
    void this.consumeChanges(this.changes);
    this.watches = this.pubsub.subscribe([topics.valuationWatch()]);
    void this.consumeWatches(this.watches);
    this.marketData.onPriceChange((change) => this.onPrice(change));
    await this.loadAll();
    this.running = true;
    if (this.pending.size > 0) this.scan();
    this.snapshotter = setInterval(() => void this.snapshot().catch((error: unknown) => this.log.error({ err: error }, "valuation snapshot failed")), this.options.snapshotIntervalMs);
    this.snapshotter.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.scanner);
    this.scanner = undefined;
    clearInterval(this.snapshotter);
    await this.changes?.return?.();
    await this.watches?.return?.();
  }

  /** Marks a portfolio as watched (subscriptions announce themselves through pub/sub). */
  noteWatched(portfolioId: string, now = Date.now()): void {
    this.watchedUntil.set(portfolioId, now + WATCH_TTL_MS);
  }

  /** Whether the portfolio waits to be published (only a watched one ever does). */
  queued(portfolioId: string): boolean {
    const state = this.portfolios.get(portfolioId);
    return state !== undefined && this.pending.has(state);
  }

  /** The portfolio's current valuation, computed from the in-memory state. */
  current(portfolioId: string): ValuationEvent | null {
    const state = this.portfolios.get(portfolioId);
    return state ? this.event(state, Date.now()) : null;
  }

  /**
   * A subscription's stream: the current value first, then every publication, only ever the
   * owner's. It announces itself on `valuations.watch` (and again every WATCH_RENEW_MS), so the
   * engine, on whichever process runs it, publishes this portfolio while it is watched.
   */
  watch(portfolioId: string, userId: string, subscribe: (list: Topic<ValuationEvent>[]) => AsyncIterableIterator<ValuationEvent>): AsyncIterableIterator<ValuationEvent> {
    const source = subscribe([topics.valuation(portfolioId)]);
    const announce = () => void this.pubsub.publish(topics.valuationWatch(), { portfolioId }).catch(() => {});
    announce();
    const renew = setInterval(announce, WATCH_RENEW_MS);
    renew.unref();
    const first = this.current(portfolioId);
    let sentFirst = first === null;
    return {
      next: async () => {
        if (!sentFirst) {
          sentFirst = true;
          return { done: false, value: first! };
        }
        for (;;) {
          const result = await source.next();
          // Defence in depth: the topic is per portfolio, and the subscriber was checked at
          // start; an event for another user is never delivered even if one appeared there.
          if (result.done || result.value.userId === userId) return result;
        }
      },
      return: (value?: unknown) => {
        clearInterval(renew);
        return source.return?.(value) ?? Promise.resolve({ done: true, value: undefined });
      },
      throw: (error?: unknown) => {
        clearInterval(renew);
        return source.throw?.(error) ?? Promise.reject(error);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** Applies one price change to the portfolios that hold the symbol. Synchronous: no I/O. */
  onPrice(change: PriceChange, now = Date.now()): void {
    const previous = this.prices.get(change.symbol);
    this.prices.set(change.symbol, change.last);
    const holders = this.holders.get(change.symbol);
    if (!holders) return;
    for (const [state, holding] of holders) {
      state.market20 += product20(holding.quantity, change.last - (previous ?? holding.averageCost));
      if (holding.wallet !== 0n) {
        const moved = product20(holding.wallet, change.last - (previous ?? 0n));
        state.market20 += moved;
        state.cost20 += moved;
      }
      // Only a watched portfolio has anyone to publish to; the others stay current in memory.
      if (state.pendingSince === null && this.isWatched(state, now)) this.markPending(state, now);
    }
  }

  /** Publishes every pending, watched portfolio whose interval has passed. */
  publishDue(now: number): void {
    for (const state of this.pending) {
      if (now - state.lastPublishedAt < this.options.publishIntervalMs) continue;
      this.pending.delete(state);
      if (!this.isWatched(state, now)) {
        // Nobody is watching: the value stays current in memory for the next subscriber.
        state.pendingSince = null;
        continue;
      }
      const delay = now - (state.pendingSince ?? now);
      state.pendingSince = null;
      state.lastPublishedAt = now;
      void this.pubsub.publish(topics.valuation(state.id), this.event(state, now)).catch((error: unknown) => this.log.warn({ err: error }, "valuation publish failed"));
      this.options.onPublished?.(delay);
    }
    if (this.pending.size === 0 && this.scanner) {
      clearInterval(this.scanner);
      this.scanner = undefined;
    }
  }

  /** Replaces one portfolio's state from the database (after a deposit, a fill, ...). */
  reload(portfolioId: string): Promise<void> {
    return this.reloadMany([portfolioId]);
  }

  /** Replaces these portfolios' states from the database: three statements, however many. */
  private async reloadMany(ids: string[]): Promise<void> {
    const rows: Array<Record<string, string>> = await this.dataSource.query(`SELECT id, user_id, cash_balance, realized_pnl FROM portfolios WHERE id = ANY($1::uuid[])`, [ids]);
    const positions: Array<Record<string, string>> = await this.dataSource.query(
      `SELECT portfolio_id, symbol, quantity, average_cost FROM positions WHERE portfolio_id = ANY($1::uuid[]) AND quantity > 0`,
      [ids],
    );
    const wallets = await this.options.walletHoldings?.load(ids);
    const byPortfolio = new Map<string, Array<Record<string, string>>>();
    for (const position of positions) byPortfolio.set(position.portfolio_id, [...(byPortfolio.get(position.portfolio_id) ?? []), position]);
    const now = Date.now();
    for (const id of ids) this.remove(id);
    for (const row of rows) this.add(row, byPortfolio.get(row.id) ?? [], wallets?.get(row.id) ?? [], now);
  }

  /** Loads every portfolio, in pages, when the process starts. */
  private async loadAll(): Promise<void> {
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const rows = await this.dataSource.query(`SELECT id, user_id, cash_balance, realized_pnl FROM portfolios WHERE id > $1 ORDER BY id LIMIT 5000`, [after]);
      if (rows.length === 0) break;
      const ids = rows.map((row: { id: string }) => row.id);
      const positions: Array<Record<string, string>> = await this.dataSource.query(
        `SELECT portfolio_id, symbol, quantity, average_cost FROM positions WHERE portfolio_id = ANY($1::uuid[]) AND quantity > 0`,
        [ids],
      );
      const wallets = await this.options.walletHoldings?.load(ids);
      const byPortfolio = new Map<string, Array<Record<string, string>>>();
      for (const position of positions) byPortfolio.set(position.portfolio_id, [...(byPortfolio.get(position.portfolio_id) ?? []), position]);
      for (const row of rows) this.add(row, byPortfolio.get(row.id) ?? [], wallets?.get(row.id) ?? [], 0);
      after = ids[ids.length - 1];
    }
    this.log.info({ portfolios: this.portfolios.size }, "valuation loaded");
  }

  private add(row: Record<string, string>, positions: Array<Record<string, string>>, wallet: WalletHolding[], now: number): void {
    const state: PortfolioState = {
      id: row.id,
      userId: row.user_id,
      cash: parseFixed(row.cash_balance),
      realized: parseFixed(row.realized_pnl),
      holdings: new Map(),
      market20: 0n,
      cost20: 0n,
      lastPublishedAt: 0,
      pendingSince: null,
    };
    for (const position of positions) {
      const holding = this.holdingOf(state, position.symbol);
      holding.quantity = parseFixed(position.quantity);
      holding.averageCost = parseFixed(position.average_cost);
      const price = this.priceOf(position.symbol);
      state.market20 += product20(holding.quantity, price ?? holding.averageCost);
      state.cost20 += product20(holding.quantity, holding.averageCost);
    }
    for (const held of wallet) {
      const holding = this.holdingOf(state, held.symbol);
      holding.wallet = parseFixed(held.quantity);
      // Unpriced, a wallet balance counts as nothing until the first price (the query does the same).
      const value = product20(holding.wallet, this.priceOf(held.symbol) ?? 0n);
      state.market20 += value;
      state.cost20 += value;
    }
    this.portfolios.set(state.id, state);
    if (now > 0 && this.isWatched(state, now)) this.markPending(state, now);
  }

  /** The state's holding of a symbol, registered with the symbol's holders. */
  private holdingOf(state: PortfolioState, symbol: string): HoldingState {
    let holding = state.holdings.get(symbol);
    if (holding) return holding;
    holding = { quantity: 0n, averageCost: 0n, wallet: 0n };
    state.holdings.set(symbol, holding);
    const price = this.priceOf(symbol);
    // Remember the price this holding was valued at: the next change is applied as a delta from it.
    if (price !== null && !this.prices.has(symbol)) this.prices.set(symbol, price);
    let holders = this.holders.get(symbol);
    if (!holders) this.holders.set(symbol, (holders = new Map()));
    holders.set(state, holding);
    return holding;
  }

  private remove(portfolioId: string): void {
    const state = this.portfolios.get(portfolioId);
    if (!state) return;
    for (const symbol of state.holdings.keys()) this.holders.get(symbol)?.delete(state);
    this.pending.delete(state);
    this.portfolios.delete(portfolioId);
  }

  private priceOf(symbol: string): Fixed | null {
    const known = this.prices.get(symbol);
    if (known !== undefined) return known;
    const last = this.marketData.lastPrice(symbol);
    return last ? parseFixed(last) : null;
  }

  private isWatched(state: PortfolioState, now: number): boolean {
    return (this.watchedUntil.get(state.id) ?? 0) >= now;
  }

  private markPending(state: PortfolioState, now: number): void {
    state.pendingSince ??= now;
    this.pending.add(state);
    if (this.running && !this.scanner) this.scan();
  }

  private scan(): void {
    this.scanner = setInterval(() => this.publishDue(Date.now()), SCAN_INTERVAL_MS);
    this.scanner.unref();
  }

  private event(state: PortfolioState, now: number): ValuationEvent {
    const market = round20(state.market20);
    return {
      portfolioId: state.id,
      userId: state.userId,
      totalValue: formatFixed(state.cash + market),
      cashBalance: formatFixed(state.cash),
      unrealizedPnl: formatFixed(round20(state.market20 - state.cost20)),
      realizedPnl: formatFixed(state.realized),
      timestamp: new Date(now).toISOString(),
    };
  }

  private async consumeWatches(events: AsyncIterableIterator<ValuationWatchEvent>): Promise<void> {
    for await (const event of events) this.noteWatched(event.portfolioId);
  }

  /**
   * Changed portfolios are reloaded together: while one reload runs, the changes that arrive
   * wait and go in the next, so a busy sequencer costs a few statements per reload, not a few
   * per portfolio per batch.
   */
  private async consumeChanges(events: AsyncIterableIterator<PortfolioChangedEvent>): Promise<void> {
    for await (const event of events) {
      if (event.state) {
        this.applyState(event.portfolioId, event.state);
        // A reload under way may have read the portfolio before this commit: read it once more.
        if (!this.inReload.has(event.portfolioId)) continue;
      }
      this.stale.add(event.portfolioId);
      this.reloading ??= this.reloadStale();
    }
  }

  private async reloadStale(): Promise<void> {
    while (this.stale.size > 0) {
      const ids = [...this.stale];
      this.stale.clear();
      this.inReload = new Set(ids);
      await this.reloadMany(ids).catch((error: unknown) => this.log.error({ err: error, portfolios: ids.length }, "valuation reload failed"));
      this.inReload = new Set();
    }
    this.reloading = null;
  }

  /** Replaces a portfolio's state with the one its commit sent, keeping its linked wallets' holdings. */
  private applyState(portfolioId: string, state: CommittedPortfolio): void {
    const wallet: WalletHolding[] = [];
    for (const [symbol, holding] of this.portfolios.get(portfolioId)?.holdings ?? []) {
      if (holding.wallet !== 0n) wallet.push({ symbol, quantity: formatFixed(holding.wallet) });
    }
    const positions = state.positions.map((p) => ({ symbol: p.symbol, quantity: p.quantity, average_cost: p.averageCost }));
    this.remove(portfolioId);
    this.add({ id: portfolioId, user_id: state.userId, cash_balance: state.cashBalance, realized_pnl: state.realizedPnl }, positions, wallet, Date.now());
  }

  /** Stores every portfolio's value for analytics. */
  private async snapshot(): Promise<void> {
    const takenAt = new Date();
    for (const [portfolioId, until] of this.watchedUntil) if (until < takenAt.getTime()) this.watchedUntil.delete(portfolioId);
    const states = [...this.portfolios.values()];
    for (let i = 0; i < states.length; i += SNAPSHOT_BATCH) {
      const batch = states.slice(i, i + SNAPSHOT_BATCH).map((state) => this.event(state, takenAt.getTime()));
      const values: unknown[] = [];
      const tuples = batch.map((event, j) => {
        values.push(event.portfolioId, takenAt, event.totalValue, event.cashBalance, event.unrealizedPnl, event.realizedPnl);
        const k = j * 6;
        return `($${k + 1}::uuid, $${k + 2}::timestamptz, $${k + 3}::numeric, $${k + 4}::numeric, $${k + 5}::numeric, $${k + 6}::numeric)`;
      });
      // Snapshots only: the portfolios table belongs to the sequencer's writes (the API values
      // portfolios live), so no row lock here can ever stand in a batch's way.
      await this.dataSource.query(`INSERT INTO valuation_snapshots (portfolio_id, taken_at, total_value, cash_balance, unrealized_pnl, realized_pnl) VALUES ${tuples.join(", ")} ON CONFLICT DO NOTHING`, values);
    }
    this.log.debug({ portfolios: states.length }, "valuation snapshot stored");
  }
}
