import type { DataSource } from "typeorm";
import type { FieldCipher } from "../infra/crypto/field-cipher";

const COLUMNS = ["document_number", "date_of_birth"] as const;
const BATCH = 500;

/** `npm run keys:rotate` for KYC rows: re-encrypts every value not made with the active key. Safe to re-run. */
export async function reencryptKycFields(dataSource: DataSource, cipher: FieldCipher): Promise<number> {
  let changed = 0;
  for (const column of COLUMNS) {
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const rows: Array<{ id: string; value: string }> = await dataSource.query(`SELECT id, ${column} AS value FROM kyc_verifications WHERE id > $1 ORDER BY id LIMIT ${BATCH}`, [after]);
      if (rows.length === 0) break;
      const stale = rows.filter((row) => cipher.isStale(row.value));
      await dataSource.transaction(async (manager) => {
        for (const row of stale) {
          const context = `kyc_verifications.${column}:${row.id}`;
          await manager.query(`UPDATE kyc_verifications SET ${column} = $1 WHERE id = $2 AND ${column} = $3`, [cipher.encrypt(cipher.decrypt(row.value, context), context), row.id, row.value]);
        }
      });
      changed += stale.length;
      after = rows[rows.length - 1].id;
    }
  }
  return changed;
}
