export { Instrument, AssetClass } from "./instrument.entity";
export { InstrumentService } from "./instrument.service";
export { MarketResolver } from "./market.resolver";
