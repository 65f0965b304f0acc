import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { DateTimeScalar, DecimalScalar } from "../infra/graphql/scalars";
import { type Count, PageInfo } from "../infra/graphql/pagination";
import { OrderSide } from "../portfolio";
import { Liquidity, OrderClass, OrderStatus, OrderType, TimeInForce } from "./trading.entities";
import { rowOfParent } from "../infra/graphql/rows";

registerEnumType(OrderType, { name: "OrderType" });
registerEnumType(TimeInForce, { name: "TimeInForce" });
registerEnumType(OrderStatus, { name: "OrderStatus" });
registerEnumType(Liquidity, { name: "Liquidity" });
registerEnumType(OrderClass, { name: "OrderClass" });

@ObjectType()
export class Fill {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  orderId!: string;

  @Field()
  symbol!: string;

  @Field(() => OrderSide)
  side!: OrderSide;

  @Field(() => DecimalScalar)
  price!: string;

  @Field(() => DecimalScalar)
  quantity!: string;

  @Field(() => DecimalScalar)
  fee!: string;

  @Field(() => Liquidity)
  liquidity!: Liquidity;

  @Field(() => DateTimeScalar)
  executedAt!: Date;
}

@ObjectType()
export class Order {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  clientOrderId!: string | null;

  @Field(() => ID)
  portfolioId!: string;

  @Field()
  symbol!: string;

  @Field(() => OrderSide)
  side!: OrderSide;

  @Field(() => OrderType)
  type!: OrderType;

  @Field(() => TimeInForce)
  timeInForce!: TimeInForce;

  @Field(() => DecimalScalar)
  quantity!: string;

  @Field(() => DecimalScalar, { nullable: true })
  limitPrice!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  stopPrice!: string | null;

  @Field(() => DecimalScalar)
  filledQuantity!: string;

  @Field(() => DecimalScalar, { nullable: true })
  averageFillPrice!: string | null;

  @Field(() => OrderStatus)
  status!: OrderStatus;

  @Field(() => String, { nullable: true })
  rejectReason!: string | null;

  @Field(() => OrderClass)
  orderClass!: OrderClass;

  @Field(() => ID, { nullable: true, description: "The order this one is a leg of (OTO/BRACKET children, OCO siblings' parent)." })
  parentOrderId!: string | null;

  @Field()
  postOnly!: boolean;

  @Field(() => DecimalScalar, { nullable: true, description: "Iceberg: the quantity shown in the book; null shows all." })
  displayQuantity!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "GTD: when the order expires." })
  expiresAt!: Date | null;

  @Field(() => DecimalScalar, { nullable: true, description: "TRAILING_STOP: the trail in price units." })
  trailAmount!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "TRAILING_STOP: the trail in percent of the mark (\"5\" is 5%)." })
  trailPercent!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;

  /** Internal: the owner. */
  userId!: string;
}

@ObjectType()
export class OrderEdge {
  @Field()
  cursor!: string;

  @Field(() => Order)
  node!: Order;
}

@ObjectType()
export class OrderConnection {
  @Field(() => [OrderEdge])
  edges!: OrderEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** Internal: `totalCount`, counted when selected. */
  count!: Count;
}

@ObjectType()
export class FillEdge {
  @Field()
  cursor!: string;

  @Field(() => Fill)
  node!: Fill;
}

@ObjectType()
export class FillConnection {
  @Field(() => [FillEdge])
  edges!: FillEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** Internal: `totalCount`, counted when selected. */
  count!: Count;
}

@ObjectType()
export class OrderBookLevel {
  @Field(() => DecimalScalar)
  price!: string;

  @Field(() => DecimalScalar)
  quantity!: string;

  @Field(() => Int)
  orderCount!: number;
}

@ObjectType()
export class OrderBookSnapshot {
  @Field()
  symbol!: string;

  @Field(() => [OrderBookLevel], { complexity: rowOfParent })
  bids!: OrderBookLevel[];

