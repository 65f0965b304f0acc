import { randomBytes } from "node:crypto";

/** A signing secret: 256 bits, prefixed so a leaked one is recognisable in logs and scanners. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

/** Binds the encrypted secret to its row: copied to another webhook, it fails to open. */
export const secretContext = (webhookId: string) => `webhooks.secret:${webhookId}`;
