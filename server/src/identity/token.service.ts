import { randomUUID } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { type DataSource, type EntityManager, IsNull } from "typeorm";
import type { AuditService } from "../audit";
import { AppError } from "../infra/errors";
import type { KeyValueStore } from "../infra/kv";
import { type PubSub, topics } from "../infra/pubsub";
import { RefreshToken } from "./credential.entities";
import type { Role } from "../infra/auth";
import { newSecret, sha256 } from "./secret-tokens";

const ISSUER = "blockguardian";
const AUDIENCE = "blockguardian-api";

export interface AccessClaims {
  userId: string;
  tokenId: string;
  familyId: string;
  expiresAt: Date;
  /** When the password was last proven in this session (OIDC `auth_time`). */
  authTime: Date;
}

export interface IssuedTokens {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
}

/** The one answer to a bad, expired or revoked access token. */
export const invalidToken = () => new AppError("UNAUTHENTICATED", "The access token is invalid or expired", { http: { status: 401 } });

const tokenDenyKey = (tokenId: string) => `deny:jti:${tokenId}`;
const familyDenyKey = (familyId: string) => `deny:fam:${familyId}`;

/** The store's flags that revoke an access token: its own id (logout) and its family (refresh reuse). */
export function revocationKeys(claims: Pick<AccessClaims, "tokenId" | "familyId">): string[] {
  return [tokenDenyKey(claims.tokenId), familyDenyKey(claims.familyId)];
}
const invalidRefresh = () => new AppError("UNAUTHENTICATED", "The refresh token is invalid, expired or already used");

/**
 * Short-lived access JWTs (HS256) and opaque, rotating refresh tokens. A refresh token used a
 * second time means it was copied: the whole family (every token descended from that login)
 * is revoked, and so are its access tokens.
 */
/** Access tokens whose signature has been checked, kept until they expire or are pushed out (oldest first). */
const VERIFIED_CACHE_SIZE = 10_000;

