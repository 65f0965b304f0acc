import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { Role } from "../infra/auth";
import type { Session } from "./session";
import { UserView } from "./identity.types";
import { AmlRiskLevel } from "./user-status";

/**
 * A customer is never told they were flagged (31 U.S.C. 5318(g)(2), the SAR tipping-off rule):
 * the AML risk level reaches compliance officers and administrators only, never the person.
 */
@Resolver(() => UserView)
export class UserRiskResolver {
  @FieldResolver(() => AmlRiskLevel, { nullable: true, description: "Null unless the caller is a COMPLIANCE_OFFICER or ADMIN: a customer is never told (tipping-off)." })
  amlRiskLevel(@Root() user: UserView, @Ctx() ctx: { session: Session }): AmlRiskLevel | null {
    return ctx.session.hasRole(Role.COMPLIANCE_OFFICER, Role.ADMIN) ? user.amlRiskLevel : null;
  }
}
