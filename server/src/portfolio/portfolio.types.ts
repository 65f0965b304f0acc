import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Instrument } from "../market";
import { DateTimeScalar, DecimalScalar } from "../infra/graphql/scalars";
import { PageInfo } from "../infra/graphql/pagination";
import { type AllocationTargetValue, PortfolioRiskLevel, TransactionStatus, TransactionType } from "./portfolio.entities";
import { byInstruments, rows } from "../infra/graphql/rows";

registerEnumType(PortfolioRiskLevel, { name: "PortfolioRiskLevel" });
registerEnumType(TransactionType, { name: "TransactionType" });
registerEnumType(TransactionStatus, { name: "TransactionStatus" });

export enum OrderSide {
  BUY = "BUY",
  SELL = "SELL",
}

registerEnumType(OrderSide, { name: "OrderSide" });

/** A portfolio as a caller sees it; values, positions and proposals resolve per field. */
@ObjectType()
export class Portfolio {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => PortfolioRiskLevel)
  riskLevel!: PortfolioRiskLevel;

  @Field(() => String, { nullable: true })
  benchmarkSymbol!: string | null;

  @Field()
  autoRebalance!: boolean;

  @Field(() => DecimalScalar)
  rebalanceThreshold!: string;

  @Field(() => DecimalScalar)
  cashBalance!: string;

  @Field(() => DecimalScalar, { description: "Cash not promised to open buy orders: what withdrawals and new buys may use." })
  availableCash!: string;

  @Field(() => DecimalScalar)
  investedAmount!: string;

  @Field(() => DecimalScalar, { description: "Realized PnL of sells, net of all fees paid." })
  realizedPnl!: string;

  @Field()
  currency!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;

  /** Internal: the owner, for ownership checks. */
  userId!: string;
  reservedCash!: string;
  assetAllocation!: AllocationTargetValue[] | null;
  @Field({ description: "True when an analyst or admin reads someone else's portfolio: they may not move its cash, trade in it, set its targets or see its transactions, and the owner's name and description are withheld." })
  readOnly!: boolean;
}

@ObjectType()
export class PortfolioEdge {
  @Field()
  cursor!: string;
  @Field(() => Portfolio)
  node!: Portfolio;
}

@ObjectType()
export class PortfolioConnection {
  @Field(() => [PortfolioEdge])
  edges!: PortfolioEdge[];
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
  @Field(() => Int)
  totalCount!: number;
}

export enum PositionSource {
  LEDGER = "LEDGER",
  WALLET = "WALLET",
}

registerEnumType(PositionSource, { name: "PositionSource" });

@ObjectType()
export class Position {
  @Field()
  symbol!: string;

  @Field(() => PositionSource, { description: "LEDGER: held on the platform; WALLET: a linked wallet's on-chain balance (read-only, valued at market, no cost basis)." })
  source!: PositionSource;

  @Field(() => Instrument)
  instrument!: Instrument;

  @Field(() => DecimalScalar)
  quantity!: string;

  @Field(() => DecimalScalar)
  averageCost!: string;

  @Field(() => DecimalScalar)
  marketPrice!: string;

  @Field(() => DecimalScalar)
  marketValue!: string;

  @Field(() => DecimalScalar)
  unrealizedPnl!: string;

  @Field(() => DecimalScalar, { description: "Share of the portfolio's total value, cash included." })
  weight!: string;
}

@ObjectType()
export class AllocationTarget {
  @Field()
  symbol!: string;

  @Field(() => DecimalScalar)
  weight!: string;
}

@ObjectType()
export class ProposedOrder {
  @Field()
  symbol!: string;

  @Field(() => OrderSide)
  side!: OrderSide;

  @Field(() => DecimalScalar)
  quantity!: string;

  @Field(() => DecimalScalar)
  estimatedPrice!: string;
}

@ObjectType()
export class RebalanceProposal {
  @Field(() => DecimalScalar, { description: "The largest |current weight − target weight| over all targets." })
  maxDrift!: string;

  @Field({ description: "True when maxDrift exceeds the portfolio's rebalanceThreshold." })
  needed!: boolean;

  @Field(() => [ProposedOrder], { complexity: rows(byInstruments) })
  orders!: ProposedOrder[];
}

@ObjectType()
export class Transaction {
  @Field(() => ID)
  id!: string;

  @Field()
  transactionId!: string;

  @Field(() => TransactionType)
  type!: TransactionType;

  @Field(() => String, { nullable: true })
  symbol!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  quantity!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  price!: string | null;

  @Field(() => DecimalScalar)
  totalAmount!: string;

  @Field(() => DecimalScalar)
  fees!: string;

  @Field()
  currency!: string;

  @Field(() => TransactionStatus)
  status!: TransactionStatus;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

@ObjectType()
export class TransactionEdge {
  @Field()
  cursor!: string;

  @Field(() => Transaction)
  node!: Transaction;
}

@ObjectType()
export class TransactionConnection {
  @Field(() => [TransactionEdge])
  edges!: TransactionEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** Internal: whose transactions; `totalCount` is counted from it only when asked for. */
  portfolioId!: string;
}

@ObjectType()
export class PortfolioValuation {
  @Field(() => ID)
  portfolioId!: string;

  @Field(() => DecimalScalar)
  totalValue!: string;

  @Field(() => DecimalScalar)
  cashBalance!: string;

  @Field(() => DecimalScalar)
  unrealizedPnl!: string;

  @Field(() => DecimalScalar)
  realizedPnl!: string;

  @Field(() => DateTimeScalar)
  timestamp!: Date;
}

@InputType()
export class CreatePortfolioInput {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => PortfolioRiskLevel, { nullable: true })
  riskLevel?: PortfolioRiskLevel | null;

  @Field(() => String, { nullable: true })
  benchmarkSymbol?: string | null;

  @Field(() => Boolean, { nullable: true })
  autoRebalance?: boolean | null;

  @Field(() => DecimalScalar, { nullable: true, description: "Drift that makes a rebalance needed, 0 < t <= 1; default 0.05." })
  rebalanceThreshold?: string | null;
}

@InputType()
export class AllocationTargetInput {
  @Field()
  symbol!: string;

  @Field(() => DecimalScalar)
  weight!: string;
}
