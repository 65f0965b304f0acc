import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from "type-graphql";
import type { Context } from "../app/context";
import { Role } from "../infra/auth";
import { BehaviourProfile } from "./behaviour.types";

@Resolver()
export class BehaviourResolver {
  // Personal data: officers and admins only, and every look is audited.
  @Authorized(Role.COMPLIANCE_OFFICER, Role.ADMIN)
  @Query(() => BehaviourProfile, { description: "COMPLIANCE_OFFICER or ADMIN: one customer's behaviour against the population over a window (default AML_BEHAVIOUR_WINDOW_DAYS); audited." })
  customerBehaviour(@Arg("userId", () => ID) userId: string, @Ctx() ctx: Context, @Arg("windowDays", () => Int, { nullable: true }) windowDays?: number | null): Promise<BehaviourProfile> {
    return ctx.services.behaviour.view(ctx.session, userId, windowDays);
  }
}
