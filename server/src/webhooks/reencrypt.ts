import type { DataSource } from "typeorm";
import type { FieldCipher } from "../infra/crypto/field-cipher";
import { secretContext } from "./webhook-secret";

/** Re-encrypts webhook secrets not made with the active key (key rotation); safe to re-run. */
export async function reencryptWebhookSecrets(dataSource: DataSource, cipher: FieldCipher): Promise<number> {
  const rows: Array<{ id: string; value: string }> = await dataSource.query(`SELECT id, secret_encrypted AS value FROM webhooks`);
  const stale = rows.filter((row) => cipher.isStale(row.value));
  for (const row of stale) {
    const plain = cipher.decrypt(row.value, secretContext(row.id));
    // Only if unchanged since it was read.
    await dataSource.query(`UPDATE webhooks SET secret_encrypted = $1 WHERE id = $2 AND secret_encrypted = $3`, [cipher.encrypt(plain, secretContext(row.id)), row.id, row.value]);
  }
  return stale.length;
}
