/** One reference price observation; `price` is an exact decimal on the instrument's tick. */
export interface PriceTick {
  symbol: string;
  price: string;
  at: Date;
}

/**
 * Where reference prices come from: the simulator by default, an exchange or vendor feed in
 * production. The market-data service starts it and publishes what it emits.
 */
export interface PriceFeed {
  /** The symbols this feed prices, each with its source ("simulator", "coinbase", "binance"). */
  readonly sources: ReadonlyMap<string, string>;
  /** Counters of an exchange feed: connections, frames, updates, and frames ignored as garbage. */
  readonly stats?: Readonly<Record<string, number>>;
  start(onTick: (tick: PriceTick) => void): void;
  stop(): void;
}
