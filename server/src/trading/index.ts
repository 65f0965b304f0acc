export { TradingService } from "./trading.service";
export { MarketMaker } from "./market-maker";
export { AutoRebalancer } from "./auto-rebalancer";
export { TradingResolver } from "./trading.resolver";
export { createTradingLoaders, type TradingLoaders } from "./trading.loaders";
export { OrderRow, FillRow, TradeRow, OrderStatus, OrderType } from "./trading.entities";
