/**
 * Every pub/sub topic and the payload it carries. Payloads are small JSON: decimals are strings,
 * times are ISO strings (they cross Redis as JSON, where a Date would not survive).
 */
export interface QuoteEvent {
  symbol: string;
  bid: string | null;
  ask: string | null;
  last: string;
  /** The feed's reference price (the wider market), carried unchanged by quotes that report our own trades. */
  reference?: string;
  timestamp: string;
}

export interface TradeEvent {
  id: string;
  symbol: string;
  price: string;
  quantity: string;
  aggressorSide: "BUY" | "SELL";
  executedAt: string;
  sequence: string;
}

export interface BookLevelEvent {
  price: string;
  quantity: string;
  orderCount: number;
}

export interface BookEvent {
  symbol: string;
  bids: BookLevelEvent[];
  asks: BookLevelEvent[];
  sequence: string;
  timestamp: string;
}

export interface OrderEvent {
  userId: string;
  portfolioId: string;
  orderId: string;
  fillId: string | null;
  sequence: string;
  /** The order as committed and the fill that changed it, in JSON: subscribers need no read. Trading owns their shape. */
  order: Record<string, unknown>;
  fill: Record<string, unknown> | null;
}

export interface ValuationEvent {
  portfolioId: string;
  userId: string;
  totalValue: string;
  cashBalance: string;
  unrealizedPnl: string;
  realizedPnl: string;
  timestamp: string;
}

/** An instrument's market data went stale or fresh, or an admin halted or resumed it. */
export interface MarketDataStatusEvent {
  symbol: string;
  /** Where its reference prices come from: "simulator", "coinbase", "binance", or "none". */
  source: string;
  lastUpdateAt: string | null;
  stale: boolean;
  /** The admin's kill switch (setTradingHalted); `halted` in the API is this or stale. */
  adminHalted: boolean;
}

/** Credentials withdrawn: every process closes the WebSockets they opened. */
export interface SessionRevokedEvent {
  tokenId?: string;
  familyId?: string;
  apiKeyId?: string;
  userId?: string;
}

/** A portfolio's cash or positions changed: valuation takes the committed state it carries, or reloads the portfolio. */
export interface PortfolioChangedEvent {
  portfolioId: string;
  /**
   * The portfolio as just committed, when the sequencer (its one writer) sends it: valuation
   * takes it as it is, with no read. Without it (a new portfolio, a wallet), valuation reloads.
   */
  state?: CommittedPortfolio;
}

/** A portfolio's cash and positions (quantity above zero), decimal text, as a commit left them. */
export interface CommittedPortfolio {
  userId: string;
  cashBalance: string;
  realizedPnl: string;
  positions: Array<{ symbol: string; quantity: string; averageCost: string }>;
}

/** A `portfolioValuation` subscription is open on some process (repeated while it stays open). */
export interface ValuationWatchEvent {
  portfolioId: string;
}

/** A concrete topic name (`quotes.AAPL`), branded with the payload it carries. */
export type Topic<P> = string & { readonly __payload?: P };

function topic<P>(family: string, key: string): Topic<P> {
  // Keys become Redis channel names; refuse anything that could smuggle a pattern or a separator.
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/.test(key)) throw new Error(`invalid ${family} topic key`);
  return `${family}.${key}` as Topic<P>;
}

export const topics = {
  quotes: (symbol: string) => topic<QuoteEvent>("quotes", symbol),
  trades: (symbol: string) => topic<TradeEvent>("trades", symbol),
  book: (symbol: string) => topic<BookEvent>("book", symbol),
  marketDataStatus: () => topic<MarketDataStatusEvent>("market", "status"),
  orders: (userId: string) => topic<OrderEvent>("orders", userId),
  valuation: (portfolioId: string) => topic<ValuationEvent>("valuation", portfolioId),
  /** Internal: never exposed as a GraphQL subscription. */
  sessionsRevoked: () => topic<SessionRevokedEvent>("sessions", "revoked"),
  /** Internal: never exposed as a GraphQL subscription. */
  portfolioChanged: () => topic<PortfolioChangedEvent>("portfolios", "changed"),
  /** Internal: never exposed as a GraphQL subscription. */
  valuationWatch: () => topic<ValuationWatchEvent>("valuations", "watch"),
};
