import { Field, ID, ObjectType } from "type-graphql";
import { DateTimeScalar, DecimalScalar } from "../infra/graphql/scalars";
import { byInstruments, rows } from "../infra/graphql/rows";
import { MAX_STATEMENT_LINES } from "./statement.service";

@ObjectType({ description: "A holding at one end of a statement's period." })
export class StatementPosition {
  @Field()
  symbol!: string;

  @Field(() => DecimalScalar)
  quantity!: string;
}

@ObjectType({ description: "One movement of cash: signed amount (in positive, out negative) and the balance after it." })
export class StatementLine {
  @Field(() => DateTimeScalar)
  time!: Date;

  @Field()
  description!: string;

  @Field(() => DecimalScalar)
  amount!: string;

  @Field(() => DecimalScalar)
  balance!: string;
}

@ObjectType({ description: "A portfolio's account statement over [from, to): cash at both ends, every movement between, positions at both ends." })
export class AccountStatement {
  @Field(() => ID)
  portfolioId!: string;

  @Field(() => DateTimeScalar)
  from!: Date;

  @Field(() => DateTimeScalar)
  to!: Date;

  @Field(() => DecimalScalar)
  openingCash!: string;

  @Field(() => DecimalScalar)
  closingCash!: string;

  @Field(() => [StatementPosition], { complexity: rows(byInstruments) })
  openingPositions!: StatementPosition[];

  @Field(() => [StatementPosition], { complexity: rows(byInstruments) })
  closingPositions!: StatementPosition[];

  @Field(() => [StatementLine], { complexity: rows(MAX_STATEMENT_LINES) })
  lines!: StatementLine[];

  /** Internal: the portfolio's currency, printed in the documents. */
  currency!: string;
}
