import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export interface StoredCheck {
  name: string;
  passed: boolean;
  detail: string | null;
}

@Entity({ name: "kyc_verifications" })
export class KycVerificationRow {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "user_id", type: "uuid" })
  userId!: string;

  @Column({ type: "varchar", length: 20 })
  status!: "PENDING" | "VERIFIED" | "REJECTED" | "MANUAL_REVIEW";

  @Column({ name: "document_type", type: "varchar", length: 20 })
  documentType!: "PASSPORT" | "NATIONAL_ID" | "DRIVERS_LICENSE";

  /** AES-256-GCM ciphertext (FieldCipher, context `kyc_verifications.document_number:<id>`). */
  @Column({ name: "document_number", type: "text" })
  documentNumber!: string;

  @Column({ name: "issuing_country", type: "char", length: 2 })
  issuingCountry!: string;

  @Column({ type: "char", length: 2 })
  nationality!: string;

  /** AES-256-GCM ciphertext of an ISO date. */
  @Column({ name: "date_of_birth", type: "text" })
  dateOfBirth!: string;

  @Column({ name: "expiry_date", type: "date" })
  expiryDate!: string;

  @Column({ type: "jsonb" })
  checks!: StoredCheck[];

  @Column({ type: "text", nullable: true })
  reason!: string | null;

  @Column({ name: "decided_by", type: "uuid", nullable: true })
  decidedBy!: string | null;

  @Column({ name: "submitted_at", type: "timestamptz" })
  submittedAt!: Date;

  @Column({ name: "decided_at", type: "timestamptz", nullable: true })
  decidedAt!: Date | null;
}

@Entity({ name: "suspicious_activities" })
export class SuspiciousActivityRow {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "user_id", type: "uuid" })
  userId!: string;

  @Column({ name: "sar_number", type: "varchar", length: 24, nullable: true })
  sarNumber!: string | null;

  @Column({ type: "varchar", length: 40 })
  rule!: string;

  @Column({ name: "risk_score", type: "integer" })
  riskScore!: number;

  @Column({ type: "text" })
  description!: string;

  @Column({ name: "transaction_ids", type: "text", array: true })
  transactionIds!: string[];

  /** A CaseStatus name. */
  @Column({ type: "varchar", length: 20 })
  status!: "OPEN" | "UNDER_REVIEW" | "ESCALATED" | "CLOSED_NO_ACTION" | "SAR_FILED";

  @Column({ name: "assignee_id", type: "uuid", nullable: true })
  assigneeId!: string | null;

  @Column({ type: "text", nullable: true })
  resolution!: string | null;

  @Column({ name: "sar_narrative", type: "text", nullable: true })
  sarNarrative!: string | null;

  @Column({ name: "sar_filed_at", type: "timestamptz", nullable: true })
  sarFiledAt!: Date | null;

  @Column({ name: "closed_at", type: "timestamptz", nullable: true })
  closedAt!: Date | null;

  @Column({ name: "last_alert_at", type: "timestamptz" })
  lastAlertAt!: Date;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Column({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;
}

/** One rule hit; the first opens a case, later ones on the same customer and rule join it. */
@Entity({ name: "case_alerts" })
export class CaseAlertRow {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "case_id", type: "uuid" })
  caseId!: string;

  @Column({ type: "varchar", length: 40 })
  rule!: string;

  @Column({ name: "risk_score", type: "integer" })
  riskScore!: number;

  @Column({ type: "text" })
  description!: string;

  @Column({ name: "transaction_ids", type: "text", array: true })
  transactionIds!: string[];

  @Column({ name: "dedup_key", type: "varchar", length: 200 })
  dedupKey!: string;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}

@Entity({ name: "case_notes" })
export class CaseNoteRow {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "case_id", type: "uuid" })
  caseId!: string;

  @Column({ name: "author_id", type: "uuid" })
  authorId!: string;

  @Column({ type: "text" })
  text!: string;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}

@Entity({ name: "ctr_filings" })
export class CtrFilingRow {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "user_id", type: "uuid" })
  userId!: string;

  @Column({ name: "business_date", type: "date" })
  businessDate!: string;

  @Column({ name: "total_cash_in", type: "numeric" })
  totalCashIn!: string;

  @Column({ name: "total_cash_out", type: "numeric" })
  totalCashOut!: string;

  @Column({ name: "transaction_ids", type: "text", array: true })
  transactionIds!: string[];

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Column({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;
}
