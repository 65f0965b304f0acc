import { randomBytes } from "node:crypto";
import { type DataSource, IsNull } from "typeorm";
import type { AuditService } from "../audit";
import { ALL_SCOPES } from "../infra/auth";
import { AppError, badUserInput } from "../infra/errors";
import { type PubSub, topics } from "../infra/pubsub";
import { ApiKeyRow } from "./credential.entities";
import { ApiKey, ApiKeyWithSecret } from "./identity.types";
import { newSecret, sha256 } from "./secret-tokens";
import type { Session } from "./session";

const MAX_ACTIVE_KEYS = 20;

/** Partner API keys: `<prefix>.<secret>`, shown once, stored as a hash, scoped, revocable at once. */
export class ApiKeyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly pubsub: PubSub,
  ) {}

  list(session: Session): Promise<ApiKey[]> {
    return this.dataSource
      .getRepository(ApiKeyRow)
      .find({ where: { userId: session.requireUser() }, order: { createdAt: "DESC" } })
      .then((rows) => rows.map(ApiKey.from));
  }

  async create(session: Session, rawName: string, scopes: string[]): Promise<ApiKeyWithSecret> {
    const userId = session.requireUser();
    const name = rawName.trim();
    if (name.length < 1 || name.length > 100) throw badUserInput("name must be 1 to 100 characters", "name");
    const unique = [...new Set(scopes)];
    const unknown = unique.filter((scope) => !ALL_SCOPES.includes(scope));
    if (unique.length === 0) throw badUserInput("Give the key at least one scope", "scopes");
    if (unknown.length > 0) throw badUserInput(`Unknown scope: ${unknown.join(", ")}; known: ${ALL_SCOPES.join(", ")}`, "scopes");
    return this.dataSource.transaction(async (manager) => {
      // Serialise key creation per user, so parallel calls cannot all pass the count.
      await manager.query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", [userId]);
      const active = await manager.countBy(ApiKeyRow, { userId, revokedAt: IsNull() });
      if (active >= MAX_ACTIVE_KEYS) throw new AppError("CONFLICT", `At most ${MAX_ACTIVE_KEYS} active API keys; revoke one first`);
      const prefix = `bgk_${randomBytes(6).toString("hex")}`;
      const secret = newSecret();
      const row = manager.create(ApiKeyRow, { userId, name, prefix, secretHash: sha256(secret), scopes: unique });
      await manager.insert(ApiKeyRow, row);
      await this.audit.append(manager, { eventType: "apikey.created", userId, entityType: "api_key", entityId: row.id, payload: { scopes: unique } });
      const saved = await manager.findOneByOrFail(ApiKeyRow, { id: row.id });
      return { apiKey: ApiKey.from(saved), secret: `${prefix}.${secret}` };
    });
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
