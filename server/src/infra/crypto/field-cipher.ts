import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12; // the GCM standard nonce size
const KEY_BYTES = 32; // AES-256
const TAG_BYTES = 16;
const MAC_VERSION = "m1";

/**
 * AES-256-GCM for personal data and secrets at rest. Each ciphertext names the key that made
 * it (`v1.<keyId>.<iv>.<tag>.<data>`), so keys rotate without a flag day: new values use the
 * active key, old ones decrypt with theirs until re-encrypted.
 */
export class FieldCipher {
  private readonly keys: Map<string, Buffer>;

  constructor(
    keys: Record<string, Buffer>,
    readonly activeKeyId: string,
  ) {
    this.keys = new Map(Object.entries(keys));
    for (const [id, key] of this.keys) {
      if (key.length !== KEY_BYTES) throw new Error(`encryption key ${id} must be ${KEY_BYTES} bytes`);
    }
    if (!this.keys.has(activeKeyId)) throw new Error(`active encryption key ${activeKeyId} is not in the key ring`);
  }

  /** Parses `id:base64,id2:base64`; the active key defaults to the last one listed. */
  static fromKeyRing(ring: string, activeKeyId?: string): FieldCipher {
    const entries = ring.split(",").map((entry) => {
      const [id, material] = entry.split(":");
      return [id, Buffer.from(material, "base64")] as const;
    });
    return new FieldCipher(Object.fromEntries(entries), activeKeyId ?? entries[entries.length - 1][0]);
  }

  static generateKey(): string {
    return randomBytes(KEY_BYTES).toString("base64");
  }

  /** `context` binds the ciphertext to where it lives (e.g. `users.mfa_secret:<userId>`): moved elsewhere, it fails to open. */
  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.keys.get(this.activeKeyId)!, iv);
    cipher.setAAD(Buffer.from(context));
    const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, this.activeKeyId, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
  }

  decrypt(sealed: string, context: string): string {
    const [version, keyId, iv, tag, data] = sealed.split(".");
    const key = this.keys.get(keyId);
    const tagBytes = tag ? Buffer.from(tag, "base64url") : Buffer.alloc(0);
    // A full 16-byte tag only: GCM would accept a truncated one, which is far easier to forge.
    if (version !== VERSION || !key || !iv || tagBytes.length !== TAG_BYTES || data === undefined) throw new Error("unreadable ciphertext");
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(tagBytes);
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
  }

  /**
   * HMAC-SHA256 of `value` under a key derived (HKDF) from the active key for `purpose`, as
   * `m1.<keyId>.<mac>`. For what is only ever compared, such as backup codes: a copied table is
   * useless without the key, which lives outside the database with the encryption keys. A
   * MAC cannot be re-keyed without the value, so a key stays in the ring while MACs made with
   * it are still in use.
   */
  mac(value: string, purpose: string): string {
    return [MAC_VERSION, this.activeKeyId, this.macWith(this.activeKeyId, value, purpose)].join(".");
  }

  /** True when `stored` (from `mac`) is the MAC of `value` for `purpose`, in constant time. */
  macMatches(stored: string, value: string, purpose: string): boolean {
    const [version, keyId, mac] = stored.split(".");
    if (version !== MAC_VERSION || !this.keys.has(keyId) || !mac) return false;
    const expected = Buffer.from(this.macWith(keyId, value, purpose));
    const presented = Buffer.from(mac);
    return expected.length === presented.length && timingSafeEqual(expected, presented);
  }

  private macWith(keyId: string, value: string, purpose: string): string {
    const key = Buffer.from(hkdfSync("sha256", this.keys.get(keyId)!, Buffer.alloc(0), `blockguardian mac: ${purpose}`, 32));
    return createHmac("sha256", key).update(value, "utf8").digest("base64url");
  }

  /** True when `sealed` was made with a key other than the active one. */
  isStale(sealed: string): boolean {
    return sealed.split(".")[1] !== this.activeKeyId;
  }
}
