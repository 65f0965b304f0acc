import type { DataSource } from "typeorm";
import { AppError } from "../infra/errors";
import type { Role } from "../infra/auth";
import { AccountReader } from "./account-reader";
import { IpRanges } from "./ip-ranges";
import type { UserView } from "./identity.types";
import { sameHash, sha256 } from "./secret-tokens";
import { Session } from "./session";
import { type AccessClaims, revocationKeys, type TokenService } from "./token.service";

export interface Authentication {
  session: Session;
  /** The access token's claims, when the caller presented one (logout denylists it). */
  access: AccessClaims | null;
  /** The caller's account as read by this authentication (null when anonymous or an API key): current for this request only. */
  account: UserView | null;
}

/**
 * An HTTP request's authentication in two halves that run side by side: what the credential
 * itself proves (checked before this exists) and the account read, still under way. The caller
 * must check `uncheckedRevocations` and await `completed` before anything runs on the request's
 * behalf; HTTP checks the revocations in the rate limiter's round trip to Redis, at the same
 * time as the account is read from PostgreSQL.
 */
export interface PendingAuthentication {
  /** The rate limiter's key for this caller, known from the credential alone. */
  rateLimitKey: string;
  /** Store flags that revoke the credential (a logged-out token, a burnt family); none may be set. */
  uncheckedRevocations: string[];
  /** The whole authentication once the account is read; rejects UNAUTHENTICATED for a disabled or unknown account. */
  completed: Promise<Authentication>;
}

/** How often at most a busy key's `last_used_at` is written, per process. */
const KEY_USE_BOOKKEEPING_MS = 60_000;
const KEY_USES_REMEMBERED = 10_000;

interface KeyRow {
  id: string;
  user_id: string;
  secret_hash: string;
  scopes: string[];
  roles: Role[];
  is_active: boolean;
  expires_at: Date | null;
  allowed_ips: string[];
  portfolio_ids: string[];
}

const unauthenticated = (message: string) => new AppError("UNAUTHENTICATED", message, { http: { status: 401 } });

/**
 * Turns an `Authorization` value (HTTP header or graphql-ws connection_init payload) into a
 * Session. No credential is an anonymous session; a bad one fails the whole request, so a
 * client learns at once that it must refresh or sign in again.
 */
export class Authenticator {
  private readonly accounts: AccountReader;
  /** When this process last wrote each key's `last_used_at`. */
  private readonly keyUseWritten = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
  ) {
    this.accounts = new AccountReader(dataSource);
  }

  /** The whole check at once: signature, expiry, revocation and the account (WebSocket connections). */
  async authenticate(authorization: unknown, ip: string): Promise<Authentication> {
    const credential = parseAuthorization(authorization);
    if (credential.scheme === "none") return { session: Session.anonymous(ip), access: null, account: null };
    if (credential.scheme === "apikey") return this.apiKey(credential.value, ip);
    const access = await this.tokens.verifyAccess(credential.value);
    return this.withAccount(access, ip);
  }

  /**
   * The HTTP flavour (see PendingAuthentication): a malformed, forged or expired credential fails
   * here, before the request goes further; the revocation check and the account read are left
   * to run side by side.
   */
  async begin(authorization: unknown, ip: string): Promise<PendingAuthentication> {
    const credential = parseAuthorization(authorization);
    if (credential.scheme !== "bearer") {
      const auth = await this.authenticate(authorization, ip);
      return { rateLimitKey: auth.session.rateLimitKey, uncheckedRevocations: [], completed: Promise.resolve(auth) };
    }
    const access = await this.tokens.verifySigned(credential.value);
    const completed = this.withAccount(access, ip);
    // Handled here too, so a request refused before it awaits this (a validation error) leaves no unhandled rejection.
    completed.catch(() => {});
    return { rateLimitKey: Session.userRateLimitKey(access.userId), uncheckedRevocations: revocationKeys(access), completed };
  }

  private async withAccount(access: AccessClaims, ip: string): Promise<Authentication> {
    // Roles and the active flag come from the database, not the token: a role removed or an
    // account disabled takes effect on the next request.
    const account = await this.accounts.read(access.userId);
    if (!account) throw unauthenticated("The account is not active");
    return {
      session: new Session({ kind: "user", userId: account.view.id, roles: account.roles, tokenId: access.tokenId, expiresAt: access.expiresAt }, ip),
      access,
      account: account.view,
    };
  }

  private async apiKey(presented: string, ip: string): Promise<Authentication> {
    const [prefix, secret] = presented.split(".");
    const invalid = () => unauthenticated("The API key is invalid or revoked");
    if (!prefix || !secret || !/^bgk_[0-9a-f]{12}$/.test(prefix)) throw invalid();
    // The key and its owner's roles in one plain statement: this runs on every partner request.
    const [key]: KeyRow[] = await this.dataSource.query(
      `SELECT k.id, k.user_id, k.secret_hash, k.scopes, k.expires_at, k.allowed_ips, k.portfolio_ids, u.roles, u.is_active
         FROM api_keys k JOIN users u ON u.id = k.user_id
        WHERE k.prefix = $1 AND k.revoked_at IS NULL`,
      [prefix],
    );
    if (!key || !sameHash(key.secret_hash, sha256(secret)) || !key.is_active) throw invalid();
    if (key.expires_at && key.expires_at.getTime() <= Date.now()) throw unauthenticated("The API key has expired");
    if (!new IpRanges(key.allowed_ips).allows(ip)) throw new AppError("FORBIDDEN", "This API key may not be used from this address", { http: { status: 403 } });
    // Bookkeeping off the request path: the caller does not wait for it, and its failure is no refusal.
    this.noteKeyUse(key.id).catch(() => {});
    return {
      session: new Session({ kind: "apiKey", userId: key.user_id, roles: key.roles, apiKeyId: key.id, scopes: key.scopes, portfolioIds: key.portfolio_ids }, ip),
      access: null,
      account: null,
    };
  }

  /**
   * Bookkeeping at most once a minute per key, so a busy key does not write on every call; this
   * process skips even the conditional statement when it wrote the key within the minute.
   */
  private async noteKeyUse(keyId: string): Promise<void> {
    const now = Date.now();
    if (now - (this.keyUseWritten.get(keyId) ?? 0) < KEY_USE_BOOKKEEPING_MS) return;
    if (this.keyUseWritten.size >= KEY_USES_REMEMBERED) this.keyUseWritten.clear();
    this.keyUseWritten.set(keyId, now);
    await this.dataSource.query(
      `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [keyId],
    );
  }
}

type Credential = { scheme: "none" } | { scheme: "bearer" | "apikey"; value: string };

function parseAuthorization(authorization: unknown): Credential {
  if (authorization === undefined || authorization === null || authorization === "") return { scheme: "none" };
  if (typeof authorization !== "string") throw unauthenticated("Authorization must be a string");
  const [scheme, value, extra] = authorization.trim().split(/\s+/);
  const lower = scheme.toLowerCase();
  if (!value || extra !== undefined || (lower !== "bearer" && lower !== "apikey")) throw unauthenticated("Authorization must be `Bearer <token>` or `ApiKey <key>`");
  if (lower === "bearer" && value.startsWith("bgk_")) throw unauthenticated("That is an API key: send it as `Authorization: ApiKey <key>`");
  return { scheme: lower as "bearer" | "apikey", value };
}
