/**
 * The server's edge checks on a KYC submission, made before sending so a typo is pointed at its
 * field rather than costing a REJECTED verification (which the customer must then submit again).
 * The server still runs every check; this only catches what is certainly wrong.
 */
export type DocumentType = "PASSPORT" | "NATIONAL_ID" | "DRIVERS_LICENSE";

export interface KycDraft {
  documentType: DocumentType;
  documentNumber: string;
  mrz: string;
  dateOfBirth: string;
  nationality: string;
  issuingCountry: string;
  expiryDate: string;
}

export type KycErrors = Partial<Record<keyof KycDraft, string>>;

const NUMBER_RULES: Record<DocumentType, { pattern: RegExp; message: string }> = {
  PASSPORT: { pattern: /^[A-Z0-9]{6,9}$/, message: "A passport number has 6 to 9 letters or digits" },
  NATIONAL_ID: { pattern: /^[A-Z0-9]{5,20}$/, message: "An identity card number has 5 to 20 letters or digits" },
  DRIVERS_LICENSE: { pattern: /^[A-Z0-9]{4,20}$/, message: "A driving licence number has 4 to 20 letters or digits" },
};

const MRZ_LINE = /^[A-Z0-9<]{44}$/;

/** A real calendar date written YYYY-MM-DD (2034-02-30 is not one). */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** The two lines of a passport's machine-readable zone, however the person pasted them. */
export function normaliseMrz(value: string): string {
  return value
    .toUpperCase()
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+/g, ""))
    .filter(Boolean)
    .join("\n");
}

export const normaliseDraft = (draft: KycDraft): KycDraft => ({
  ...draft,
  documentNumber: draft.documentNumber.trim().toUpperCase(),
  nationality: draft.nationality.trim().toUpperCase(),
  issuingCountry: draft.issuingCountry.trim().toUpperCase(),
  mrz: draft.documentType === "PASSPORT" ? normaliseMrz(draft.mrz) : "",
});

/** Field by field, what is certainly wrong; `today` is YYYY-MM-DD (UTC), passed in to keep this pure. */
export function validateKyc(input: KycDraft, today: string): KycErrors {
  const draft = normaliseDraft(input);
  const errors: KycErrors = {};
  const rule = NUMBER_RULES[draft.documentType];
  if (!rule.pattern.test(draft.documentNumber)) errors.documentNumber = rule.message;
  if (draft.documentType === "PASSPORT") {
    const lines = draft.mrz.split("\n");
    if (!draft.mrz) errors.mrz = "A passport needs the two lines printed at the bottom of its photo page";
    else if (lines.length !== 2 || !lines.every((line) => MRZ_LINE.test(line))) errors.mrz = "Two lines of 44 characters: A–Z, 0–9 and <";
    else if (!lines[0].startsWith("P")) errors.mrz = "A passport's first line starts with P";
  }
  if (!isIsoDate(draft.dateOfBirth)) errors.dateOfBirth = "Enter the date of birth as YYYY-MM-DD";
  else if (draft.dateOfBirth >= today) errors.dateOfBirth = "The date of birth must be in the past";
  if (!isIsoDate(draft.expiryDate)) errors.expiryDate = "Enter the expiry date as YYYY-MM-DD";
  else if (draft.expiryDate <= today) errors.expiryDate = "This document has expired";
  for (const field of ["nationality", "issuingCountry"] as const) {
    if (!/^[A-Z]{2,3}$/.test(draft[field])) errors[field] = "A 2- or 3-letter country code (ISO 3166-1), e.g. DE or DEU";
  }
  return errors;
}
