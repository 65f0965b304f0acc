import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../app/context";
import { AuditEvent } from "../audit";
import { UserView } from "../identity";
import { Role, Scope, scope } from "../infra/auth";
import { CaseNote, SanctionsList, SuspiciousActivityConnection } from "./case.types";
import { CaseStatus, CtrFiling, KycVerification, SuspiciousActivity } from "./compliance.types";
import { CustomerProfile } from "./customer.types";
import { CustomerIdentity } from "./customer-identity";
import { rows } from "../infra/graphql/rows";
import { MAX_CASE_NOTES } from "./case.service";
import { LIST_FILES } from "./list-loaders";

/** The list files a folder may hold, and the bundled demo list. */
const SANCTIONS_SOURCES = LIST_FILES.length + 1;

const OFFICERS = [Role.COMPLIANCE_OFFICER];

/** Dates of birth and document numbers go to a signed-in officer only: not to the customer, not to an API key. */
const officerSees = (ctx: Context) => ctx.session.principal.kind === "user" && ctx.session.hasRole(...OFFICERS);
const IDENTITY = { nullable: true, description: "Date of birth and masked document number, for a COMPLIANCE_OFFICER; null for anyone else (not in the API contract)." };

/** Cases (suspicious activities an officer works), the customer view and the sanctions lists. */
@Resolver(() => SuspiciousActivity)
export class CaseResolver {
  @Authorized(...OFFICERS, scope(Scope.READ_REPORTS))
  @Query(() => SuspiciousActivityConnection, { description: "Cases, newest first, filtered by status, rule, assignee or customer." })
  suspiciousActivities(
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("status", () => [CaseStatus], { nullable: true }) status?: CaseStatus[],
    @Arg("rule", () => String, { nullable: true }) rule?: string,
    @Arg("assigneeId", () => ID, { nullable: true }) assigneeId?: string,
    @Arg("userId", () => ID, { nullable: true }) userId?: string,
  ): Promise<SuspiciousActivityConnection> {
    return ctx.services.compliance.cases.list(first, after, { status, rule, assigneeId, userId });
  }

  @Authorized(...OFFICERS)
  @Query(() => CustomerProfile, { description: "COMPLIANCE_OFFICER: one customer's file; every look is audited." })
  customer(@Arg("userId", () => ID) userId: string, @Ctx() ctx: Context): Promise<CustomerProfile> {
    return ctx.services.compliance.customers.view(ctx.session, userId);
  }

  @Authorized(...OFFICERS, Role.ADMIN)
  @Query(() => [SanctionsList], { description: "The sanctions lists screened against: source, entries, when loaded, checksum.", complexity: rows(SANCTIONS_SOURCES) })
  sanctionsLists(@Ctx() ctx: Context): SanctionsList[] {
    return ctx.services.compliance.screening.lists();
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => [SanctionsList], { description: "ADMIN: reload the sanctions lists from their folder; every customer is rescreened.", complexity: rows(SANCTIONS_SOURCES) })
  reloadSanctionsLists(@Ctx() ctx: Context): Promise<SanctionsList[]> {
    return ctx.services.compliance.screening.reload(ctx.session);
  }

  @Authorized(...OFFICERS)
  @Mutation(() => SuspiciousActivity)
  assignCase(@Arg("id", () => ID) id: string, @Ctx() ctx: Context, @Arg("officerId", () => ID, { nullable: true }) officerId?: string): Promise<SuspiciousActivity> {
    return ctx.services.compliance.cases.assign(ctx.session, id, officerId);
  }

  @Authorized(...OFFICERS)
  @Mutation(() => SuspiciousActivity)
  addCaseNote(@Arg("id", () => ID) id: string, @Arg("text") text: string, @Ctx() ctx: Context): Promise<SuspiciousActivity> {
    return ctx.services.compliance.cases.addNote(ctx.session, id, text);
  }

  @Authorized(...OFFICERS)
  @Mutation(() => SuspiciousActivity)
  escalateCase(@Arg("id", () => ID) id: string, @Arg("reason") reason: string, @Ctx() ctx: Context): Promise<SuspiciousActivity> {
    return ctx.services.compliance.cases.escalate(ctx.session, id, reason);
  }

