import { Field, ObjectType } from "type-graphql";
import { DateTimeScalar, DecimalScalar } from "../infra/graphql/scalars";
import type { QuoteEvent } from "../infra/pubsub";

@ObjectType({ description: "Best bid and ask and the last price of an instrument at a moment." })
export class Quote {
  @Field()
  symbol!: string;

  @Field(() => DecimalScalar, { nullable: true })
  bid!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  ask!: string | null;

  @Field(() => DecimalScalar)
  last!: string;

  @Field(() => DateTimeScalar)
  timestamp!: Date;

  static fromEvent(event: QuoteEvent): Quote {
    return Object.assign(new Quote(), { ...event, timestamp: new Date(event.timestamp) });
  }
}
