import { Ctx, Field, Int, ObjectType, Query, Resolver } from "type-graphql";
import { DateTimeScalar } from "../../infra/graphql/scalars";
import type { Context } from "../context";

@ObjectType({ description: "The caller's query-cost budget: a token bucket per user, API key or anonymous address." })
export class RateLimitStatus {
  @Field(() => Int, { description: "The bucket's size in query-cost points." })
  limit!: number;

  @Field(() => Int, { description: "Points left after this operation was charged." })
  remaining!: number;

  @Field(() => DateTimeScalar, { description: "When the bucket is full again if nothing more is spent." })
  resetAt!: Date;

  @Field(() => Int, { nullable: true, description: "What this operation cost." })
  lastQueryCost!: number | null;
}

/**
 * Reports the bucket as the admission that let this operation in left it: no second trip to
 * Redis, and the figure includes this query's own (small) cost.
 */
@Resolver()
export class RateLimitResolver {
  @Query(() => RateLimitStatus, { description: "The caller's rate-limit budget: its size, what remains, and when it refills." })
  rateLimit(@Ctx() ctx: Context): RateLimitStatus {
    const status = ctx.cost?.throttleStatus;
    if (!status) throw new Error("rateLimit ran without an admission");
    const missing = Math.max(0, status.maximumAvailable - status.currentlyAvailable);
    return {
      limit: status.maximumAvailable,
      remaining: status.currentlyAvailable,
      resetAt: new Date(Date.now() + Math.ceil((missing / status.restoreRate) * 1000)),
      lastQueryCost: ctx.cost?.requestedQueryCost ?? null,
    };
  }
}
