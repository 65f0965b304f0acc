import type { DataSource } from "typeorm";
import type { AuditService } from "../audit";
import { AppError, badUserInput } from "../infra/errors";
import type { Logger } from "../infra/logger";
import type { Mailer } from "../infra/mailer";
import { PasswordResetToken } from "./credential.entities";
import type { LoginGuard } from "./login-guard";
import { checkPasswordPolicy, hashPassword, verifyPassword } from "./password";
import { newSecret, sha256 } from "./secret-tokens";
import type { Session } from "./session";
import type { AccessClaims, TokenService } from "./token.service";
import { User } from "./user.entity";

export const RESET_TOKEN_MS = 30 * 60_000;
export const RESETS_PER_HOUR = 3;

const invalidReset = () => badUserInput("The reset link is invalid, used or expired; ask for a new one", "token");

/** Changing a password, and resetting a forgotten one through a link sent by mail. */
export class PasswordService {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly guard: LoginGuard,
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
    private readonly options: { bcryptCost: number; publicUrl: string },
    private readonly log: Logger,
  ) {}

  /**
   * Needs the current password (a stolen session alone cannot take the account over); a wrong
   * one counts toward the lockout like a failed sign-in. Every other session ends.
   */
  async change(session: Session, access: AccessClaims | null, currentPassword: string, newPassword: string): Promise<boolean> {
    const userId = session.requireUser();
    const user = await this.dataSource.getRepository(User).findOneByOrFail({ id: userId });
    if (this.guard.isLocked(user) || !(await verifyPassword(currentPassword, user.passwordHash))) {
      await this.dataSource.transaction((manager) => this.guard.recordFailure(manager, user, session.ip, "wrong password on change"));
      throw new AppError("BAD_USER_INPUT", "The current password is not correct", { field: "currentPassword" });
    }
    checkPasswordPolicy(newPassword, user.email);
    if (currentPassword === newPassword) throw badUserInput("The new password must differ from the current one", "newPassword");
    const passwordHash = await hashPassword(newPassword, this.options.bcryptCost);
    const revoked = await this.dataSource.transaction(async (manager) => {
      await manager.update(User, { id: userId }, { passwordHash });
      const families = await this.tokens.revokeAllFamilies(manager, userId, "password changed", access?.familyId);
      await this.audit.append(manager, { eventType: "auth.password_changed", userId, payload: { sessionsEnded: families.length } });
      return families;
    });
    await this.tokens.afterFamiliesRevoked(revoked);
    return true;
  }

  /**
   * Always answers at once with true: the lookup, the token and the mail happen after the
   * answer, so neither the reply nor its timing says whether the address has an account.
   */
  requestReset(email: string): true {
    const job = this.sendReset(email.trim().toLowerCase()).catch((error: unknown) => this.log.error({ err: error }, "password reset mail failed"));
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
    return true;
  }

  /** Resolves when every reset requested so far has been handled (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  /** Single use, within 30 minutes; ends every session and lifts a lockout. The user then signs in (with MFA when on). */
  async reset(token: string, newPassword: string): Promise<boolean> {
    const revoked = await this.dataSource.transaction(async (manager) => {
      const row = await manager
        .getRepository(PasswordResetToken)
        .createQueryBuilder("t")
        .setLock("pessimistic_write")
        .where("t.token_hash = :hash", { hash: sha256(token) })
        .getOne();
      if (!row || row.usedAt || row.expiresAt.getTime() <= Date.now()) throw invalidReset();
      const user = await manager.findOneBy(User, { id: row.userId });
      if (!user?.isActive) throw invalidReset();
      // The policy is checked before the token is spent: a refused password leaves the link usable.
      checkPasswordPolicy(newPassword, user.email);
      const passwordHash = await hashPassword(newPassword, this.options.bcryptCost);
      await manager.update(User, { id: user.id }, { passwordHash, failedLoginCount: 0, lockedUntil: null });
      // Every outstanding link of the user dies with this one.
      await manager.query(`UPDATE password_reset_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, [user.id]);
      const families = await this.tokens.revokeAllFamilies(manager, user.id, "password reset");
      await this.audit.append(manager, { eventType: "auth.password_reset", userId: user.id, payload: { sessionsEnded: families.length } });
      return families;
    });
    await this.tokens.afterFamiliesRevoked(revoked);
    return true;
  }

  private async sendReset(email: string): Promise<void> {
    const user = await this.dataSource.getRepository(User).findOneBy({ email });
    if (!user?.isActive) return;
    // Reset mail is sent to the account's owner, but anyone can ask for it: a few an hour, so
    // the form cannot be used to flood someone's inbox.
    const [{ recent }] = await this.dataSource.query(`SELECT count(*)::int AS recent FROM password_reset_tokens WHERE user_id = $1 AND created_at > now() - interval '1 hour'`, [user.id]);
    if (recent >= RESETS_PER_HOUR) return;
    const token = newSecret();
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(PasswordResetToken, { userId: user.id, tokenHash: sha256(token), expiresAt: new Date(Date.now() + RESET_TOKEN_MS) });
      await this.audit.append(manager, { eventType: "auth.password_reset_requested", userId: user.id });
    });
    const link = `${this.options.publicUrl}/reset-password#token=${token}`;
    await this.mailer.send({
      to: user.email,
      subject: "Reset your BlockGuardian password",
      text: [
        "Someone asked to reset the password of your BlockGuardian account.",
        "",
        `To choose a new password, open this link within ${RESET_TOKEN_MS / 60_000} minutes:`,
        link,
        "",
        `Or send the token ${token} with the resetPassword mutation.`,
        "",
        "If it was not you, ignore this message: your password stays as it is.",
      ].join("\n"),
    });
  }
}
