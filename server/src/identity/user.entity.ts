import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";
import { Role } from "./role";

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

  @Column({ type: "varchar", length: 2, nullable: true })
  country!: string | null;

  @Column({ name: "kyc_status", type: "varchar", length: 20, default: "NOT_STARTED" })
  kycStatus!: string;

  @Column({ name: "aml_risk_level", type: "varchar", length: 20, default: "LOW" })
  amlRiskLevel!: string;

  @Column({ type: "text", array: true, default: () => "'{TRADER}'" })
  roles!: Role[];

  @Column({ name: "is_active", type: "boolean", default: true })
  isActive!: boolean;

  @Column({ name: "mfa_enabled", type: "boolean", default: false })
  mfaEnabled!: boolean;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @UpdateDateColumn({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;
}
