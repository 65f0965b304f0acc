export { WebhookRow } from "./webhook.entities";
export { Webhook, WebhookEvent, WebhookWithSecret } from "./webhook.types";
export { WebhookService } from "./webhook.service";
export { WebhookDispatcher } from "./webhook-dispatcher";
export { WebhookResolver } from "./webhook.resolver";
export { journalWebhookNotices, recordWebhookNotices, type WebhookNotice } from "./webhook-outbox";
export { isForbiddenAddress } from "./destination";
export { signatureHeader } from "./signature";
export { reencryptWebhookSecrets } from "./reencrypt";
