import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { DateTimeScalar } from "../infra/graphql/scalars";
import { rows } from "../infra/graphql/rows";
import { FEATURES } from "./behaviour";

@ObjectType()
export class BehaviourFeature {
  @Field()
  name!: string;
  @Field(() => Float)
  value!: number;
  @Field(() => Float, { nullable: true, description: "Robust z-score against the population (median, MAD); null when the population has no spread." })
  zScore!: number | null;
}

@ObjectType()
export class BehaviourProfile {
  @Field(() => ID)
  userId!: string;
  @Field(() => Int)
  windowDays!: number;
  @Field(() => [BehaviourFeature], { complexity: rows(FEATURES.length) })
  features!: BehaviourFeature[];
  @Field(() => Float)
  anomalyScore!: number;
  @Field(() => [String], { description: "Why the score is what it is, most important first." })
  explanation!: string[];
  @Field(() => DateTimeScalar)
  computedAt!: Date;
}
