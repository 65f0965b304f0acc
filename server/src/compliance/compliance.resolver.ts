import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../app/context";
import { KycStatus } from "../identity";
import { Role, Scope, scope } from "../infra/auth";
import { DateTimeScalar } from "../infra/graphql/scalars";
import { KycDecisionInput, KycInput, KycVerification, RegulatoryReport, ReportFormat, ReportType, SanctionsMatch } from "./compliance.types";
import { rows } from "../infra/graphql/rows";
import { MAX_LISTED_VERIFICATIONS } from "./kyc.service";
import { MAX_MATCHES } from "./screener";

const OFFICERS = [Role.COMPLIANCE_OFFICER];

@Resolver(() => RegulatoryReport)
export class ComplianceResolver {
  @Authorized()
  @Mutation(() => KycVerification, { description: "Submits the caller's identity document; automated checks decide it or send it to review." })
  submitKyc(@Arg("input", () => KycInput) input: KycInput, @Ctx() ctx: Context): Promise<KycVerification> {
    return ctx.services.compliance.kyc.submit(ctx.session, input);
  }

  @Authorized(...OFFICERS)
  @Mutation(() => KycVerification, { description: "COMPLIANCE_OFFICER: settles a verification in MANUAL_REVIEW." })
  decideKyc(@Arg("input", () => KycDecisionInput) input: KycDecisionInput, @Ctx() ctx: Context): Promise<KycVerification> {
    return ctx.services.compliance.kyc.decide(ctx.session, input);
  }

  @Authorized()
  @Query(() => [KycVerification], {
    description: `The caller's own verifications; a COMPLIANCE_OFFICER sees everyone's: ${MAX_LISTED_VERIFICATIONS} at most, the review queue (status MANUAL_REVIEW) oldest first, any other the latest decided or submitted first.`,
    complexity: rows(MAX_LISTED_VERIFICATIONS),
  })
  kycVerifications(@Ctx() ctx: Context, @Arg("status", () => KycStatus, { nullable: true }) status?: KycStatus): Promise<KycVerification[]> {
    return ctx.services.compliance.kyc.list(ctx.session, status ?? null);
  }

  @Authorized(...OFFICERS)
  @Query(() => [SanctionsMatch], { description: `Possible sanctions-list matches for a name, best first: at most ${MAX_MATCHES}.`, complexity: rows(MAX_MATCHES) })
  screenName(@Arg("name") name: string, @Ctx() ctx: Context): SanctionsMatch[] {
    return ctx.services.compliance.screening.screenQuery(name);
  }

  @Authorized(...OFFICERS, scope(Scope.READ_REPORTS))
  @Query(() => RegulatoryReport, { description: "CTR or SAR filings for [from, to); generating one is audited." })
  report(
    @Arg("type", () => ReportType) type: ReportType,
    @Arg("from", () => DateTimeScalar) from: Date,
    @Arg("to", () => DateTimeScalar) to: Date,
    @Ctx() ctx: Context,
  ): Promise<RegulatoryReport> {
    return ctx.services.compliance.reports.report(ctx.session, type, from, to);
  }

  @FieldResolver(() => String, { description: "The filings as a document: JSON, CSV (RFC 4180) or XML modelled on FinCEN's BSA batch layout." })
  content(@Root() report: RegulatoryReport, @Arg("format", () => ReportFormat) format: ReportFormat, @Ctx() ctx: Context): string {
    return ctx.services.compliance.reports.render(report, format);
  }
}