  @Authorized(...OFFICERS)
  @Mutation(() => SuspiciousActivity)
  closeCase(@Arg("id", () => ID) id: string, @Arg("resolution") resolution: string, @Ctx() ctx: Context): Promise<SuspiciousActivity> {
    return ctx.services.compliance.cases.close(ctx.session, id, resolution);
  }

  @Authorized(...OFFICERS)
  @Mutation(() => SuspiciousActivity)
  fileSar(@Arg("id", () => ID) id: string, @Arg("narrative") narrative: string, @Ctx() ctx: Context): Promise<SuspiciousActivity> {
    return ctx.services.compliance.cases.fileSar(ctx.session, id, narrative);
  }

  @FieldResolver(() => UserView, { nullable: true })
  assignee(@Root() activity: SuspiciousActivity, @Ctx() ctx: Context): Promise<UserView | null> | null {
    return activity.assigneeId ? ctx.loaders.complianceUsers.load(activity.assigneeId) : null;
  }

  @FieldResolver(() => [CaseNote], { description: `Oldest first; a case holds at most ${MAX_CASE_NOTES}.`, complexity: rows(MAX_CASE_NOTES) })
  notes(@Root() activity: SuspiciousActivity, @Ctx() ctx: Context): Promise<CaseNote[]> {
    return ctx.loaders.caseNotes.load(activity.id);
  }

  @FieldResolver(() => UserView, { name: "customer", nullable: true, description: "The customer the case is about (not in the API contract: officers' tables show names)." })
  subject(@Root() activity: SuspiciousActivity, @Ctx() ctx: Context): Promise<UserView | null> {
    return ctx.loaders.complianceUsers.load(activity.userId);
  }

  @FieldResolver(() => CustomerIdentity, IDENTITY)
  identity(@Root() activity: SuspiciousActivity, @Ctx() ctx: Context): Promise<CustomerIdentity | null> | null {
    return officerSees(ctx) ? ctx.loaders.identityByCustomer.load(activity.userId) : null;
  }
}

@Resolver(() => CaseNote)
export class CaseNoteResolver {
  @FieldResolver(() => UserView)
  async author(@Root() note: CaseNote, @Ctx() ctx: Context): Promise<UserView> {
    return (await ctx.loaders.complianceUsers.load(note.authorId))!;
  }
}

/** Names beside ids where officers work: the review queue and the CTR table (additions to the contract). */
@Resolver(() => KycVerification)
export class KycSubjectResolver {
  @FieldResolver(() => UserView, { nullable: true, description: "The person verified (not in the API contract)." })
  customer(@Root() verification: KycVerification, @Ctx() ctx: Context): Promise<UserView | null> {
    return ctx.loaders.complianceUsers.load(verification.userId);
  }

  @FieldResolver(() => CustomerIdentity, IDENTITY)
  identity(@Root() verification: KycVerification, @Ctx() ctx: Context): Promise<CustomerIdentity | null> | null {
    return officerSees(ctx) ? ctx.loaders.identityByVerification.load(verification.id) : null;
  }
}

@Resolver(() => CtrFiling)
export class CtrSubjectResolver {
  @FieldResolver(() => UserView, { nullable: true, description: "The person filed on (not in the API contract)." })
  customer(@Root() filing: CtrFiling, @Ctx() ctx: Context): Promise<UserView | null> {
    return ctx.loaders.complianceUsers.load(filing.userId);
  }

  @FieldResolver(() => CustomerIdentity, IDENTITY)
  identity(@Root() filing: CtrFiling, @Ctx() ctx: Context): Promise<CustomerIdentity | null> | null {
    return officerSees(ctx) ? ctx.loaders.identityByCustomer.load(filing.userId) : null;
  }
}

/** The audit page names who acted (officers read the log; the name is no secret from them). */
@Resolver(() => AuditEvent)
export class AuditActorResolver {
  @FieldResolver(() => UserView, { nullable: true, description: "The acting user (not in the API contract: the audit page shows names)." })
  user(@Root() event: AuditEvent, @Ctx() ctx: Context): Promise<UserView | null> | null {
    return event.userId ? ctx.loaders.complianceUsers.load(event.userId) : null;
  }
}

export { CustomerProfile };