export class TokenService {
  private readonly verified = new Map<string, AccessClaims>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly secret: Uint8Array,
    private readonly kv: KeyValueStore,
    private readonly pubsub: PubSub,
    private readonly audit: AuditService,
    private readonly ttl: { accessSeconds: number; refreshDays: number },
  ) {}

  /** Issues a fresh pair; `familyId` continues a rotation, none starts a new login. */
  async issue(manager: EntityManager, user: { id: string; roles: Role[] }, familyId: string = randomUUID(), authTime = new Date()): Promise<IssuedTokens> {
    const accessTokenExpiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + this.ttl.accessSeconds * 1000);
    const accessToken = await new SignJWT({ roles: user.roles, fam: familyId, auth_time: Math.floor(authTime.getTime() / 1000) })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(user.id)
      .setJti(randomUUID())
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(accessTokenExpiresAt)
      .sign(this.secret);
    const refreshToken = newSecret();
    await manager.insert(RefreshToken, {
      userId: user.id,
      familyId,
      tokenHash: sha256(refreshToken),
      authTime,
      expiresAt: new Date(Date.now() + this.ttl.refreshDays * 86_400_000),
    });
    return { accessToken, accessTokenExpiresAt, refreshToken };
  }

  /** Signature, issuer, audience, expiry and revocation: the whole check, with its own round trip to the store. */
  async verifyAccess(token: string): Promise<AccessClaims> {
    const claims = await this.verifySigned(token);
    // Revocation is checked on every use: a cached signature says nothing about logout.
    if (await this.kv.anyFlagged(revocationKeys(claims))) throw invalidToken();
    return claims;
  }

  /**
   * Everything but revocation. The caller must refuse the request when any of
   * `revocationKeys(claims)` is flagged before anything runs on its behalf (the HTTP path checks
   * them in the rate limiter's round trip).
   */
  async verifySigned(token: string): Promise<AccessClaims> {
    const claims = this.verified.get(token) ?? (await this.verifySignature(token));
    if (claims.expiresAt.getTime() <= Date.now()) {
      this.verified.delete(token);
      throw invalidToken();
    }
    return claims;
  }

  /**
   * Checks signature, issuer, audience and expiry, and remembers the claims of a good token.
   * The cache key is the whole token, signature included, so only a token that verified once can
   * hit it; HMAC verification through WebCrypto was the largest single cost of a request.
   */
  private async verifySignature(token: string): Promise<AccessClaims> {
    let claims: AccessClaims;
    try {
      const { payload } = await jwtVerify(token, this.secret, { algorithms: ["HS256"], issuer: ISSUER, audience: AUDIENCE });
      if (!payload.sub || !payload.jti || typeof payload.fam !== "string" || !payload.exp || typeof payload.auth_time !== "number") throw invalidToken();
      claims = {
        userId: payload.sub,
        tokenId: payload.jti,
        familyId: payload.fam,
        expiresAt: new Date(payload.exp * 1000),
        authTime: new Date(payload.auth_time * 1000),
      };
    } catch {
      throw invalidToken();
    }
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, claims);
    return claims;
  }

  /** Exchanges a refresh token for a new pair in the same family; a reused one burns the family. */
  async rotate(refreshToken: string, loadUser: (manager: EntityManager, userId: string) => Promise<{ id: string; roles: Role[] } | null>) {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const row = await manager
        .getRepository(RefreshToken)
        .createQueryBuilder("t")
        .setLock("pessimistic_write")
        .where("t.token_hash = :hash", { hash: sha256(refreshToken) })
        .getOne();
      if (!row) return { kind: "invalid" as const };
      if (row.rotatedAt || row.revokedAt) {
        if (!row.revokedAt) await this.revokeFamily(manager, row.familyId, row.userId, "refresh token reused");
        return { kind: "reused" as const, familyId: row.familyId };
      }
      if (row.expiresAt.getTime() <= Date.now()) return { kind: "invalid" as const };
      const user = await loadUser(manager, row.userId);
      if (!user) return { kind: "invalid" as const };
      await manager.update(RefreshToken, { id: row.id }, { rotatedAt: new Date() });
      return { kind: "ok" as const, user, tokens: await this.issue(manager, user, row.familyId, row.authTime) };
    });
    if (outcome.kind === "reused") await this.afterFamilyRevoked(outcome.familyId);
    if (outcome.kind !== "ok") throw invalidRefresh();
    return outcome;
  }

  /** Logout: the refresh token's family ends, and the access token presented with it stops working now. */
  async revoke(refreshToken: string | null, access: AccessClaims | null, userId: string): Promise<void> {
    // Both the access token's session and the refresh token's (they may differ) end.
    const families = new Set<string>(access ? [access.familyId] : []);
    await this.dataSource.transaction(async (manager) => {
      if (refreshToken) {
        const row = await manager.findOneBy(RefreshToken, { tokenHash: sha256(refreshToken), userId });
        if (row) families.add(row.familyId);
      }
      for (const familyId of families) {
        await manager.update(RefreshToken, { familyId, userId, revokedAt: IsNull() }, { revokedAt: new Date() });
        await this.audit.append(manager, { eventType: "auth.logout", userId, entityType: "token_family", entityId: familyId });
      }
    });
    if (access) {
      await this.kv.flag(tokenDenyKey(access.tokenId), access.expiresAt.getTime() - Date.now());
      await this.pubsub.publish(topics.sessionsRevoked(), { tokenId: access.tokenId });
    }
    for (const familyId of families) await this.afterFamilyRevoked(familyId);
  }

  /**
   * Ends every live session of a user (a password changed or reset), except `keepFamilyId` (the
   * session that changed it). Runs in the caller's transaction; call `afterFamiliesRevoked` with
   * the result once it commits.
   */
  async revokeAllFamilies(manager: EntityManager, userId: string, reason: string, keepFamilyId?: string): Promise<string[]> {
    const rows: Array<{ family_id: string }> = await manager.query(
      `SELECT DISTINCT family_id FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() AND family_id IS DISTINCT FROM $2`,
      [userId, keepFamilyId ?? null],
    );
    for (const { family_id: familyId } of rows) await this.revokeFamily(manager, familyId, userId, reason);
    return rows.map((row) => row.family_id);
  }

  /** After the commit: the families' access tokens stop working here and on every open WebSocket. */
  async afterFamiliesRevoked(familyIds: string[]): Promise<void> {
    for (const familyId of familyIds) await this.afterFamilyRevoked(familyId);
  }

  private async revokeFamily(manager: EntityManager, familyId: string, userId: string, reason: string): Promise<void> {
    await manager.update(RefreshToken, { familyId }, { revokedAt: new Date() });
    await this.audit.append(manager, { eventType: "auth.token_family_revoked", userId, entityType: "token_family", entityId: familyId, payload: { reason } });
  }

  /** Access tokens of a revoked family die with it, here and on every open WebSocket. */
  private async afterFamilyRevoked(familyId: string): Promise<void> {
    await this.kv.flag(familyDenyKey(familyId), this.ttl.accessSeconds * 1000);
    await this.pubsub.publish(topics.sessionsRevoked(), { familyId });
  }
}
