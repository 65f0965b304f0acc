import { randomInt } from "node:crypto";
import QRCode from "qrcode";
import type { DataSource, EntityManager } from "typeorm";
import type { AuditService } from "../audit";
import type { FieldCipher } from "../infra/crypto/field-cipher";
import { AppError } from "../infra/errors";
import { MfaSetup } from "./identity.types";
import type { AccessClaims } from "./token.service";
import { sameHash, sha256 } from "./secret-tokens";
import { generateTotpSecret, matchTotpStep, otpauthUrl } from "./totp";
import { type BackupCode, User } from "./user.entity";

const BACKUP_CODES = 10;
const BACKUP_CODE_LENGTH = 14;
const BACKUP_CODE_PURPOSE = "mfa backup code";
// Crockford-style alphabet: no 0/O or 1/I/L to misread when typing a code from paper.
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789";

/** Changing MFA needs a sign-in this recent: a stolen, refreshed session alone cannot enrol its own device. */
export const RECENT_SIGN_IN_MS = 15 * 60_000;

const secretContext = (userId: string) => `users.mfa_secret:${userId}`;
const invalidCode = () => new AppError("BAD_USER_INPUT", "The code is not valid", { field: "code" });

/** TOTP enrolment, its one-time backup codes, and checking either at sign-in. */
export class MfaService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: FieldCipher,
    private readonly audit: AuditService,
    private readonly now: () => number = () => Date.now() / 1000,
  ) {}

  /** Refuses unless the caller proved their password within RECENT_SIGN_IN_MS. */
  assertRecentSignIn(access: AccessClaims | null): void {
    if (!access || Date.now() - access.authTime.getTime() > RECENT_SIGN_IN_MS) {
      throw new AppError("FORBIDDEN", "Sign in again to change MFA: it needs a sign-in from the last 15 minutes", { reason: "REAUTHENTICATE" });
    }
  }

  /** Starts enrolment: a new secret, kept pending (encrypted) until a first code confirms it. */
  async enable(userId: string, access: AccessClaims | null): Promise<MfaSetup> {
    this.assertRecentSignIn(access);
    const user = await this.dataSource.getRepository(User).findOneByOrFail({ id: userId });
    if (user.mfaEnabled) throw new AppError("CONFLICT", "MFA is already on; turn it off first to enrol a new device");
    const secret = generateTotpSecret();
    await this.dataSource.getRepository(User).update({ id: userId }, { mfaPendingSecret: this.cipher.encrypt(secret, secretContext(userId)) });
    const url = otpauthUrl(secret, user.email);
    return { secret, otpauthUrl: url, qrCodeDataUrl: await QRCode.toDataURL(url, { errorCorrectionLevel: "M", margin: 1 }) };
  }

  /** Turns MFA on with the first code from the new device; returns the backup codes, shown this once. */
  async confirm(userId: string, code: string, access: AccessClaims | null): Promise<string[]> {
    this.assertRecentSignIn(access);
    return this.dataSource.transaction(async (manager) => {
      const user = await lockUser(manager, userId);
      if (user.mfaEnabled) throw new AppError("CONFLICT", "MFA is already on");
      if (!user.mfaPendingSecret) throw new AppError("BAD_USER_INPUT", "Start with enableMfa", { field: "code" });
      const secret = this.cipher.decrypt(user.mfaPendingSecret, secretContext(userId));
      const step = matchTotpStep(secret, code, this.now());
      if (step === null) throw invalidCode();
      const codes = Array.from({ length: BACKUP_CODES }, newBackupCode);
      const stored: BackupCode[] = codes.map((value) => ({ hash: this.cipher.mac(backupCodeMessage(userId, value), BACKUP_CODE_PURPOSE), usedAt: null }));
      await manager.update(User, { id: userId }, {
        mfaEnabled: true,
        mfaSecret: user.mfaPendingSecret,
        mfaPendingSecret: null,
        mfaLastStep: String(step),
        backupCodes: JSON.stringify(stored),
      });
      await this.audit.append(manager, { eventType: "auth.mfa_enabled", userId });
      return codes;
    });
  }

  /**
   * Ten new backup codes in place of every old one (used or not), shown this once. Like turning
   * MFA off, it takes a recent sign-in and a current TOTP code: a stolen session alone cannot
   * mint itself a way past the second factor.
   */
  async regenerateBackupCodes(userId: string, code: string, access: AccessClaims | null): Promise<string[]> {
    this.assertRecentSignIn(access);
    return this.dataSource.transaction(async (manager) => {
      const user = await lockUser(manager, userId);
      if (!user.mfaEnabled) throw new AppError("CONFLICT", "MFA is not on");
      if ((await this.acceptTotp(manager, user, code)) === false) throw invalidCode();
      const codes = Array.from({ length: BACKUP_CODES }, newBackupCode);
      const stored: BackupCode[] = codes.map((value) => ({ hash: this.cipher.mac(backupCodeMessage(userId, value), BACKUP_CODE_PURPOSE), usedAt: null }));
      await manager.update(User, { id: userId }, { backupCodes: JSON.stringify(stored) });
      await this.audit.append(manager, { eventType: "auth.backup_codes_regenerated", userId });
      return codes;
    });
  }

  /** Turning MFA off takes a current code, so a stolen session alone cannot remove it. */
  async disable(userId: string, code: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const user = await lockUser(manager, userId);
      if (!user.mfaEnabled) throw new AppError("CONFLICT", "MFA is not on");
      if ((await this.acceptTotp(manager, user, code)) === false) throw invalidCode();
      await manager.update(User, { id: userId }, { mfaEnabled: false, mfaSecret: null, mfaLastStep: null, backupCodes: null });
      await this.audit.append(manager, { eventType: "auth.mfa_disabled", userId });
      return true;
    });
  }

  /**
   * Accepts a TOTP code not used before, or an unused backup code, for a user row the caller
   * has locked. Returns how it was accepted, or null.
   */
  async acceptCode(manager: EntityManager, user: User, code: string): Promise<"totp" | "backup_code" | null> {
    if (await this.acceptTotp(manager, user, code)) return "totp";
    const codes: BackupCode[] = JSON.parse(user.backupCodes ?? "[]");
    const message = backupCodeMessage(user.id, code);
    const legacy = sha256(normalizeBackupCode(code));
    // Codes issued before HMAC were stored as bare SHA-256: each still works once, and the
    // next enrolment issues HMAC codes only.
    const match = codes.find(
      (entry) => entry.usedAt === null && (entry.hash.startsWith("m1.") ? this.cipher.macMatches(entry.hash, message, BACKUP_CODE_PURPOSE) : sameHash(entry.hash, legacy)),
    );
    if (!match) return null;
    match.usedAt = new Date().toISOString();
    await manager.update(User, { id: user.id }, { backupCodes: JSON.stringify(codes) });
    await this.audit.append(manager, {
      eventType: "auth.backup_code_used",
      userId: user.id,
      payload: { remaining: codes.filter((entry) => entry.usedAt === null).length },
    });
    return "backup_code";
  }

  private async acceptTotp(manager: EntityManager, user: User, code: string): Promise<boolean> {
    if (!user.mfaSecret) return false;
    const step = matchTotpStep(this.cipher.decrypt(user.mfaSecret, secretContext(user.id)), code.trim(), this.now());
    // A code is good once: its step must be later than the last one accepted.
    if (step === null || (user.mfaLastStep !== null && step <= Number(user.mfaLastStep))) return false;
    await manager.update(User, { id: user.id }, { mfaLastStep: String(step) });
    user.mfaLastStep = String(step);
    return true;
  }
}

function lockUser(manager: EntityManager, userId: string): Promise<User> {
  return manager.getRepository(User).createQueryBuilder("u").setLock("pessimistic_write").where("u.id = :id", { id: userId }).getOneOrFail();
}

/** Fourteen characters of 30 (about 68.7 bits, past the 64 asked of a code) shown as XXXXXXX-XXXXXXX. */
function newBackupCode(): string {
  const chars = Array.from({ length: BACKUP_CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");
  return `${chars.slice(0, 7)}-${chars.slice(7)}`;
}

/** What is MACed: the code bound to its user, so a hash copied to another account matches nothing. */
function backupCodeMessage(userId: string, code: string): string {
  return `${userId}:${normalizeBackupCode(code)}`;
}

function normalizeBackupCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, "");
}
