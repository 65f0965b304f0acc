import { Field, InputType, Int, ObjectType } from "type-graphql";
import { DateTimeScalar, DecimalScalar } from "../infra/graphql/scalars";
import { BarInterval } from "./bar-interval";
import { AssetClass } from "./instrument.entity";

@ObjectType({ description: "What an import stored and what it refused, row by row." })
export class BarImportResult {
  @Field()
  symbol!: string;

  @Field(() => BarInterval)
  interval!: BarInterval;

  @Field(() => Int, { description: "Rows in the call." })
  received!: number;

  @Field(() => Int, { description: "Rows written, replacements included." })
  stored!: number;

  @Field(() => Int, { description: "Rows of `stored` that replaced a bar imported before." })
  replaced!: number;

  @Field(() => Int)
  rejected!: number;

  @Field(() => [String], { description: "One line per refused row: its line (from 1) and why." })
  problems!: string[];
}

@InputType()
export class PriceBarInput {
  @Field(() => DateTimeScalar, { description: "Start of the bar, on the interval's UTC boundary." })
  time!: Date;

  @Field(() => DecimalScalar)
  open!: string;

  @Field(() => DecimalScalar)
  high!: string;

  @Field(() => DecimalScalar)
  low!: string;

  @Field(() => DecimalScalar)
  close!: string;

  @Field(() => DecimalScalar)
  volume!: string;
}

@InputType()
export class ListInstrumentInput {
  @Field()
  symbol!: string;

  @Field()
  name!: string;

  @Field(() => AssetClass)
  assetClass!: AssetClass;

  @Field()
  currency!: string;

  @Field(() => DecimalScalar)
  tickSize!: string;

  @Field(() => DecimalScalar)
  lotSize!: string;

  @Field(() => DecimalScalar, { nullable: true, description: "Where the book opens; without it, the last imported close." })
  referencePrice?: string | null;
}
