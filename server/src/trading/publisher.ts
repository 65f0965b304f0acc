import type { TradingCompliance } from "../compliance";
import { formatFixed } from "../infra/fixed";
import type { Logger } from "../infra/logger";
import { type BookEvent, type OrderEvent, type PortfolioChangedEvent, type PubSub, topics } from "../infra/pubsub";
import type { MarketDataService } from "../market";
import type { InstrumentDesk } from "./instrument-desk";
import type { CommandOutcome } from "./order-persistence";
import { fromTicks } from "./order-validation";
import type { TradeRow } from "./trading.entities";
import type { OrderBookSnapshot } from "./trading.types";

const BOOK_PUBLISH_MS = 200;
const BOOK_DEPTH_PUBLISHED = 20;

/**
 * The last stage of the order path, after the commit: order updates to their owners, trades
 * and last prices, changed portfolios to valuation, fills to AML monitoring, and depth
 * snapshots coalesced on a timer. Nothing here writes cash, positions or orders.
 */
export class Publisher {
  private readonly dirty = new Set<InstrumentDesk>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly pubsub: PubSub,
    private readonly marketData: MarketDataService,
    private readonly log: Logger,
    private readonly compliance?: TradingCompliance,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.publishBooks(), BOOK_PUBLISH_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Publishes what a committed batch changed; `orderEvents` are its numbered order updates, in
   * sequence, and `portfolios` the changed portfolios as committed (valuation reads nothing).
   */
  async afterCommit(outcome: CommandOutcome, desks: Iterable<InstrumentDesk>, orderEvents: OrderEvent[], portfolios: PortfolioChangedEvent[]): Promise<void> {
    for (const desk of desks) this.dirty.add(desk);
    const publications: Array<Promise<void>> = orderEvents.map((event) => this.pubsub.publish(topics.orders(event.userId), event));
    const tradesBySymbol = new Map<string, TradeRow[]>();
    for (const trade of outcome.trades) {
      tradesBySymbol.set(trade.symbol, [...(tradesBySymbol.get(trade.symbol) ?? []), trade]);
      publications.push(
        this.pubsub.publish(topics.trades(trade.symbol), {
          id: trade.id,
          symbol: trade.symbol,
          price: trade.price,
          quantity: trade.quantity,
          aggressorSide: trade.aggressorSide,
          executedAt: trade.executedAt.toISOString(),
          sequence: trade.seq,
        }),
      );
    }
    for (const [symbol, trades] of tradesBySymbol) publications.push(this.marketData.recordTrades(symbol, trades));
    for (const changed of portfolios) publications.push(this.pubsub.publish(topics.portfolioChanged(), changed));
    if (outcome.fills.length > 0) this.compliance?.onFills(outcome.fills);
    await Promise.all(publications);
  }

  snapshot(desk: InstrumentDesk, depth: number): OrderBookSnapshot {
    const levels = desk.book.depth(depth);
    const level = (l: { price: number; quantity: number; orderCount: number }) => ({
      price: formatFixed(fromTicks(l.price, desk.steps)),
      quantity: formatFixed(BigInt(l.quantity) * desk.steps.lot),
      orderCount: l.orderCount,
    });
    return { symbol: desk.steps.symbol, bids: levels.bids.map(level), asks: levels.asks.map(level), sequence: String(desk.book.sequence), timestamp: new Date() };
  }

  /** Depth snapshots, coalesced: at most one per book per BOOK_PUBLISH_MS. */
  private publishBooks(): void {
    for (const desk of this.dirty) {
      const snapshot = this.snapshot(desk, BOOK_DEPTH_PUBLISHED);
      const event: BookEvent = { ...snapshot, timestamp: snapshot.timestamp.toISOString() };
      void this.pubsub.publish(topics.book(desk.steps.symbol), event).catch((error: unknown) => this.log.warn({ err: error }, "book publish failed"));
    }
    this.dirty.clear();
  }
}
