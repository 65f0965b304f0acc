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
  start(onTick: (tick: PriceTick) => void): void;
  stop(): void;
}
