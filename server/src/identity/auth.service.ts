import type { DataSource, EntityManager } from "typeorm";
import type { AuditService } from "../audit";
import { AppError, badUserInput } from "../infra/errors";
import type { FieldCipher } from "../infra/crypto/field-cipher";
import { Role } from "../infra/auth";
import { MfaChallenge } from "./credential.entities";
import { AuthPayload, LoginResult, type RegisterInput, UserView } from "./identity.types";
import { LoginGuard, loginFailed } from "./login-guard";
import type { MfaService } from "./mfa.service";
import { checkPasswordPolicy, decoyHash, hashPassword, normalizeEmail, SYSTEM_EMAIL_DOMAIN, verifyPassword } from "./password";
import { newSecret, sha256 } from "./secret-tokens";
import type { Session } from "./session";
import type { AccessClaims, TokenService } from "./token.service";
import { User } from "./user.entity";

/** Called in the registration's transaction (compliance screens the new customer's name). */
export interface RegistrationHook {
  onRegistered(manager: EntityManager, user: { id: string; firstName: string; lastName: string }): Promise<void>;
}

const MFA_CHALLENGE_MS = 5 * 60_000;
const MFA_CHALLENGE_ATTEMPTS = 5;

/** Registration, sign-in (with its second factor), token refresh and sign-out. */
export class AuthService {
  private readonly decoy: Promise<string>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly mfa: MfaService,
    private readonly guard: LoginGuard,
    private readonly audit: AuditService,
    private readonly cipher: FieldCipher,
    private readonly bcryptCost: number,
    private readonly registration?: RegistrationHook,
  ) {
    this.decoy = decoyHash(bcryptCost);
  }

  async register(input: RegisterInput): Promise<AuthPayload> {
    const email = normalizeEmail(input.email);
    // Compliance treats that domain as internal (no AML rules, no CTR): a customer there would escape monitoring.
    if (email.endsWith(`@${SYSTEM_EMAIL_DOMAIN}`)) throw badUserInput("This email domain is reserved", "email");
    checkPasswordPolicy(input.password, email);
    const profile = validateProfile(input);
    const passwordHash = await hashPassword(input.password, this.bcryptCost);
    return this.dataSource
      .transaction(async (manager) => {
      if (await manager.existsBy(User, { email })) throw new AppError("CONFLICT", "An account with this email already exists");
      const user = manager.create(User, { email, passwordHash, ...profile, roles: [Role.TRADER] });
      await manager.insert(User, user);
      if (input.dateOfBirth) user.dateOfBirth = this.cipher.encrypt(input.dateOfBirth, `users.date_of_birth:${user.id}`);
      if (input.phoneNumber) user.phoneNumber = this.cipher.encrypt(input.phoneNumber, `users.phone_number:${user.id}`);
      await manager.update(User, { id: user.id }, { dateOfBirth: user.dateOfBirth, phoneNumber: user.phoneNumber });
      await this.audit.append(manager, { eventType: "user.registered", userId: user.id, entityType: "user", entityId: user.id });
      await this.registration?.onRegistered(manager, user);
      return this.payload(manager, await manager.findOneByOrFail(User, { id: user.id }));
      })
      .catch((error: unknown) => {
        // Two registrations racing for one email: the unique index decides, the loser hears CONFLICT.
        if ((error as { driverError?: { code?: string } }).driverError?.code === "23505") {
          throw new AppError("CONFLICT", "An account with this email already exists");
        }
        throw error;
      });
  }

  async login(rawEmail: string, password: string, session: Session): Promise<LoginResult> {
    await this.guard.admitAttempt(session.ip);
    const email = rawEmail.trim().toLowerCase();
    const user = await this.dataSource.getRepository(User).findOneBy({ email });
    // Compare even when there is no account or it is locked: every failure costs one bcrypt.
    const passwordOk = await verifyPassword(password, user?.passwordHash ?? (await this.decoy));
    const refusal = !user ? "unknown email" : this.guard.isLocked(user) ? "account locked" : !user.isActive ? "inactive" : !passwordOk ? "wrong password" : null;
    if (refusal) {
      await this.dataSource.transaction((manager) => this.guard.recordFailure(manager, user, session.ip, refusal));
      throw loginFailed();
    }
    await this.guard.forgiveAttempt(session.ip);
    return this.dataSource.transaction(async (manager) => {
      if (user!.mfaEnabled) {
        // The failure count is not reset yet: a known password must not buy fresh guesses at
        // the second factor. It resets when the second factor succeeds.
        const challenge = newSecret();
        await manager.insert(MfaChallenge, { userId: user!.id, tokenHash: sha256(challenge), expiresAt: new Date(Date.now() + MFA_CHALLENGE_MS) });
        await this.audit.append(manager, { eventType: "auth.mfa_challenged", userId: user!.id });
        return { mfaRequired: true, mfaChallenge: challenge, auth: null };
      }
      await this.guard.recordSuccess(manager, user!);
      await this.audit.append(manager, { eventType: "auth.login_succeeded", userId: user!.id, payload: { ip: session.ip } });
      return { mfaRequired: false, mfaChallenge: null, auth: await this.payload(manager, user!) };
    });
  }

  /** The second step: a TOTP code (once) or an unused backup code, within the challenge's life and attempts. */
  async verifyMfa(challenge: string, code: string, session: Session): Promise<AuthPayload> {
    await this.guard.admitAttempt(session.ip);
    const outcome = await this.dataSource.transaction(async (manager) => {
      const row = await manager
        .getRepository(MfaChallenge)
        .createQueryBuilder("c")
        .setLock("pessimistic_write")
        .where("c.token_hash = :hash", { hash: sha256(challenge) })
        .getOne();
      if (!row || row.consumedAt || row.expiresAt.getTime() <= Date.now() || row.attempts >= MFA_CHALLENGE_ATTEMPTS) return null;
      await manager.update(MfaChallenge, { id: row.id }, { attempts: row.attempts + 1 });
      const user = await manager.getRepository(User).createQueryBuilder("u").setLock("pessimistic_write").where("u.id = :id", { id: row.userId }).getOneOrFail();
      if (this.guard.isLocked(user) || !user.isActive) return null;
      const method = await this.mfa.acceptCode(manager, user, code);
      if (!method) {
        await this.guard.recordFailure(manager, user, session.ip, "wrong second factor");
        return { failed: true as const };
      }
      await manager.update(MfaChallenge, { id: row.id }, { consumedAt: new Date() });
      await this.guard.recordSuccess(manager, user);
      await this.audit.append(manager, { eventType: "auth.login_succeeded", userId: user.id, payload: { ip: session.ip, mfa: method } });
      return { failed: false as const, payload: await this.payload(manager, user) };
    });
    if (!outcome) throw new AppError("UNAUTHENTICATED", "The sign-in challenge is invalid, used or expired; sign in again");
    if (outcome.failed) throw new AppError("UNAUTHENTICATED", "The code is not valid");
    await this.guard.forgiveAttempt(session.ip);
    return outcome.payload;
  }

  async refresh(refreshToken: string): Promise<AuthPayload> {
    const { user, tokens } = await this.tokens.rotate(refreshToken, async (manager, userId) => {
      const found = await manager.findOneBy(User, { id: userId });
      return found?.isActive ? found : null;
    });
    return Object.assign(new AuthPayload(), tokens, { user: UserView.from(user as User) });
  }

  async logout(refreshToken: string | null, session: Session, access: AccessClaims | null): Promise<boolean> {
    await this.tokens.revoke(refreshToken, access, session.requireUser());
    return true;
  }

  private async payload(manager: EntityManager, user: User): Promise<AuthPayload> {
    const tokens = await this.tokens.issue(manager, user);
    return Object.assign(new AuthPayload(), tokens, { user: UserView.from(user) });
  }
}

function validateProfile(input: RegisterInput) {
  const name = (value: string, field: string) => {
    const trimmed = value.trim();
    if (trimmed.length < 1 || trimmed.length > 100 || /[\p{Cc}<>]/u.test(trimmed)) throw badUserInput(`${field} must be 1 to 100 characters`, field);
    return trimmed;
  };
  const country = input.country ? input.country.trim().toUpperCase() : null;
  if (country !== null && !/^[A-Z]{2}$/.test(country)) throw badUserInput("country must be an ISO 3166-1 alpha-2 code", "country");
  if (input.dateOfBirth) {
    const date = new Date(`${input.dateOfBirth}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(input.dateOfBirth) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== input.dateOfBirth || date.getTime() > Date.now() || date.getUTCFullYear() < 1900) {
      throw badUserInput("dateOfBirth must be a past date, YYYY-MM-DD", "dateOfBirth");
    }
  }
  if (input.phoneNumber && !/^\+[1-9]\d{6,14}$/.test(input.phoneNumber)) throw badUserInput("phoneNumber must be E.164, e.g. +4930123456", "phoneNumber");
  return { firstName: name(input.firstName, "firstName"), lastName: name(input.lastName, "lastName"), country };
}
