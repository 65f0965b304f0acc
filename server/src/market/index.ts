export { Instrument, AssetClass } from "./instrument.entity";
export { InstrumentService } from "./instrument.service";
export { MarketResolver } from "./market.resolver";
export { MarketDataService, type PriceChange } from "./market-data.service";
export { PriceSimulator, type SimulatedInstrument, tickSchedule } from "./price-simulator";
export type { PriceFeed, PriceTick } from "./price-feed";
