import { Field, ObjectType } from "type-graphql";
import { BehaviourProfile } from "../analytics";
import { UserView } from "../identity";
import { Portfolio } from "../portfolio";
import { CtrFiling, KycVerification, SanctionsMatch, SuspiciousActivity } from "./compliance.types";
import { rows } from "../infra/graphql/rows";
import { CUSTOMER_HISTORY } from "./customer.service";
import { MAX_MATCHES } from "./screener";
import { MAX_PORTFOLIOS_PER_USER } from "../portfolio";

@ObjectType({ description: "What a compliance officer sees of one customer." })
export class CustomerProfile {
  @Field(() => UserView)
  user!: UserView;

  @Field(() => [KycVerification], { description: `The newest ${CUSTOMER_HISTORY} verifications, every check of each.`, complexity: rows(CUSTOMER_HISTORY) })
  kycHistory!: KycVerification[];

  @Field(() => [SanctionsMatch], { description: "The customer's name against the lists loaded now, best first.", complexity: rows(MAX_MATCHES) })
  screeningMatches!: SanctionsMatch[];

  @Field(() => [SuspiciousActivity], { description: `The newest ${CUSTOMER_HISTORY} cases (suspiciousActivities(userId:) pages through all).`, complexity: rows(CUSTOMER_HISTORY) })
  cases!: SuspiciousActivity[];

  @Field(() => [CtrFiling], { description: `The newest ${CUSTOMER_HISTORY} currency transaction reports.`, complexity: rows(CUSTOMER_HISTORY) })
  ctrFilings!: CtrFiling[];

  @Field(() => [Portfolio], { complexity: rows(MAX_PORTFOLIOS_PER_USER) })
  portfolios!: Portfolio[];

  @Field(() => BehaviourProfile, { description: "Behaviour over the default window against the population (AML_BEHAVIOUR_WINDOW_DAYS)." })
  behaviour!: BehaviourProfile;
}
