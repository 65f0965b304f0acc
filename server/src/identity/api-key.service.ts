import { randomBytes } from "node:crypto";
import { type DataSource, IsNull } from "typeorm";
import type { AuditService } from "../audit";
import { ALL_SCOPES } from "../infra/auth";
import { AppError, badUserInput, notFound } from "../infra/errors";
import { type PubSub, topics } from "../infra/pubsub";
import { ApiKeyRow } from "./credential.entities";
import { ApiKey, ApiKeyWithSecret } from "./identity.types";
import { parseCidr } from "./ip-ranges";
import { newSecret, sha256 } from "./secret-tokens";
import type { Session } from "./session";

const MAX_ACTIVE_KEYS = 20;
/** Keys listed, revoked ones included: the newest this many. */
export const MAX_LISTED_KEYS = 50;
const MAX_RANGES = 20;
const MAX_PORTFOLIOS = 100;

/** What a key may be limited to, as createApiKey takes it. */
export interface KeyLimits {
  expiresAt?: Date | null;
  allowedIps?: string[] | null;
  portfolioIds?: string[] | null;
}

/** Whether every one of the ids is a portfolio of the session's user (the portfolio feature answers). */
export type PortfolioOwnership = (session: Session, portfolioIds: string[]) => Promise<boolean>;

/** Partner API keys: `<prefix>.<secret>`, shown once, stored as a hash, scoped, revocable at once. */
export class ApiKeyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly pubsub: PubSub,
    private readonly ownsPortfolios: PortfolioOwnership,
  ) {}

  list(session: Session): Promise<ApiKey[]> {
    return this.dataSource
      .getRepository(ApiKeyRow)
      .find({ where: { userId: session.requireUser() }, order: { createdAt: "DESC" }, take: MAX_LISTED_KEYS })
      .then((rows) => rows.map(ApiKey.from));
  }

  async create(session: Session, rawName: string, scopes: string[], limits: KeyLimits = {}): Promise<ApiKeyWithSecret> {
    const userId = session.requireUser();
    const name = rawName.trim();
    if (name.length < 1 || name.length > 100) throw badUserInput("name must be 1 to 100 characters", "name");
    const unique = [...new Set(scopes)];
    const unknown = unique.filter((scope) => !ALL_SCOPES.includes(scope));
    if (unique.length === 0) throw badUserInput("Give the key at least one scope", "scopes");
    if (unknown.length > 0) throw badUserInput(`Unknown scope: ${unknown.join(", ")}; known: ${ALL_SCOPES.join(", ")}`, "scopes");
    const { expiresAt, allowedIps, portfolioIds } = await this.checkedLimits(session, limits);
    return this.dataSource.transaction(async (manager) => {
      // Serialise key creation per user, so parallel calls cannot all pass the count.
      await manager.query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", [userId]);
      const active = await manager.countBy(ApiKeyRow, { userId, revokedAt: IsNull() });
      if (active >= MAX_ACTIVE_KEYS) throw new AppError("CONFLICT", `At most ${MAX_ACTIVE_KEYS} active API keys; revoke one first`);
      const prefix = `bgk_${randomBytes(6).toString("hex")}`;
      const secret = newSecret();
      const row = manager.create(ApiKeyRow, { userId, name, prefix, secretHash: sha256(secret), scopes: unique, expiresAt, allowedIps, portfolioIds });
      await manager.insert(ApiKeyRow, row);
      await this.audit.append(manager, { eventType: "apikey.created", userId, entityType: "api_key", entityId: row.id, payload: { scopes: unique, expiresAt, allowedIps, portfolioIds } });
      const saved = await manager.findOneByOrFail(ApiKeyRow, { id: row.id });
      return { apiKey: ApiKey.from(saved), secret: `${prefix}.${secret}` };
    });
  }

  /** Expiry in the future, well-formed CIDR ranges (kept canonical), and portfolios of the caller's own. */
  private async checkedLimits(session: Session, limits: KeyLimits): Promise<{ expiresAt: Date | null; allowedIps: string[]; portfolioIds: string[] }> {
    const expiresAt = limits.expiresAt ?? null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw badUserInput("expiresAt must be in the future", "expiresAt");
    const ranges = [...new Set(limits.allowedIps ?? [])];
    if (ranges.length > MAX_RANGES) throw badUserInput(`At most ${MAX_RANGES} network ranges`, "allowedIps");
    const allowedIps = ranges.map((text) => {
      const parsed = parseCidr(text);
      if (!parsed) throw badUserInput(`Not a CIDR range or address: ${text.slice(0, 50)}`, "allowedIps");
      return `${parsed.address}/${parsed.prefix}`;
    });
    const portfolioIds = [...new Set(limits.portfolioIds ?? [])];
    if (portfolioIds.length > MAX_PORTFOLIOS) throw badUserInput(`At most ${MAX_PORTFOLIOS} portfolios`, "portfolioIds");
    // Someone else's portfolio answers as a missing one does: ids cannot be probed.
    if (portfolioIds.length > 0 && !(await this.ownsPortfolios(session, portfolioIds))) throw notFound("Portfolio");
    return { expiresAt, allowedIps, portfolioIds };
  }

  async revoke(session: Session, id: string): Promise<ApiKey> {
    const revoked = await this.dataSource.transaction(async (manager) => {
      const row = /^[0-9a-f-]{36}$/i.test(id) ? await manager.findOneBy(ApiKeyRow, { id }) : null;
      session.assertOwns(row, "API key");
      if (!row.revokedAt) {
        row.revokedAt = new Date();
        await manager.update(ApiKeyRow, { id }, { revokedAt: row.revokedAt });
        await this.audit.append(manager, { eventType: "apikey.revoked", userId: row.userId, entityType: "api_key", entityId: id });
      }
      return row;
    });
    await this.pubsub.publish(topics.sessionsRevoked(), { apiKeyId: revoked.id });
    return ApiKey.from(revoked);
  }
}
