import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../app/context";
import { decodeCursor, encodeCursor, forwardPageInfo, pageSize } from "../infra/graphql/pagination";
import { Role } from "../infra/auth";
import { badUserInput } from "../infra/errors";
import { DateTimeScalar } from "../infra/graphql/scalars";
import { AuditChainVerification, AuditCheckpoint, AuditEventConnection } from "./audit.types";

@Resolver()
export class AuditResolver {
  @Authorized(Role.ADMIN, Role.COMPLIANCE_OFFICER)
  @Query(() => AuditEventConnection, { description: "The audit trail, newest first." })
  async auditLog(
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("eventType", () => String, { nullable: true }) eventType?: string,
    @Arg("userId", () => ID, { nullable: true }) userId?: string,
    @Arg("from", () => DateTimeScalar, { nullable: true }) from?: Date,
    @Arg("to", () => DateTimeScalar, { nullable: true }) to?: Date,
  ): Promise<AuditEventConnection> {
    const size = pageSize(first, 20, 500);
    if (userId && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(userId)) throw badUserInput("userId must be a user id", "userId");
    if (from && to && !(from < to)) throw badUserInput("from must be before to", "from");
    const page = await ctx.services.audit.page(size, decodeCursor(after, /^\d{1,19}$/), eventType ?? null, { userId, from, to });
    const edges = page.rows.map((row) => ({ cursor: encodeCursor(row.seq), node: row }));
    return { edges, pageInfo: forwardPageInfo(page.hasNextPage, edges, after), count: page.count };
  }

  @Authorized(Role.ADMIN, Role.COMPLIANCE_OFFICER)
  @Query(() => AuditChainVerification, { description: "Walks the whole chain and checks it against every signed checkpoint and the checkpoint file; names the first broken link." })
  verifyAuditChain(@Ctx() ctx: Context): Promise<AuditChainVerification> {
    return ctx.services.auditAnchor.verify();
  }

  @Authorized(Role.ADMIN, Role.COMPLIANCE_OFFICER)
  @Query(() => [AuditCheckpoint], { description: "Signed checkpoints of the audit chain, newest first." })
  auditCheckpoints(@Ctx() ctx: Context, @Arg("first", () => Int, { nullable: true }) first?: number): Promise<AuditCheckpoint[]> {
    return ctx.services.auditAnchor.list(pageSize(first, 20, 500));
  }
}

/** `totalCount` of the audit log: a count over the filter only when a client selects it. */
@Resolver(() => AuditEventConnection)
export class AuditEventConnectionResolver {
  @FieldResolver(() => Int, { description: "Events matching the filter, on every page." })
  totalCount(@Root() connection: AuditEventConnection): Promise<number> {
    return connection.count();
  }
}
