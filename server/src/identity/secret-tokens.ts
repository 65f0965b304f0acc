import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A new opaque secret: 256 bits, URL-safe. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/**
 * Tokens, challenges, backup codes and API key secrets are random with >= 60 bits of entropy,
 * so a fast hash is enough to make a stolen table useless (no dictionary to try).
 */
export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
