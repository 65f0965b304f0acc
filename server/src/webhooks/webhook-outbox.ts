import type { EntityManager } from "typeorm";
import { type BulkColumn, Journal } from "../infra/database/bulk";
import type { WebhookEvent } from "./webhook.types";

/** Something a user's webhooks may hear of: the event and its `data`, as the API would show it. */
export interface WebhookNotice {
  userId: string;
  event: WebhookEvent;
  data: object;
}

const NOTICE_COLUMNS: Array<BulkColumn<WebhookNotice>> = [
  ["user_id", "uuid", (notice) => notice.userId],
  ["event", "text", (notice) => notice.event],
  ["payload", "jsonb", (notice) => JSON.stringify(notice.data)],
];

/**
 * The outbox: adds one delivery per webhook of the notice's user subscribed to its event, as one
 * more write of the caller's journal, so the deliveries commit (or roll back) with the change
 * they report. A user without webhooks costs one index probe per batch, nothing more.
 */
export function journalWebhookNotices(journal: Journal, notices: WebhookNotice[]): Journal {
  return journal.insertFrom(
    "webhook_deliveries",
    ["webhook_id", "event", "payload"],
    NOTICE_COLUMNS,
    notices,
    "w.id, src.event, src.payload",
    "JOIN webhooks w ON w.user_id = src.user_id AND src.event = ANY (w.events)",
  );
}

/** The outbox for a change made outside the sequencer: written in the caller's transaction. */
export async function recordWebhookNotices(manager: EntityManager, notices: WebhookNotice[]): Promise<void> {
  await journalWebhookNotices(new Journal(), notices).write(manager);
}
