import { Field, ID, Int, ObjectType } from "type-graphql";
import { DateTimeScalar } from "../infra/graphql/scalars";
import { type Count, PageInfo } from "../infra/graphql/pagination";

@ObjectType({ description: "One link of the tamper-evident audit chain." })
export class AuditEvent {
  @Field()
  seq!: string;

  @Field(() => DateTimeScalar)
  timestamp!: Date;

  @Field()
  eventType!: string;

  @Field(() => ID, { nullable: true })
  userId!: string | null;

  @Field(() => String, { nullable: true })
  entityType!: string | null;

  @Field(() => String, { nullable: true })
  entityId!: string | null;

  @Field()
  hash!: string;

  @Field()
  prevHash!: string;
}

@ObjectType()
export class AuditEventEdge {
  @Field()
  cursor!: string;

  @Field(() => AuditEvent)
  node!: AuditEvent;
}

@ObjectType()
export class AuditEventConnection {
  @Field(() => [AuditEventEdge])
  edges!: AuditEventEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** Internal: `totalCount`, counted when selected. */
  count!: Count;
}

@ObjectType()
export class AuditChainVerification {
  @Field()
  valid!: boolean;

  @Field(() => Int)
  checkedEvents!: number;

  @Field(() => String, { nullable: true, description: "The first seq whose link or content does not verify." })
  firstInvalidSeq!: string | null;
}

@ObjectType({ description: "A signed (seq, head hash) of the audit chain; the signing key lives outside the database." })
export class AuditCheckpoint {
  @Field()
  seq!: string;

  @Field()
  headHash!: string;

  @Field(() => DateTimeScalar)
  signedAt!: Date;

  @Field({ description: "Ed25519 signature (base64) of `blockguardian-audit-checkpoint:<seq>:<headHash>`." })
  signature!: string;

  @Field({ description: "The verifying key, PEM (SPKI)." })
  publicKey!: string;

  @Field(() => String, { nullable: true, description: "Where the checkpoint was anchored on chain; null when it was not." })
  anchor!: string | null;
}
