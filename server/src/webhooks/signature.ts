import { createHmac } from "node:crypto";

/**
 * `BlockGuardian-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed by the
 * secret's UTF-8 bytes: Stripe's scheme, so partners can reuse a verifier they already trust.
 * The timestamp is signed too, so a receiver can refuse replays older than its tolerance.
 */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const v1 = createHmac("sha256", Buffer.from(secret, "utf8")).update(`${unixSeconds}.${body}`, "utf8").digest("hex");
  return `t=${unixSeconds},v1=${v1}`;
}
