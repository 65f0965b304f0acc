import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";

export enum PortfolioRiskLevel {
  CONSERVATIVE = "CONSERVATIVE",
  MODERATE = "MODERATE",
  AGGRESSIVE = "AGGRESSIVE",
}

export enum TransactionType {
  DEPOSIT = "DEPOSIT",
  WITHDRAWAL = "WITHDRAWAL",
  BUY = "BUY",
  SELL = "SELL",
  FEE = "FEE",
}

export enum TransactionStatus {
  PENDING = "PENDING",
  COMPLETED = "COMPLETED",
  FAILED = "FAILED",
}

/** A target weight; weights of a portfolio sum to exactly 1. */
export interface AllocationTargetValue {
  symbol: string;
  weight: string;
}

/** The seed's portfolios table. Money columns are numeric strings at scale 10. */
@Entity({ name: "portfolios" })
export class PortfolioRow {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "user_id", type: "uuid" })
  userId!: string;

  @Column({ type: "varchar", length: 255 })
  name!: string;

  @Column({ type: "text", nullable: true })
  description!: string | null;

  @Column({ name: "total_value", type: "numeric" })
  totalValue!: string;

  @Column({ name: "invested_amount", type: "numeric" })
  investedAmount!: string;

  @Column({ name: "cash_balance", type: "numeric" })
  cashBalance!: string;

  @Column({ name: "reserved_cash", type: "numeric" })
  reservedCash!: string;

  @Column({ name: "unrealized_pnl", type: "numeric" })
  unrealizedPnl!: string;

  @Column({ name: "realized_pnl", type: "numeric" })
  realizedPnl!: string;

  @Column({ name: "risk_level", type: "varchar", length: 20 })
  riskLevel!: PortfolioRiskLevel;

  @Column({ name: "benchmark_symbol", type: "varchar", length: 20, nullable: true })
  benchmarkSymbol!: string | null;

  @Column({ name: "auto_rebalance", type: "boolean" })
  autoRebalance!: boolean;

  @Column({ name: "rebalance_threshold", type: "numeric" })
  rebalanceThreshold!: string;

  @Column({ type: "char", length: 3 })
  currency!: string;

  @Column({ name: "asset_allocation", type: "jsonb", nullable: true })
  assetAllocation!: AllocationTargetValue[] | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @UpdateDateColumn({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;
}

@Entity({ name: "positions" })
export class PositionRow {
  @PrimaryColumn({ name: "portfolio_id", type: "uuid" })
  portfolioId!: string;

  @PrimaryColumn({ type: "varchar", length: 20 })
  symbol!: string;

  @Column({ type: "numeric" })
  quantity!: string;

  @Column({ name: "reserved_quantity", type: "numeric" })
  reservedQuantity!: string;

  @Column({ name: "average_cost", type: "numeric" })
  averageCost!: string;

  @Column({ name: "realized_pnl", type: "numeric" })
  realizedPnl!: string;

  @UpdateDateColumn({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;
}

/** The seed's transactions table: every movement of money, signed by its type. */
@Entity({ name: "transactions" })
export class TransactionRow {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "user_id", type: "uuid" })
  userId!: string;

  @Column({ name: "portfolio_id", type: "uuid", nullable: true })
  portfolioId!: string | null;

  @Column({ name: "transaction_id", type: "varchar", length: 50 })
  transactionId!: string;

  @Column({ name: "transaction_type", type: "varchar", length: 20 })
  type!: TransactionType;

  @Column({ name: "asset_symbol", type: "varchar", length: 20, nullable: true })
  symbol!: string | null;

  @Column({ name: "asset_name", type: "varchar", length: 255, nullable: true })
  assetName!: string | null;

  @Column({ type: "numeric", nullable: true })
  quantity!: string | null;

  @Column({ type: "numeric", nullable: true })
  price!: string | null;

  @Column({ name: "total_amount", type: "numeric" })
  totalAmount!: string;

  @Column({ type: "numeric" })
  fees!: string;

  @Column({ type: "char", length: 3 })
  currency!: string;

  @Column({ type: "varchar", length: 20 })
  status!: TransactionStatus;

  @Column({ name: "settlement_date", type: "date", nullable: true })
  settlementDate!: string | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @UpdateDateColumn({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;

  // `any`, not `unknown`: TypeORM's insert typing cannot express an open JSON object otherwise.
  @Column({ type: "jsonb", nullable: true })
  metadata!: Record<string, any> | null;
}

@Entity({ name: "valuation_snapshots" })
export class ValuationSnapshotRow {
  @PrimaryColumn({ name: "portfolio_id", type: "uuid" })
  portfolioId!: string;

  @PrimaryColumn({ name: "taken_at", type: "timestamptz" })
  takenAt!: Date;

  @Column({ name: "total_value", type: "numeric" })
  totalValue!: string;

  @Column({ name: "cash_balance", type: "numeric" })
  cashBalance!: string;

  @Column({ name: "unrealized_pnl", type: "numeric" })
  unrealizedPnl!: string;

  @Column({ name: "realized_pnl", type: "numeric" })
  realizedPnl!: string;
}
