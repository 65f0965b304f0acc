import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

/** An opaque refresh token, stored as its SHA-256. Rotation marks the old one and issues a sibling in the same family. */
@Entity({ name: "refresh_tokens" })
export class RefreshToken {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "user_id", type: "uuid" })
  userId!: string;

  @Column({ name: "family_id", type: "uuid" })
  familyId!: string;

  @Column({ name: "token_hash", type: "char", length: 64 })
  tokenHash!: string;

  @Column({ name: "expires_at", type: "timestamptz" })
  expiresAt!: Date;

  /** When the user last proved their password for this family (rotation keeps it). */
  @Column({ name: "auth_time", type: "timestamptz" })
  authTime!: Date;

  @Column({ name: "rotated_at", type: "timestamptz", nullable: true })
  rotatedAt!: Date | null;

  @Column({ name: "revoked_at", type: "timestamptz", nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}

/** The second step of a login with MFA: short-lived, single use, a few attempts. */
@Entity({ name: "mfa_challenges" })
export class MfaChallenge {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "user_id", type: "uuid" })
  userId!: string;

  @Column({ name: "token_hash", type: "char", length: 64 })
  tokenHash!: string;

  @Column({ name: "expires_at", type: "timestamptz" })
  expiresAt!: Date;

  @Column({ type: "integer", default: 0 })
  attempts!: number;

  @Column({ name: "consumed_at", type: "timestamptz", nullable: true })
  consumedAt!: Date | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}

/** A partner API key: the prefix finds it, the secret is kept only as a SHA-256. */
@Entity({ name: "api_keys" })
export class ApiKeyRow {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "user_id", type: "uuid" })
  userId!: string;

  @Column({ type: "varchar", length: 100 })
  name!: string;

  @Column({ type: "varchar", length: 16 })
  prefix!: string;

  @Column({ name: "secret_hash", type: "char", length: 64 })
  secretHash!: string;

  @Column({ type: "text", array: true })
  scopes!: string[];

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Column({ name: "last_used_at", type: "timestamptz", nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: "revoked_at", type: "timestamptz", nullable: true })
  revokedAt!: Date | null;

  @Column({ name: "expires_at", type: "timestamptz", nullable: true })
  expiresAt!: Date | null;

  /** CIDR ranges the key may be used from; empty: anywhere. */
  @Column({ name: "allowed_ips", type: "text", array: true, default: () => "'{}'" })
  allowedIps!: string[];

  /** Portfolios the key may touch; empty: all of its owner's. */
  @Column({ name: "portfolio_ids", type: "uuid", array: true, default: () => "'{}'" })
  portfolioIds!: string[];
}

/** A password reset link's token, stored as its SHA-256: single use, 30 minutes. */
@Entity({ name: "password_reset_tokens" })
export class PasswordResetToken {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "user_id", type: "uuid" })
  userId!: string;

  @Column({ name: "token_hash", type: "char", length: 64 })
  tokenHash!: string;

  @Column({ name: "expires_at", type: "timestamptz" })
  expiresAt!: Date;

  @Column({ name: "used_at", type: "timestamptz", nullable: true })
  usedAt!: Date | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
