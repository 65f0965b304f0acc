import type { DataSource } from "typeorm";
import { type Fixed, formatFixed, maxFixed, minFixed, parseFixed } from "../infra/fixed";
import type { Logger } from "../infra/logger";
import { type MarketDataStatusEvent, type PubSub, type QuoteEvent, topics } from "../infra/pubsub";
import { Instrument } from "./instrument.entity";
import type { PriceFeed, PriceTick } from "./price-feed";

/** Half the simulated spread: 2.5 basis points of the price, at least one tick. */
const HALF_SPREAD_BPS = 25n;
/** How often the forming bars and last prices are written to the database. */
const FLUSH_INTERVAL_MS = 5_000;
const BAR_MS = 60_000;

/** A 1-minute OHLCV bar; `bucket` is its start in epoch milliseconds. */
export interface MinuteBar {
  bucket: number;
  open: Fixed;
  high: Fixed;
  low: Fixed;
  close: Fixed;
  volume: Fixed;
}

/** An instrument's market data as every process learns it (the `market.status` topic). */
export interface MarketDataStatus {
  symbol: string;
  source: string;
  lastUpdateAt: Date | null;
  stale: boolean;
  adminHalted: boolean;
}

/** Staleness is checked this often at most, and at least four times per stale period. */
const MAX_STALE_CHECK_MS = 1_000;

export interface PriceChange {
  symbol: string;
  last: Fixed;
  reference: Fixed;
}

/**
 * The platform's view of prices. A feed (the simulator, or a real one) produces reference
 * prices; the last trade from our own matching engine becomes "last" until the feed's next
 * tick, which moves last back to the wider market's price. The market maker quotes around the
 * reference, never around its own last trade, so a customer's trade cannot freeze the book.
 * Every process learns prices from the `quotes.<symbol>` topics, so with several processes
 * only one runs the feed and all agree. The feed's process also keeps 1-minute OHLCV bars.
 */
