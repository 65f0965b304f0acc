export { PortfolioRow, PositionRow, TransactionRow, ValuationSnapshotRow, TransactionType, TransactionStatus, PortfolioRiskLevel } from "./portfolio.entities";
export { LedgerService, type CashCommand, type CashSequencer, checkCurrencyPrecision, insufficientFunds } from "./ledger.service";
export { Accounts, type CashAccount, type FillInput, type FillOutcome, type NewTransaction } from "./accounts";
export { ensureSystemPortfolio, PortfolioService, toPortfolio } from "./portfolio.service";
export type { StoredFlow, StoredValue } from "./portfolio.history";
export { PortfolioResolver } from "./portfolio.resolver";
export { createPortfolioLoaders, type PortfolioLoaders } from "./portfolio.loaders";
export { OrderSide, Portfolio, AllocationTargetInput } from "./portfolio.types";
export { valuePortfolio, product20, round20, type WalletHolding, type WalletHoldingsSource } from "./valuation-math";