  @Field(() => [OrderBookLevel], { complexity: rowOfParent })
  asks!: OrderBookLevel[];

  @Field()
  sequence!: string;

  @Field(() => DateTimeScalar)
  timestamp!: Date;
}

@ObjectType()
export class Trade {
  @Field(() => ID)
  id!: string;

  @Field()
  symbol!: string;

  @Field(() => DecimalScalar)
  price!: string;

  @Field(() => DecimalScalar)
  quantity!: string;

  @Field(() => OrderSide)
  aggressorSide!: OrderSide;

  @Field(() => DateTimeScalar)
  executedAt!: Date;
}

@ObjectType({ description: "An order changed: accepted, triggered, filled (fill set), cancelled, rejected or expired." })
export class OrderUpdate {
  @Field({ description: "Per user, increasing: pass the last one seen as afterSequence to resume without a gap." })
  sequence!: string;

  @Field(() => Order)
  order!: Order;

  @Field(() => Fill, { nullable: true })
  fill!: Fill | null;
}

@InputType()
export class TakeProfitInput {
  @Field(() => DecimalScalar)
  limitPrice!: string;
}

@InputType()
export class StopLossInput {
  @Field(() => DecimalScalar)
  stopPrice!: string;

  @Field(() => DecimalScalar, { nullable: true })
  limitPrice?: string | null;
}

@InputType()
export class OcoLegInput {
  @Field(() => OrderType)
  type!: OrderType;

  @Field(() => DecimalScalar, { nullable: true })
  limitPrice?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  stopPrice?: string | null;
}

@InputType()
export class PlaceOrderInput {
  @Field(() => ID)
  portfolioId!: string;

  @Field()
  symbol!: string;

  @Field(() => OrderSide)
  side!: OrderSide;

  @Field(() => OrderType)
  type!: OrderType;

  @Field(() => DecimalScalar)
  quantity!: string;

  @Field(() => DecimalScalar, { nullable: true })
  limitPrice?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  stopPrice?: string | null;

  @Field(() => TimeInForce, { nullable: true, description: "Default GTC." })
  timeInForce?: TimeInForce | null;

  @Field(() => String, { nullable: true, description: "Your id for the order: a retry with the same id returns the original order." })
  clientOrderId?: string | null;

  @Field(() => Boolean, { nullable: true })
  postOnly?: boolean | null;

  @Field(() => DecimalScalar, { nullable: true })
  displayQuantity?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "GTD (and only GTD): when the order expires; in the future." })
  expiresAt?: Date | null;

  @Field(() => DecimalScalar, { nullable: true, description: "TRAILING_STOP: the trail in price units, on the tick." })
  trailAmount?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "TRAILING_STOP: the trail in percent (\"5\" is 5%), to 0.01." })
  trailPercent?: string | null;

  @Field(() => OrderClass, { nullable: true, description: "Default SIMPLE." })
  orderClass?: OrderClass | null;

  @Field(() => TakeProfitInput, { nullable: true, description: "BRACKET/OTO: the take-profit leg (a LIMIT on the other side)." })
  takeProfit?: TakeProfitInput | null;

  @Field(() => StopLossInput, { nullable: true, description: "BRACKET/OTO: the stop-loss leg (a STOP, or a STOP_LIMIT when limitPrice is given)." })
  stopLoss?: StopLossInput | null;

  @Field(() => OcoLegInput, { nullable: true, description: "OCO: the second order; the first to fill or trigger cancels the other." })
  ocoWith?: OcoLegInput | null;
}

@InputType({ description: "Changes an open order in place, keeping its id. Omitted fields stay as they are." })
export class AmendOrderInput {
  @Field(() => ID)
  orderId!: string;

  @Field(() => DecimalScalar, { nullable: true, description: "The new total quantity, filled part included: at least what has filled; exactly that closes the order (CANCELLED)." })
  quantity?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  limitPrice?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  stopPrice?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  trailAmount?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  trailPercent?: string | null;
}