export class MarketDataService {
  private readonly instruments = new Map<string, { tick: Fixed }>();
  private readonly quotes = new Map<string, QuoteEvent>();
  private readonly bars = new Map<string, MinuteBar>();
  private readonly dirtyBars = new Map<string, MinuteBar[]>();
  private readonly listeners: Array<(change: PriceChange) => void> = [];
  private subscription?: AsyncIterableIterator<QuoteEvent>;
  private readonly extraSubscriptions: Array<AsyncIterableIterator<QuoteEvent>> = [];
  private flushTimer?: NodeJS.Timeout;
  private feed?: PriceFeed;
  /** Every instrument's status as last announced on `market.status` (all processes). */
  private readonly statuses = new Map<string, MarketDataStatus>();
  private readonly statusListeners: Array<(status: MarketDataStatus) => void> = [];
  private statusSubscription?: AsyncIterableIterator<MarketDataStatusEvent>;
  /** The feed's process only: when each covered symbol last had a price, and what was announced. */
  private readonly freshness = new Map<string, { lastUpdateAt: Date | null; stale: boolean }>();
  private feedStartedAt = 0;
  private staleTimer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: PubSub,
    private readonly log: Logger,
    /** A symbol a running feed covers with no price for this long is stale. */
    private readonly staleAfterMs = 30_000,
  ) {}

  /** Loads instruments and their last prices, listens to quotes, and starts `feed` when given. */
  async start(feed?: PriceFeed): Promise<void> {
    const rows = await this.dataSource.getRepository(Instrument).find();
    for (const row of rows) {
      this.instruments.set(row.symbol, { tick: parseFixed(row.tickSize) });
      if (row.lastPrice) this.remember({ symbol: row.symbol, bid: null, ask: null, last: formatFixed(parseFixed(row.lastPrice)), timestamp: row.updatedAt.toISOString() });
      this.statuses.set(row.symbol, { symbol: row.symbol, source: feed?.sources.get(row.symbol) ?? "none", lastUpdateAt: null, stale: false, adminHalted: !row.isTradable });
    }
    this.subscription = this.pubsub.subscribe(rows.map((row) => topics.quotes(row.symbol)));
    void this.consume(this.subscription);
    this.statusSubscription = this.pubsub.subscribe([topics.marketDataStatus()]);
    void this.consumeStatuses(this.statusSubscription);
    if (feed) {
      this.feed = feed;
      this.feedStartedAt = Date.now();
      for (const symbol of feed.sources.keys()) if (this.instruments.has(symbol)) this.freshness.set(symbol, { lastUpdateAt: null, stale: false });
      feed.start((tick) => void this.onFeedTick(tick).catch((error: unknown) => this.log.error({ err: error }, "publishing a price failed")));
      this.flushTimer = setInterval(() => void this.flush().catch((error: unknown) => this.log.error({ err: error }, "writing bars failed")), FLUSH_INTERVAL_MS);
      this.flushTimer.unref();
      this.staleTimer = setInterval(() => this.checkStaleness(), Math.max(10, Math.min(MAX_STALE_CHECK_MS, Math.floor(this.staleAfterMs / 4))));
      this.staleTimer.unref();
    }
  }

  async stop(): Promise<void> {
    this.feed?.stop();
    clearInterval(this.flushTimer);
    clearInterval(this.staleTimer);
    await this.subscription?.return?.();
    await this.statusSubscription?.return?.();
    for (const events of this.extraSubscriptions) await events.return?.();
    if (this.feed) await this.flush().catch(() => {});
  }

  /** Called when an instrument goes stale or fresh, or is halted or resumed by an admin (trading and the market maker listen). */
  onStatusChange(listener: (status: MarketDataStatus) => void): void {
    this.statusListeners.push(listener);
  }

  /** Every instrument's market data status as this process knows it; the feed's process knows the latest update times. */
  statusOf(symbol: string): MarketDataStatus {
    const known = this.statuses.get(symbol) ?? { symbol, source: "none", lastUpdateAt: null, stale: false, adminHalted: false };
    const local = this.freshness.get(symbol);
    return local ? { ...known, lastUpdateAt: local.lastUpdateAt } : { ...known };
  }

  /** The running feed's counters (connections, frames, updates, garbage ignored), if it keeps any. */
  feedStats(): Readonly<Record<string, number>> | null {
    return this.feed?.stats ?? null;
  }

  isStale(symbol: string): boolean {
    return this.statuses.get(symbol)?.stale ?? false;
  }

  /** The admin's kill switch changed: every process (and `marketDataStatus` subscribers) learns of it. */
  async setAdminHalted(symbol: string, halted: boolean): Promise<void> {
    const status = this.statusOf(symbol);
    await this.publishStatus({ ...status, adminHalted: halted });
  }

  /** Called for every price change this process learns of (valuation listens here). */
  onPriceChange(listener: (change: PriceChange) => void): void {
    this.listeners.push(listener);
  }

  lastPrice(symbol: string): string | null {
    return this.quotes.get(symbol)?.last ?? null;
  }

  /** The feed's price for `symbol` (a quote from elsewhere without one counts its last as the reference). */
  referencePrice(symbol: string): string | null {
    const quote = this.quotes.get(symbol);
    return quote ? (quote.reference ?? quote.last) : null;
  }

  quote(symbol: string): QuoteEvent | null {
    return this.quotes.get(symbol) ?? null;
  }

  /** The matching engine's trades: the traded price becomes "last" and counts toward the bar's volume. */
  recordTrade(symbol: string, price: string, quantity: string, at: Date): Promise<void> {
    return this.recordTrades(symbol, [{ price, quantity, executedAt: at }]);
  }

  /** A group of trades of one symbol in the order they happened: every price shapes the bar; one quote carries the last. */
  async recordTrades(symbol: string, trades: Array<{ price: string; quantity: string; executedAt: Date }>): Promise<void> {
    const last = trades.at(-1);
    if (!last) return;
    for (const trade of trades) this.addToBar(symbol, parseFixed(trade.price), parseFixed(trade.quantity), trade.executedAt.getTime());
    const price = parseFixed(last.price);
    const current = this.quotes.get(symbol);
    const reference = current ? (current.reference ?? current.last) : formatFixed(price);
    await this.publish({ symbol, bid: current?.bid ?? null, ask: current?.ask ?? null, last: formatFixed(price), reference, timestamp: last.executedAt.toISOString() });
  }

  /** The 1-minute bar still forming in memory (newer than any flushed copy of it), if any. */
  formingBar(symbol: string): MinuteBar | undefined {
    const bar = this.bars.get(symbol);
    return bar && { ...bar };
  }

  /** Publishes a reference price for a symbol that has none yet (an import's last close). */
  async setReference(symbol: string, price: string): Promise<void> {
    await this.onReference({ symbol, price, at: new Date() });
  }

  /** Starts following a symbol listed while the process runs; `reference` opens its quotes. */
  async addInstrument(symbol: string, tickSize: string, reference: string | null): Promise<void> {
    if (this.instruments.has(symbol)) return;
    this.instruments.set(symbol, { tick: parseFixed(tickSize) });
    if (!this.statuses.has(symbol)) this.statuses.set(symbol, { symbol, source: "none", lastUpdateAt: null, stale: false, adminHalted: false });
    const events = this.pubsub.subscribe([topics.quotes(symbol)]);
    this.extraSubscriptions.push(events);
    void this.consume(events);
    if (reference) await this.onReference({ symbol, price: reference, at: new Date() });
  }

  /** A price from the running feed: the symbol is fresh again, and its price is published. */
  private async onFeedTick(tick: PriceTick): Promise<void> {
    const freshness = this.freshness.get(tick.symbol);
    if (freshness) {
      freshness.lastUpdateAt = new Date();
      if (freshness.stale) {
        freshness.stale = false;
        this.log.info({ symbol: tick.symbol }, "market data fresh again");
        await this.publishStatus({ ...this.statusOf(tick.symbol), stale: false });
      }
    }
    await this.onReference(tick);
  }

  /** Marks stale every covered symbol without a price for `staleAfterMs` (counted from the feed's start when it never had one). */
  private checkStaleness(): void {
    const now = Date.now();
    for (const [symbol, freshness] of this.freshness) {
      if (freshness.stale) continue;
      const since = freshness.lastUpdateAt?.getTime() ?? this.feedStartedAt;
      if (now - since < this.staleAfterMs) continue;
      freshness.stale = true;
      this.log.warn({ symbol, lastUpdateAt: freshness.lastUpdateAt, staleAfterMs: this.staleAfterMs }, "market data stale: market and stop orders refused");
      void this.publishStatus({ ...this.statusOf(symbol), stale: true }).catch((error: unknown) => this.log.error({ err: error }, "publishing a market data status failed"));
    }
  }

  private publishStatus(status: MarketDataStatus): Promise<void> {
    return this.pubsub.publish(topics.marketDataStatus(), { ...status, lastUpdateAt: status.lastUpdateAt?.toISOString() ?? null });
  }

  private async consumeStatuses(events: AsyncIterableIterator<MarketDataStatusEvent>): Promise<void> {
    for await (const event of events) {
      const previous = this.statuses.get(event.symbol);
      const status: MarketDataStatus = { ...event, lastUpdateAt: event.lastUpdateAt ? new Date(event.lastUpdateAt) : null };
      this.statuses.set(event.symbol, status);
      if (previous && previous.stale === status.stale && previous.adminHalted === status.adminHalted) continue;
      for (const listener of this.statusListeners) listener(status);
    }
  }

  private async onReference(tick: PriceTick): Promise<void> {
    const instrument = this.instruments.get(tick.symbol);
    if (!instrument) return;
    const reference = parseFixed(tick.price);
    const half = maxFixed(instrument.tick, roundToStep((reference * HALF_SPREAD_BPS) / 10_000n, instrument.tick));
    // The feed speaks for the wider market: its tick is the last price until our next trade.
    this.addToBar(tick.symbol, reference, 0n, tick.at.getTime());
    await this.publish({
      symbol: tick.symbol,
      bid: formatFixed(maxFixed(instrument.tick, reference - half)),
      ask: formatFixed(reference + half),
      last: formatFixed(reference),
      reference: formatFixed(reference),
      timestamp: tick.at.toISOString(),
    });
  }

  private publish(quote: QuoteEvent): Promise<void> {
    return this.pubsub.publish(topics.quotes(quote.symbol), quote);
  }

  private async consume(events: AsyncIterableIterator<QuoteEvent>): Promise<void> {
    for await (const quote of events) this.remember(quote);
  }

  private remember(quote: QuoteEvent): void {
    const previous = this.quotes.get(quote.symbol);
    this.quotes.set(quote.symbol, quote);
    const reference = quote.reference ?? quote.last;
    if (previous?.last === quote.last && (previous.reference ?? previous.last) === reference) return;
    const change = { symbol: quote.symbol, last: parseFixed(quote.last), reference: parseFixed(reference) };
    for (const listener of this.listeners) listener(change);
  }

  private addToBar(symbol: string, price: Fixed, volume: Fixed, atMs: number): void {
    const bucket = Math.floor(atMs / BAR_MS) * BAR_MS;
    const bar = this.bars.get(symbol);
    if (!bar || bar.bucket !== bucket) {
      if (bar) this.dirtyBars.set(symbol, [...(this.dirtyBars.get(symbol) ?? []), bar]);
      this.bars.set(symbol, { bucket, open: price, high: price, low: price, close: price, volume });
      return;
    }
    bar.high = maxFixed(bar.high, price);
    bar.low = minFixed(bar.low, price);
    bar.close = price;
    bar.volume += volume;
  }

  /** Upserts finished bars and the forming ones, and the last prices, in one transaction. */
  private async flush(): Promise<void> {
    const bars = [...this.dirtyBars.entries()].flatMap(([symbol, list]) => list.map((bar) => ({ symbol, bar })));
    this.dirtyBars.clear();
    for (const [symbol, bar] of this.bars) bars.push({ symbol, bar: { ...bar } });
    if (bars.length === 0) return;
    await this.dataSource.transaction(async (manager) => {
      for (const { symbol, bar } of bars) {
        await manager.query(
          `INSERT INTO price_bars (symbol, bucket, open, high, low, close, volume) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (symbol, bucket) DO UPDATE SET high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume`,
          [symbol, new Date(bar.bucket), formatFixed(bar.open), formatFixed(bar.high), formatFixed(bar.low), formatFixed(bar.close), formatFixed(bar.volume)],
        );
      }
      for (const [symbol, quote] of this.quotes) {
        await manager.query(`UPDATE instruments SET last_price = $1, updated_at = now() WHERE symbol = $2`, [quote.last, symbol]);
      }
    });
  }
}

/** Rounds `value` down to a whole number of `step`s. */
function roundToStep(value: Fixed, step: Fixed): Fixed {
  return (value / step) * step;
}
