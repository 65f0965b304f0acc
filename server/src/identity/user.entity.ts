import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";
import { Role } from "../infra/auth";
import { AmlRiskLevel, KycStatus } from "./user-status";

/** A stored backup code: its hash, and when it was spent. */
export interface BackupCode {
  hash: string;
  usedAt: string | null;
}

@Entity({ name: "users" })
export class User {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  /** Stored lower-cased and trimmed: one account per address however it is typed. */
  @Column({ type: "varchar", length: 255, unique: true })
  email!: string;

  @Column({ name: "password_hash", type: "varchar", length: 255 })
  passwordHash!: string;

  @Column({ name: "first_name", type: "varchar", length: 100 })
  firstName!: string;

  @Column({ name: "last_name", type: "varchar", length: 100 })
  lastName!: string;

  /** AES-256-GCM ciphertext (FieldCipher), never the number itself. */
  @Column({ name: "phone_number", type: "text", nullable: true })
  phoneNumber!: string | null;

  /** AES-256-GCM ciphertext of an ISO date. */
  @Column({ name: "date_of_birth", type: "text", nullable: true })
  dateOfBirth!: string | null;

  @Column({ type: "varchar", length: 2, nullable: true })
  country!: string | null;

  @Column({ name: "kyc_status", type: "varchar", length: 20, default: KycStatus.NOT_STARTED })
  kycStatus!: KycStatus;

  @Column({ name: "aml_risk_level", type: "varchar", length: 20, default: AmlRiskLevel.LOW })
  amlRiskLevel!: AmlRiskLevel;

  @Column({ type: "text", array: true, default: () => "'{TRADER}'" })
  roles!: Role[];

  @Column({ name: "is_active", type: "boolean", default: true })
  isActive!: boolean;

  @Column({ name: "mfa_enabled", type: "boolean", default: false })
  mfaEnabled!: boolean;

  /** AES-256-GCM ciphertext of the TOTP secret once MFA is on. */
  @Column({ name: "mfa_secret", type: "text", nullable: true })
  mfaSecret!: string | null;

  /** The secret of an MFA setup not yet confirmed with a first code (ciphertext). */
  @Column({ name: "mfa_pending_secret", type: "text", nullable: true })
  mfaPendingSecret!: string | null;

  @Column({ name: "mfa_last_step", type: "bigint", nullable: true })
  mfaLastStep!: string | null;

  /** JSON list of BackupCode: hashes only. */
  @Column({ name: "backup_codes", type: "text", nullable: true })
  backupCodes!: string | null;

  @Column({ name: "failed_login_count", type: "integer", default: 0 })
  failedLoginCount!: number;

  @Column({ name: "locked_until", type: "timestamptz", nullable: true })
  lockedUntil!: Date | null;

  @Column({ type: "jsonb", nullable: true })
  // `any`, not `unknown`: TypeORM's insert typing cannot express an open JSON object otherwise.
  metadata!: Record<string, any> | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @UpdateDateColumn({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;
}
