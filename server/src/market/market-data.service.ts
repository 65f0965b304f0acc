import type { DataSource } from "typeorm";
import { type Fixed, formatFixed, maxFixed, minFixed, parseFixed } from "../infra/fixed";
import type { Logger } from "../infra/logger";
import { type PubSub, type QuoteEvent, topics } from "../infra/pubsub";
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

  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: PubSub,
    private readonly log: Logger,
  ) {}

  /** Loads instruments and their last prices, listens to quotes, and starts `feed` when given. */
  async start(feed?: PriceFeed): Promise<void> {
    const rows = await this.dataSource.getRepository(Instrument).find();
    for (const row of rows) {
      this.instruments.set(row.symbol, { tick: parseFixed(row.tickSize) });
      if (row.lastPrice) this.remember({ symbol: row.symbol, bid: null, ask: null, last: formatFixed(parseFixed(row.lastPrice)), timestamp: row.updatedAt.toISOString() });
    }
    this.subscription = this.pubsub.subscribe(rows.map((row) => topics.quotes(row.symbol)));
    void this.consume(this.subscription);
    if (feed) {
      this.feed = feed;
      feed.start((tick) => void this.onReference(tick).catch((error: unknown) => this.log.error({ err: error }, "publishing a price failed")));
      this.flushTimer = setInterval(() => void this.flush().catch((error: unknown) => this.log.error({ err: error }, "writing bars failed")), FLUSH_INTERVAL_MS);
      this.flushTimer.unref();
    }
  }

  async stop(): Promise<void> {
    this.feed?.stop();
    clearInterval(this.flushTimer);
    await this.subscription?.return?.();
    for (const events of this.extraSubscriptions) await events.return?.();
    if (this.feed) await this.flush().catch(() => {});
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
    const events = this.pubsub.subscribe([topics.quotes(symbol)]);
    this.extraSubscriptions.push(events);
    void this.consume(events);
    if (reference) await this.onReference({ symbol, price: reference, at: new Date() });
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
