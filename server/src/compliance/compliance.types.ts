import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { KycStatus } from "../identity";
import { DecimalScalar, DateTimeScalar } from "../infra/graphql/scalars";
import type { ReportData } from "./report-render";
import { rows } from "../infra/graphql/rows";
import { MAX_REPORT_FILINGS } from "./report.service";

/** Checks of one verification at most: the automated ones of kyc-checks.ts, mrz.ts and screening. */
export const MAX_KYC_CHECKS = 13;

export enum DocumentType {
  PASSPORT = "PASSPORT",
  NATIONAL_ID = "NATIONAL_ID",
  DRIVERS_LICENSE = "DRIVERS_LICENSE",
}
registerEnumType(DocumentType, { name: "DocumentType" });

export enum ReportType {
  CTR = "CTR",
  SAR = "SAR",
}
registerEnumType(ReportType, { name: "ReportType" });

export { ReportFormat } from "../infra/documents";

export enum CaseStatus {
  OPEN = "OPEN",
  UNDER_REVIEW = "UNDER_REVIEW",
  ESCALATED = "ESCALATED",
  CLOSED_NO_ACTION = "CLOSED_NO_ACTION",
  SAR_FILED = "SAR_FILED",
}
registerEnumType(CaseStatus, { name: "CaseStatus" });

@ObjectType()
export class KycCheck {
  @Field()
  name!: string;

  @Field()
  passed!: boolean;

  @Field(() => String, { nullable: true })
  detail!: string | null;
}

@ObjectType()
export class KycVerification {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  userId!: string;

  @Field(() => KycStatus)
  status!: KycStatus;

  @Field(() => DocumentType)
  documentType!: DocumentType;

  @Field(() => [KycCheck], { complexity: rows(MAX_KYC_CHECKS) })
  checks!: KycCheck[];

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => DateTimeScalar)
  submittedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  decidedAt!: Date | null;
}

@ObjectType()
export class SanctionsMatch {
  @Field()
  listName!: string;

  @Field()
  entryId!: string;

  @Field()
  matchedName!: string;

  @Field(() => Float)
  score!: number;
}

@ObjectType()
export class SuspiciousActivity {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  userId!: string;

  @Field(() => String, { nullable: true, description: "Set only when a SAR is filed for this case." })
  sarNumber!: string | null;

  @Field()
  rule!: string;

  @Field(() => Int)
  riskScore!: number;

  @Field()
  description!: string;

  @Field(() => [String])
  transactionIds!: string[];

  @Field({ description: "A CaseStatus name." })
  status!: string;

  @Field(() => CaseStatus)
  caseStatus!: CaseStatus;

  /** Resolved to `assignee` through a loader. */
  assigneeId!: string | null;

  @Field(() => String, { nullable: true })
  resolution!: string | null;

  @Field(() => String, { nullable: true })
  sarNarrative!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;
}

@ObjectType()
export class CtrFiling {
  @Field(() => ID)
  userId!: string;

  @Field()
  businessDate!: string;

  @Field(() => DecimalScalar)
  totalCashIn!: string;

  @Field(() => DecimalScalar)
  totalCashOut!: string;

  @Field(() => [String])
  transactionIds!: string[];
}

@ObjectType()
export class RegulatoryReport {
  @Field(() => ReportType)
  type!: ReportType;

  @Field(() => DateTimeScalar)
  periodStart!: Date;

  @Field(() => DateTimeScalar)
  periodEnd!: Date;

  @Field(() => DateTimeScalar)
  generatedAt!: Date;

  @Field(() => [CtrFiling], { complexity: rows(MAX_REPORT_FILINGS) })
  ctrFilings!: CtrFiling[];

  @Field(() => [SuspiciousActivity], { complexity: rows(MAX_REPORT_FILINGS) })
  sarFilings!: SuspiciousActivity[];

  /** What `content` renders: the filings with the persons' names, not exposed as fields. */
  data!: ReportData;
}

@InputType()
export class KycInput {
  @Field(() => DocumentType)
  documentType!: DocumentType;

  @Field()
  documentNumber!: string;

  @Field()
  issuingCountry!: string;

  @Field()
  nationality!: string;

  @Field()
  dateOfBirth!: string;

  @Field()
  expiryDate!: string;

  @Field(() => String, { nullable: true })
  mrz?: string | null;
}

@InputType()
export class KycDecisionInput {
  @Field(() => ID)
  verificationId!: string;

  @Field()
  approve!: boolean;

  @Field()
  reason!: string;
}
