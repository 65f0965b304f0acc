import bcrypt from "bcrypt";
import { dictionary } from "@zxcvbn-ts/language-common";
import { badUserInput } from "../infra/errors";

export const MIN_PASSWORD_LENGTH = 12;
/** bcrypt reads only the first 72 bytes; a longer password would be silently truncated. */
export const MAX_PASSWORD_BYTES = 72;

/** ~49,000 passwords most often found in breaches (zxcvbn-ts's common list), lower-cased. */
const COMMON = new Set((dictionary["passwords-common"] as string[]).map((word) => word.toLowerCase()));

/**
 * Length and breach-list checks (NIST SP 800-63B). A password is refused when it, or it with
 * trailing digits and symbols removed ("password2024!" -> "password"), is a common password.
 */
export function checkPasswordPolicy(password: string, email: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw badUserInput(`Password must be at least ${MIN_PASSWORD_LENGTH} characters`, "password");
  }
  if (Buffer.byteLength(password, "utf8") > MAX_PASSWORD_BYTES) {
    throw badUserInput(`Password must be at most ${MAX_PASSWORD_BYTES} bytes`, "password");
  }
  const lower = password.toLowerCase();
  const stem = lower.replace(/[\d\W_]+$/u, "");
  if (COMMON.has(lower) || (stem.length > 0 && COMMON.has(stem)) || /^(.)\1+$/u.test(password)) {
    throw badUserInput("Password is too common; choose one that is not on breach lists", "password");
  }
  const local = email.split("@")[0].toLowerCase();
  if (local.length >= 4 && lower.includes(local)) {
    throw badUserInput("Password must not contain your email address", "password");
  }
}

export function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

/**
 * A hash of a random password, compared against when the email is unknown, so a failed login
 * costs the same time whether or not the account exists.
 */
export function decoyHash(cost: number): Promise<string> {
  return bcrypt.hash(`decoy-${Math.random()}`, cost);
}

/** Lower-cased, trimmed, and shaped like an address; the one spelling stored and looked up. */
/** System accounts (market maker, fee and treasury accounts) live at this domain; no customer may register there. */
export const SYSTEM_EMAIL_DOMAIN = "system.blockguardian.local";

export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw badUserInput("Enter a valid email address", "email");
  return email;
}
