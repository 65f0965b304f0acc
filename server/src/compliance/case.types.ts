import { Field, Int, ObjectType } from "type-graphql";
import { PageInfo } from "../infra/graphql/pagination";
import { DateTimeScalar } from "../infra/graphql/scalars";
import { SuspiciousActivity } from "./compliance.types";

@ObjectType()
export class CaseNote {
  /** Resolved to `author` through a loader. */
  authorId!: string;

  @Field()
  text!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

@ObjectType()
export class SuspiciousActivityEdge {
  @Field()
  cursor!: string;

  @Field(() => SuspiciousActivity)
  node!: SuspiciousActivity;
}

@ObjectType()
export class SuspiciousActivityConnection {
  @Field(() => [SuspiciousActivityEdge])
  edges!: SuspiciousActivityEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

@ObjectType()
export class SanctionsList {
  @Field()
  name!: string;

  @Field()
  source!: string;

  @Field(() => Int)
  entries!: number;

  @Field(() => DateTimeScalar)
  loadedAt!: Date;

  @Field()
  checksum!: string;
}
