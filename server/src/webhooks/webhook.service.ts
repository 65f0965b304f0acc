import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import type { AuditService } from "../audit";
import type { Session } from "../identity";
import type { FieldCipher } from "../infra/crypto/field-cipher";
import { AppError, badUserInput, notFound } from "../infra/errors";
import { isUuid } from "../infra/graphql/text";
import { checkDestination, DestinationRefused } from "./destination";
import { WebhookRow } from "./webhook.entities";
import { Webhook, WebhookEvent, WebhookWithSecret } from "./webhook.types";
import { newWebhookSecret, secretContext } from "./webhook-secret";

export const MAX_WEBHOOKS = 10;

/** A partner's webhooks: created with a secret shown once, listed, deleted (pending deliveries go with them). */
export class WebhookService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly cipher: FieldCipher,
    private readonly allowPrivate: boolean,
  ) {}

  async list(session: Session): Promise<Webhook[]> {
    const rows = await this.dataSource.getRepository(WebhookRow).find({ where: { userId: session.requireUser() }, order: { createdAt: "ASC" } });
    return rows.map(Webhook.from);
  }

  async create(session: Session, rawUrl: string, events: WebhookEvent[]): Promise<WebhookWithSecret> {
    const userId = session.requireUser();
    const url = rawUrl.trim();
    const unique = [...new Set(events)];
    if (unique.length === 0) throw badUserInput("Subscribe to at least one event", "events");
    try {
      // Judged now for a quick answer, and again before every delivery (DNS may change).
      await checkDestination(url, this.allowPrivate);
    } catch (error) {
      if (error instanceof DestinationRefused) throw badUserInput(`url refused: ${error.message}`, "url");
      throw error;
    }
    const id = randomUUID();
    const secret = newWebhookSecret();
    return this.dataSource.transaction(async (manager) => {
      // Serialise creation per user, so parallel calls cannot all pass the count.
      await manager.query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", [userId]);
      if ((await manager.countBy(WebhookRow, { userId })) >= MAX_WEBHOOKS) throw new AppError("CONFLICT", `At most ${MAX_WEBHOOKS} webhooks; delete one first`);
      await manager.insert(WebhookRow, { id, userId, url, events: unique, secretEncrypted: this.cipher.encrypt(secret, secretContext(id)) });
      await this.audit.append(manager, { eventType: "webhook.created", userId, entityType: "webhook", entityId: id, payload: { url, events: unique } });
      return { webhook: Webhook.from(await manager.findOneByOrFail(WebhookRow, { id })), secret };
    });
  }

  async delete(session: Session, id: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const row = isUuid(id) ? await manager.findOneBy(WebhookRow, { id }) : null;
      if (!row || row.userId !== session.requireUser()) throw notFound("Webhook");
      await manager.delete(WebhookRow, { id });
      await this.audit.append(manager, { eventType: "webhook.deleted", userId: row.userId, entityType: "webhook", entityId: id });
      return true;
    });
  }
}
