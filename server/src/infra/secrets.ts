import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Config } from "../config";
import { FieldCipher } from "./crypto/field-cipher";
import type { Logger } from "./logger";

export interface Secrets {
  jwtSecret: Uint8Array;
  cipher: FieldCipher;
}

interface LocalSecrets {
  jwtSecret: string;
  encryptionKeys: string;
}

/**
 * The token signing key and the field encryption key ring. Production must configure both;
 * without them, a laptop gets keys generated once into DATA_DIR/secrets.json (owner-only),
 * and the log says so, because losing that file makes encrypted fields unreadable.
 */
export async function loadSecrets(config: Config, log: Logger): Promise<Secrets> {
  let { jwtSecret, encryptionKeys } = config.secrets;
  if (!jwtSecret || !encryptionKeys) {
    if (config.env === "production") {
      throw new Error("JWT_SECRET and ENCRYPTION_KEYS must be set in production");
    }
    const local = await localSecrets(config.dataDir, log);
    jwtSecret ??= local.jwtSecret;
    encryptionKeys ??= local.encryptionKeys;
  }
  return {
    jwtSecret: Buffer.from(jwtSecret, "base64"),
    cipher: FieldCipher.fromKeyRing(encryptionKeys, config.secrets.activeKeyId),
  };
}

async function localSecrets(dataDir: string, log: Logger): Promise<LocalSecrets> {
  const file = path.join(dataDir, "secrets.json");
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as LocalSecrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const secrets: LocalSecrets = {
    jwtSecret: randomBytes(32).toString("base64"),
    encryptionKeys: `local1:${FieldCipher.generateKey()}`,
  };
  await fs.mkdir(dataDir, { recursive: true });
  // "wx": two processes starting together cannot each write (and use) different keys.
  try {
    await fs.writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return JSON.parse(await fs.readFile(file, "utf8")) as LocalSecrets;
    throw error;
  }
  log.warn({ file }, "generated a local token key and encryption key; keep this file, or encrypted fields become unreadable");
  return secrets;
}
