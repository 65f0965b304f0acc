import { Field, ObjectType } from "type-graphql";
import { BehaviourProfile } from "../analytics";
import { UserView } from "../identity";
import { Portfolio } from "../portfolio";
import { CtrFiling, KycVerification, SanctionsMatch, SuspiciousActivity } from "./compliance.types";

@ObjectType({ description: "What a compliance officer sees of one customer." })
export class CustomerProfile {
  @Field(() => UserView)
  user!: UserView;

  @Field(() => [KycVerification], { description: "Newest first, every check of each." })
  kycHistory!: KycVerification[];

  @Field(() => [SanctionsMatch], { description: "The customer's name against the lists loaded now, best first." })
  screeningMatches!: SanctionsMatch[];

  @Field(() => [SuspiciousActivity], { description: "Every case, newest first." })
  cases!: SuspiciousActivity[];

  @Field(() => [CtrFiling])
  ctrFilings!: CtrFiling[];

  @Field(() => [Portfolio])
  portfolios!: Portfolio[];

  @Field(() => BehaviourProfile, { description: "Behaviour over the default window against the population (AML_BEHAVIOUR_WINDOW_DAYS)." })
  behaviour!: BehaviourProfile;
}
