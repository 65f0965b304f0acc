import DataLoader from "dataloader";
import { type DataSource, In } from "typeorm";
import { User, UserView } from "../identity";
import { CaseNoteRow } from "./compliance.entities";
import type { CaseNote } from "./case.types";
import type { FieldCipher } from "../infra/crypto/field-cipher";
import { createIdentityLoaders } from "./customer-identity";

/** Per request: the people named on cases, notes and filings, and the notes of many cases, one statement each. */
export function createComplianceLoaders(dataSource: DataSource, cipher: FieldCipher) {
  const users = new DataLoader<string, UserView | null>(async (ids) => {
    const rows = await dataSource.getRepository(User).findBy({ id: In([...ids]) });
    const byId = new Map(rows.map((row) => [row.id, UserView.from(row)]));
    return ids.map((id) => byId.get(id) ?? null);
  });
  const caseNotes = new DataLoader<string, CaseNote[]>(async (caseIds) => {
    const rows = await dataSource.getRepository(CaseNoteRow).find({ where: { caseId: In([...caseIds]) }, order: { createdAt: "ASC", id: "ASC" } });
    const byCase = new Map<string, CaseNote[]>(caseIds.map((id) => [id, []]));
    for (const row of rows) byCase.get(row.caseId)!.push({ authorId: row.authorId, text: row.text, createdAt: row.createdAt });
    return caseIds.map((id) => byCase.get(id)!);
  });
  return { complianceUsers: users, caseNotes, ...createIdentityLoaders(dataSource, cipher) };
}

export type ComplianceLoaders = ReturnType<typeof createComplianceLoaders>;
