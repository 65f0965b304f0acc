import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum OrderType {
  MARKET = "MARKET",
  LIMIT = "LIMIT",
  STOP = "STOP",
  STOP_LIMIT = "STOP_LIMIT",
  TRAILING_STOP = "TRAILING_STOP",
}

export enum TimeInForce {
  GTC = "GTC",
  IOC = "IOC",
  FOK = "FOK",
  DAY = "DAY",
  /** Good till date: expires at `expiresAt`. */
  GTD = "GTD",
}

export enum OrderStatus {
  PENDING_TRIGGER = "PENDING_TRIGGER",
  NEW = "NEW",
  PARTIALLY_FILLED = "PARTIALLY_FILLED",
  FILLED = "FILLED",
  CANCELLED = "CANCELLED",
  REJECTED = "REJECTED",
  EXPIRED = "EXPIRED",
}

/** How an order is tied to others (docs/trading.md, "Order classes"). */
export enum OrderClass {
  SIMPLE = "SIMPLE",
  /** One cancels the other: the first to fill or trigger cancels its sibling. */
  OCO = "OCO",
  /** One triggers the other: the child is placed when the parent fills. */
  OTO = "OTO",
  /** An entry with a take-profit and a stop-loss exit, sized to what the entry filled. */
  BRACKET = "BRACKET",
}

export const OPEN_STATUSES = [OrderStatus.PENDING_TRIGGER, OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED];

export enum Liquidity {
  MAKER = "MAKER",
  TAKER = "TAKER",
}

@Entity({ name: "orders" })
export class OrderRow {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  /** The number the matching engine knows the order by. */
  @Column({ name: "engine_id", type: "bigint" })
  engineId!: string;

  @Column({ name: "user_id", type: "uuid" })
  userId!: string;

  @Column({ name: "portfolio_id", type: "uuid" })
  portfolioId!: string;

  @Column({ name: "client_order_id", type: "varchar", length: 64, nullable: true })
  clientOrderId!: string | null;

  @Column({ type: "varchar", length: 20 })
  symbol!: string;

  @Column({ type: "varchar", length: 4 })
  side!: "BUY" | "SELL";

  @Column({ name: "order_type", type: "varchar", length: 13 })
  type!: OrderType;

  @Column({ name: "time_in_force", type: "varchar", length: 3 })
  timeInForce!: TimeInForce;

  @Column({ type: "numeric" })
  quantity!: string;

  @Column({ name: "limit_price", type: "numeric", nullable: true })
  limitPrice!: string | null;

  @Column({ name: "stop_price", type: "numeric", nullable: true })
  stopPrice!: string | null;

  @Column({ name: "protection_price", type: "numeric", nullable: true })
  protectionPrice!: string | null;

  @Column({ name: "post_only", type: "boolean", default: false })
  postOnly!: boolean;

  /** Iceberg: the quantity shown in the book at a time. */
  @Column({ name: "display_quantity", type: "numeric", nullable: true })
  displayQuantity!: string | null;

  /** TRAILING_STOP: the trail in price units, or ... */
  @Column({ name: "trail_amount", type: "numeric", nullable: true })
  trailAmount!: string | null;

  /** ... in percent of the mark ("5" is 5%). */
  @Column({ name: "trail_percent", type: "numeric", nullable: true })
  trailPercent!: string | null;

  /** TRAILING_STOP: the mark when it took its place (queued_seq); trades since then move it. */
  @Column({ name: "trail_mark", type: "numeric", nullable: true })
  trailMark!: string | null;

  /** GTD only: when it expires. */
  @Column({ name: "expires_at", type: "timestamptz", nullable: true })
  expiresAt!: Date | null;

  @Column({ name: "order_class", type: "varchar", length: 7, default: OrderClass.SIMPLE })
  orderClass!: OrderClass;

  /** The order this one is a leg of: an OCO sibling's first order, an OTO/BRACKET parent. */
  @Column({ name: "parent_order_id", type: "uuid", nullable: true })
  parentOrderId!: string | null;

  /** OTO/BRACKET parent: the take-profit leg's limit price, placed when the parent fills. */
  @Column({ name: "take_profit_price", type: "numeric", nullable: true })
  takeProfitPrice!: string | null;

  /** OTO/BRACKET parent: the stop-loss leg's stop price ... */
  @Column({ name: "stop_loss_price", type: "numeric", nullable: true })
  stopLossPrice!: string | null;

  /** ... and its limit price when it is a STOP_LIMIT. */
  @Column({ name: "stop_loss_limit_price", type: "numeric", nullable: true })
  stopLossLimitPrice!: string | null;

  /** ... and the worst price its STOP fills at once triggered, priced at the gateway. */
  @Column({ name: "stop_loss_protection", type: "numeric", nullable: true })
  stopLossProtection!: string | null;

  @Column({ name: "filled_quantity", type: "numeric" })
  filledQuantity!: string;

  @Column({ name: "filled_notional", type: "numeric" })
  filledNotional!: string;

  @Column({ type: "varchar", length: 16 })
  status!: OrderStatus;

  @Column({ name: "reject_reason", type: "text", nullable: true })
  rejectReason!: string | null;

  @Column({ name: "reserved_cash", type: "numeric" })
  reservedCash!: string;

  @Column({ name: "reserved_quantity", type: "numeric" })
  reservedQuantity!: string;

  @Column({ name: "queued_seq", type: "bigint", nullable: true })
  queuedSeq!: string | null;

  @Column({ name: "last_seq", type: "bigint" })
  lastSeq!: string;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Column({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;
}

@Entity({ name: "fills" })
export class FillRow {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "order_id", type: "uuid" })
  orderId!: string;

  @Column({ name: "trade_id", type: "uuid" })
  tradeId!: string;

  @Column({ type: "varchar", length: 20 })
  symbol!: string;

  @Column({ type: "varchar", length: 4 })
  side!: "BUY" | "SELL";

  @Column({ type: "numeric" })
  price!: string;

  @Column({ type: "numeric" })
  quantity!: string;

  @Column({ type: "numeric" })
  fee!: string;

  @Column({ type: "varchar", length: 5 })
  liquidity!: Liquidity;

  @Column({ type: "bigint" })
  seq!: string;

  @Column({ name: "executed_at", type: "timestamptz" })
  executedAt!: Date;
}

@Entity({ name: "trades" })
export class TradeRow {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "varchar", length: 20 })
  symbol!: string;

  @Column({ type: "numeric" })
  price!: string;

  @Column({ type: "numeric" })
  quantity!: string;

  @Column({ name: "aggressor_side", type: "varchar", length: 4 })
  aggressorSide!: "BUY" | "SELL";

  @Column({ name: "maker_order_id", type: "uuid" })
  makerOrderId!: string;

  @Column({ name: "taker_order_id", type: "uuid" })
  takerOrderId!: string;

  @Column({ type: "bigint" })
  seq!: string;

  @Column({ name: "executed_at", type: "timestamptz" })
  executedAt!: Date;
}
