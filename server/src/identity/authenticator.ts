import type { DataSource } from "typeorm";
import { IsNull } from "typeorm";
import { AppError } from "../infra/errors";
import { ApiKeyRow } from "./credential.entities";
import { sameHash, sha256 } from "./secret-tokens";
import { Session } from "./session";
import type { AccessClaims, TokenService } from "./token.service";
import { User } from "./user.entity";

export interface Authentication {
  session: Session;
  /** The access token's claims, when the caller presented one (logout denylists it). */
  access: AccessClaims | null;
}

const unauthenticated = (message: string) => new AppError("UNAUTHENTICATED", message, { http: { status: 401 } });

/**
 * Turns an `Authorization` value (HTTP header or graphql-ws connection_init payload) into a
 * Session. No credential is an anonymous session; a bad one fails the whole request, so a
 * client learns at once that it must refresh or sign in again.
 */
export class Authenticator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
  ) {}

  async authenticate(authorization: unknown, ip: string): Promise<Authentication> {
    if (authorization === undefined || authorization === null || authorization === "") {
      return { session: Session.anonymous(ip), access: null };
    }
    if (typeof authorization !== "string") throw unauthenticated("Authorization must be a string");
    const [scheme, credential, extra] = authorization.trim().split(/\s+/);
    if (!credential || extra !== undefined) throw unauthenticated("Authorization must be `Bearer <token>` or `ApiKey <key>`");
    if (scheme.toLowerCase() === "bearer" && credential.startsWith("bgk_")) {
      throw unauthenticated("That is an API key: send it as `Authorization: ApiKey <key>`");
    }
    if (scheme.toLowerCase() === "bearer") return this.bearer(credential, ip);
    if (scheme.toLowerCase() === "apikey") return this.apiKey(credential, ip);
    throw unauthenticated("Authorization must be `Bearer <token>` or `ApiKey <key>`");
  }

  private async bearer(token: string, ip: string): Promise<Authentication> {
    const access = await this.tokens.verifyAccess(token);
    // Roles and the active flag come from the database, not the token: a role removed or an
    // account disabled takes effect on the next request.
    // A plain statement: this runs on every authenticated request.
    const [user] = await this.dataSource.query(`SELECT id, roles FROM users WHERE id = $1 AND is_active`, [access.userId]);
    if (!user) throw unauthenticated("The account is not active");
    return {
      session: new Session({ kind: "user", userId: user.id, roles: user.roles, tokenId: access.tokenId, expiresAt: access.expiresAt }, ip),
      access,
    };
  }

  private async apiKey(presented: string, ip: string): Promise<Authentication> {
    const [prefix, secret] = presented.split(".");
    const invalid = () => unauthenticated("The API key is invalid or revoked");
    if (!prefix || !secret || !/^bgk_[0-9a-f]{12}$/.test(prefix)) throw invalid();
    const key = await this.dataSource.getRepository(ApiKeyRow).findOneBy({ prefix, revokedAt: IsNull() });
    if (!key || !sameHash(key.secretHash, sha256(secret))) throw invalid();
    const owner = await this.dataSource.getRepository(User).findOne({ where: { id: key.userId }, select: { id: true, roles: true, isActive: true } });
    if (!owner?.isActive) throw invalid();
    // Bookkeeping at most once a minute per key, so a busy key does not write on every call.
    await this.dataSource.query(
      `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [key.id],
    );
    return {
      session: new Session({ kind: "apiKey", userId: owner.id, roles: owner.roles, apiKeyId: key.id, scopes: key.scopes }, ip),
      access: null,
    };
  }
}
