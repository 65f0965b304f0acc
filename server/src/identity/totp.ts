import speakeasy from "speakeasy";

/** RFC 6238 defaults that authenticator apps expect: SHA-1, 6 digits, 30-second steps. */
export const TOTP_STEP_SECONDS = 30;
const DIGITS = 6;

export function generateTotpSecret(): string {
  return speakeasy.generateSecret({ length: 20 }).base32;
}

export function otpauthUrl(secretBase32: string, account: string): string {
  return speakeasy.otpauthURL({ secret: secretBase32, encoding: "base32", label: account, issuer: "BlockGuardian", digits: DIGITS });
}

/** The code for `atSeconds` (Unix time). `digits` and an ASCII secret exist for the RFC vectors. */
export function totpAt(secret: string, atSeconds: number, options: { digits?: number; encoding?: "base32" | "ascii" } = {}): string {
  return speakeasy.totp({
    secret,
    encoding: options.encoding ?? "base32",
    algorithm: "sha1",
    digits: options.digits ?? DIGITS,
    step: TOTP_STEP_SECONDS,
    time: atSeconds,
  });
}

/**
 * The time step `code` belongs to, within one step of clock drift either way, or null. Callers
 * refuse any step at or before the last one accepted, so a code works once.
 */
export function matchTotpStep(secretBase32: string, code: string, nowSeconds: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const current = Math.floor(nowSeconds / TOTP_STEP_SECONDS);
  for (const step of [current - 1, current, current + 1]) {
    if (totpAt(secretBase32, step * TOTP_STEP_SECONDS) === code) return step;
  }
  return null;
}
