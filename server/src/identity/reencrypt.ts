import type { DataSource } from "typeorm";
import type { FieldCipher } from "../infra/crypto/field-cipher";

/** Every encrypted column of users, with the context its ciphertext is bound to. */
const ENCRYPTED_COLUMNS = [
  { column: "mfa_secret", context: "users.mfa_secret" },
  { column: "mfa_pending_secret", context: "users.mfa_secret" },
  { column: "date_of_birth", context: "users.date_of_birth" },
  { column: "phone_number", context: "users.phone_number" },
] as const;

const BATCH = 500;

/**
 * Re-encrypts every value not made with the active key, batch by batch, each batch in its own
 * transaction. Safe to re-run: values already on the active key are skipped.
 */
export async function reencryptUserFields(dataSource: DataSource, cipher: FieldCipher): Promise<number> {
  let changed = 0;
  for (const { column, context } of ENCRYPTED_COLUMNS) {
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const rows: Array<{ id: string; value: string }> = await dataSource.query(
        `SELECT id, ${column} AS value FROM users WHERE ${column} IS NOT NULL AND id > $1 ORDER BY id LIMIT ${BATCH}`,
        [after],
      );
      if (rows.length === 0) break;
      const stale = rows.filter((row) => cipher.isStale(row.value));
      await dataSource.transaction(async (manager) => {
        for (const row of stale) {
          let plain: string;
          try {
            plain = cipher.decrypt(row.value, `${context}:${row.id}`);
          } catch {
            throw new Error(`cannot decrypt users.${column} of ${row.id}: is its key (${row.value.split(".")[1]}) missing from ENCRYPTION_KEYS?`);
          }
          // Only if unchanged since it was read: a value the user replaced meanwhile is left alone.
          await manager.query(`UPDATE users SET ${column} = $1 WHERE id = $2 AND ${column} = $3`, [cipher.encrypt(plain, `${context}:${row.id}`), row.id, row.value]);
        }
      });
      changed += stale.length;
      after = rows[rows.length - 1].id;
    }
  }
  return changed;
}
