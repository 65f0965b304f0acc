import DataLoader from "dataloader";
import { Field, ObjectType } from "type-graphql";
import type { DataSource } from "typeorm";
import type { FieldCipher } from "../infra/crypto/field-cipher";
import { DocumentType } from "./compliance.types";

/**
 * What an officer's tables show to tell two customers of the same name apart. Decrypted per
 * request for an officer only, never logged, never in an audit payload; the document number
 * leaves the server masked.
 */
@ObjectType({ description: "A customer's date of birth and masked document number, from a KYC submission (not in the API contract; officers only)." })
export class CustomerIdentity {
  @Field(() => String, { nullable: true, description: "YYYY-MM-DD as submitted." })
  dateOfBirth!: string | null;

  @Field(() => DocumentType, { nullable: true })
  documentType!: DocumentType | null;

  @Field(() => String, { nullable: true, description: "The last 4 characters, the rest masked (fewer for a short number: never the whole of it)." })
  documentNumberMasked!: string | null;
}

/**
 * The last 4 characters behind a fixed mask, so the mask does not tell the length. A number of 8
 * characters or fewer shows only half of itself: a 4-character licence number masked "to the last
 * 4" would be the whole number.
 */
export function maskDocumentNumber(number: string): string {
  const visible = Math.min(4, Math.floor(number.length / 2));
  return `••••${visible > 0 ? number.slice(-visible) : ""}`;
}

interface IdentityRow {
  id: string;
  user_id: string;
  document_type: DocumentType;
  document_number: string;
  date_of_birth: string;
}

function open(cipher: FieldCipher, row: IdentityRow): CustomerIdentity {
  // Bound to the row: a ciphertext copied onto another row does not decrypt.
  const number = cipher.decrypt(row.document_number, `kyc_verifications.document_number:${row.id}`);
  const dateOfBirth = cipher.decrypt(row.date_of_birth, `kyc_verifications.date_of_birth:${row.id}`);
  return { dateOfBirth, documentType: row.document_type, documentNumberMasked: maskDocumentNumber(number) };
}

/** Per request: identities by verification (the review queue) and by customer (their latest submission: cases, CTRs). */
export function createIdentityLoaders(dataSource: DataSource, cipher: FieldCipher) {
  const byVerification = new DataLoader<string, CustomerIdentity | null>(async (ids) => {
    const rows: IdentityRow[] = await dataSource.query(`SELECT id, user_id, document_type, document_number, date_of_birth FROM kyc_verifications WHERE id = ANY($1)`, [[...ids]]);
    const found = new Map(rows.map((row) => [row.id, open(cipher, row)]));
    return ids.map((id) => found.get(id) ?? null);
  });
  const byCustomer = new DataLoader<string, CustomerIdentity | null>(async (userIds) => {
    const rows: IdentityRow[] = await dataSource.query(
      `SELECT DISTINCT ON (user_id) id, user_id, document_type, document_number, date_of_birth FROM kyc_verifications
        WHERE user_id = ANY($1) ORDER BY user_id, submitted_at DESC, id DESC`,
      [[...userIds]],
    );
    const found = new Map(rows.map((row) => [row.user_id, open(cipher, row)]));
    return userIds.map((id) => found.get(id) ?? null);
  });
  return { identityByVerification: byVerification, identityByCustomer: byCustomer };
}
