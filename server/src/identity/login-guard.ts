import type { EntityManager } from "typeorm";
import type { AuditService } from "../audit";
import { AppError } from "../infra/errors";
import type { KeyValueStore } from "../infra/kv";
import { User } from "./user.entity";

/** Failures before an account locks, and for how long. */
export const ACCOUNT_LOCK_AFTER = 5;
export const ACCOUNT_LOCK_MS = 15 * 60_000;
/** Failures from one address (over any accounts) before it must wait. */
export const IP_LIMIT = 20;
export const IP_WINDOW_MS = 15 * 60_000;

/** One answer for every failed login, so a response never tells whether the email exists. */
export const loginFailed = () => new AppError("UNAUTHENTICATED", "Invalid email or password");

/**
 * Credential-stuffing and guessing defence: failures are counted per account (in the users
 * row, so a lock survives restarts) and per address (in the shared store, so every process
 * sees it).
 */
export class LoginGuard {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly audit: AuditService,
  ) {}

  /**
   * Counts the attempt against the address before the password is checked, so a burst of
   * parallel guesses cannot all pass a limit read before any of them failed. A success takes
   * its attempt back.
   */
  async admitAttempt(ip: string): Promise<void> {
    if ((await this.kv.increment(`login:ip:${ip}`, IP_WINDOW_MS)) > IP_LIMIT) {
      throw new AppError("RATE_LIMITED", "Too many failed sign-ins from this address; try again later", {
        retryAfterSeconds: Math.ceil(IP_WINDOW_MS / 1000),
      });
    }
  }

  async forgiveAttempt(ip: string): Promise<void> {
    await this.kv.increment(`login:ip:${ip}`, IP_WINDOW_MS, -1);
  }

  isLocked(user: User): boolean {
    return user.lockedUntil !== null && user.lockedUntil.getTime() > Date.now();
  }

  /**
   * Counts a failure; the fifth in a row locks the account. Runs in the caller's transaction.
   * The count is incremented in the database, not read-then-written, so parallel failures all
   * count; the audit record comes last, after the row lock (one lock order everywhere).
   */
  async recordFailure(manager: EntityManager, user: User | null, ip: string, reason: string): Promise<void> {
    if (user && !this.isLocked(user)) {
      const [[{ failed_login_count: failures }]] = await manager.query(
        `UPDATE users SET failed_login_count = failed_login_count + 1 WHERE id = $1 RETURNING failed_login_count`,
        [user.id],
      );
      if (failures >= ACCOUNT_LOCK_AFTER) {
        await manager.update(User, { id: user.id }, { failedLoginCount: 0, lockedUntil: new Date(Date.now() + ACCOUNT_LOCK_MS) });
        await this.audit.append(manager, { eventType: "auth.account_locked", userId: user.id, payload: { minutes: ACCOUNT_LOCK_MS / 60_000 } });
      }
    }
    await this.audit.append(manager, { eventType: "auth.login_failed", userId: user?.id ?? null, payload: { reason, ip } });
  }

  async recordSuccess(manager: EntityManager, user: User): Promise<void> {
    if (user.failedLoginCount !== 0 || user.lockedUntil !== null) {
      await manager.update(User, { id: user.id }, { failedLoginCount: 0, lockedUntil: null });
    }
  }
}
