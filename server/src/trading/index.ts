export { TradingService } from "./trading.service";
export { Sequencer } from "./sequencer";
export { Publisher } from "./publisher";
export { MarketMaker } from "./market-maker";
export { AutoRebalancer } from "./auto-rebalancer";
export { TradingResolver } from "./trading.resolver";
export { createTradingLoaders, type TradingLoaders } from "./trading.loaders";
export { toOrder } from "./trading.mappers";
export { OrderRow, FillRow, TradeRow, OrderStatus, OrderType } from "./trading.entities";
