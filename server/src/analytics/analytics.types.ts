import { Field, Float, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { DateTimeScalar, DecimalScalar } from "../infra/graphql/scalars";
import { BarInterval } from "../market";
import { AllocationTargetInput } from "../portfolio";
import { RebalanceFrequency } from "./backtest";
import { computedSeries } from "../infra/graphql/rows";

export enum VolatilityModel {
  EWMA = "EWMA",
  GARCH_1_1 = "GARCH_1_1",
}

registerEnumType(VolatilityModel, { name: "VolatilityModel" });

@ObjectType()
export class RiskMetrics {
  @Field(() => Int, { description: "Periodic returns used: bars in the window minus one." })
  observations!: number;
  @Field(() => Float)
  totalReturn!: number;
  @Field(() => Float, { nullable: true })
  annualizedReturn!: number | null;
  @Field(() => Float, { nullable: true })
  volatility!: number | null;
  @Field(() => Float, { nullable: true })
  sharpeRatio!: number | null;
  @Field(() => Float, { nullable: true })
  sortinoRatio!: number | null;
  @Field(() => Float)
  maxDrawdown!: number;
  @Field(() => Float, { nullable: true })
  calmarRatio!: number | null;
  @Field(() => Float, { nullable: true })
  valueAtRisk95!: number | null;
  @Field(() => Float, { nullable: true })
  expectedShortfall95!: number | null;
  @Field(() => Float, { nullable: true })
  beta!: number | null;
  @Field(() => Float, { nullable: true })
  alpha!: number | null;
  @Field(() => Float, { nullable: true })
  correlation!: number | null;
}

@ObjectType()
export class PerformancePoint {
  @Field(() => DateTimeScalar)
  time!: Date;
  @Field(() => DecimalScalar)
  value!: string;
  @Field(() => Float)
  cumulativeReturn!: number;
  @Field(() => Float)
  drawdown!: number;
}

@ObjectType()
export class PerformanceReport {
  @Field(() => DateTimeScalar)
  from!: Date;
  @Field(() => DateTimeScalar)
  to!: Date;
  @Field(() => BarInterval)
  interval!: BarInterval;
  @Field(() => Int)
  periodsPerYear!: number;
  @Field(() => String, { nullable: true })
  benchmarkSymbol!: string | null;
  @Field(() => DecimalScalar)
  startValue!: string;
  @Field(() => DecimalScalar)
  endValue!: string;
  @Field(() => RiskMetrics)
  metrics!: RiskMetrics;
  @Field(() => [PerformancePoint], { complexity: computedSeries })
  series!: PerformancePoint[];
}

@ObjectType()
export class VolatilityForecast {
  @Field()
  symbol!: string;
  @Field(() => VolatilityModel)
  model!: VolatilityModel;
  @Field(() => Int)
  horizon!: number;
  @Field(() => Float)
  periodVolatility!: number;
  @Field(() => Float)
  annualizedVolatility!: number;
  @Field(() => Float)
  valueAtRisk95!: number;
  @Field(() => [Float], { description: "EWMA: [lambda]; GARCH_1_1: [omega, alpha, beta]." })
  parameters!: number[];
}

@InputType()
export class BacktestInput {
  @Field(() => [AllocationTargetInput])
  targets!: AllocationTargetInput[];
  @Field(() => DateTimeScalar)
  from!: Date;
  @Field(() => DateTimeScalar)
  to!: Date;
  @Field(() => DecimalScalar)
  initialValue!: string;
  @Field(() => RebalanceFrequency)
  rebalance!: RebalanceFrequency;
  @Field(() => String, { nullable: true })
  benchmarkSymbol?: string | null;
  @Field(() => Int, { nullable: true })
  periodsPerYear?: number | null;
}
