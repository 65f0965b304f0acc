export { PortfolioRow, PositionRow, TransactionRow, ValuationSnapshotRow, TransactionType, PortfolioRiskLevel } from "./portfolio.entities";
export { LedgerService } from "./ledger.service";
export { LedgerBatch, type FillInput, type FillOutcome } from "./ledger-batch";
export { PortfolioService, toPortfolio } from "./portfolio.service";
export { PortfolioResolver } from "./portfolio.resolver";
export { createPortfolioLoaders, type PortfolioLoaders } from "./portfolio.loaders";
export { OrderSide, Portfolio } from "./portfolio.types";
export { valuePortfolio, product20, round20, type WalletHolding, type WalletHoldingsSource } from "./valuation-math";
