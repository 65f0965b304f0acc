import type { StoredCheck } from "./compliance.entities";
import { toAlpha2 } from "./iso3166";
import { type MrzParse, mrzDate, parseTd3 } from "./mrz";
import { parseTd1 } from "./mrz-td1";
import { normalizeName, tokenSimilarity } from "./name-match";

export interface KycSubmission {
  documentType: "PASSPORT" | "NATIONAL_ID" | "DRIVERS_LICENSE";
  documentNumber: string;
  issuingCountry: string;
  nationality: string;
  dateOfBirth: string;
  expiryDate: string;
  mrz: string | null;
}

export interface KycPerson {
  firstName: string;
  lastName: string;
  country: string | null;
  /** The date of birth given at registration, when there was one. */
  dateOfBirth: string | null;
}

/** Checks whose failure rejects the submission; the others send it to an officer. */
export const SOFT_CHECKS = new Set(["country_risk", "sanctions_screening", "document_expiry_plausible", "document_verified_by_mrz"]);

/** Soft checks that make a document implausible: it goes to a person to be rejected, never approved. */
export const IMPLAUSIBLE_CHECKS = new Set(["document_expiry_plausible"]);

/** No identity document is issued for longer than this: an expiry further out is not believable. */
const MAX_VALIDITY_YEARS = 15;

const DOCUMENT_FORMATS: Record<KycSubmission["documentType"], { pattern: RegExp; says: string }> = {
  // ICAO 9303: up to nine characters in the MRZ's document number field.
  PASSPORT: { pattern: /^[A-Z0-9]{6,9}$/, says: "6 to 9 letters and digits" },
  NATIONAL_ID: { pattern: /^[A-Z0-9]{5,20}$/, says: "5 to 20 letters and digits" },
  // Issue 17's plausibility rule for licences: 4 to 20 letters and digits, nothing else.
  DRIVERS_LICENSE: { pattern: /^[A-Z0-9]{4,20}$/, says: "4 to 20 letters and digits" },
};

/** Upper case without spaces: how document numbers are compared and stored. */
export const canonicalDocumentNumber = (value: string) => value.toUpperCase().replace(/\s+/g, "");

export function isIsoDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function ageOn(dateOfBirth: string, today: Date): number {
  const [y, m, d] = dateOfBirth.split("-").map(Number);
  let age = today.getUTCFullYear() - y;
  if (today.getUTCMonth() + 1 < m || (today.getUTCMonth() + 1 === m && today.getUTCDate() < d)) age--;
  return age;
}

const check = (name: string, passed: boolean, detail: string | null = null): StoredCheck => ({ name, passed, detail });

/**
 * The automated checks that need no I/O: document format, the passport's MRZ (every check digit,
 * and its fields against the submitted ones and the account's name), expiry, age and country
 * codes and risk. Sanctions screening is added by the caller.
 */
export function documentChecks(input: KycSubmission, person: KycPerson, today: Date, minAge: number, highRisk: ReadonlySet<string>): StoredCheck[] {
  const checks: StoredCheck[] = [];
  const number = canonicalDocumentNumber(input.documentNumber);
  const format = DOCUMENT_FORMATS[input.documentType];
  checks.push(check("document_number_format", format.pattern.test(number), format.pattern.test(number) ? null : `a ${input.documentType.toLowerCase().replace("_", " ")} number is ${format.says}`));
  if (input.documentType === "PASSPORT") checks.push(...mrzChecks(input, number, person, today, parseTd3));
  else checks.push(...cardChecks(input, number, person, today));
  const expiryOk = isIsoDate(input.expiryDate) && input.expiryDate > today.toISOString().slice(0, 10);
  checks.push(check("document_not_expired", expiryOk, expiryOk ? null : `expiry date ${input.expiryDate} is not a future date`));
  const latest = `${today.getUTCFullYear() + MAX_VALIDITY_YEARS}${today.toISOString().slice(4, 10)}`;
  const plausible = !expiryOk || input.expiryDate <= latest;
  checks.push(check("document_expiry_plausible", plausible, plausible ? null : `expiry date ${input.expiryDate} is more than ${MAX_VALIDITY_YEARS} years ahead`));
  const birthValid = isIsoDate(input.dateOfBirth) && input.dateOfBirth <= today.toISOString().slice(0, 10);
  const age = birthValid ? ageOn(input.dateOfBirth, today) : -1;
  checks.push(check("minimum_age", age >= minAge, birthValid ? `age ${age}, at least ${minAge} required` : "date of birth is not a past date"));
  if (person.dateOfBirth) {
    const same = person.dateOfBirth === input.dateOfBirth;
    checks.push(check("date_of_birth_matches_profile", same, same ? null : "differs from the date of birth given at registration"));
  }
  const issuing = toAlpha2(input.issuingCountry);
  const nationality = toAlpha2(input.nationality);
  checks.push(check("country_codes", issuing !== null && nationality !== null, issuing && nationality ? `${issuing}, ${nationality}` : "issuingCountry and nationality must be ISO 3166-1 codes"));
  const risky = [...new Set([issuing, nationality, person.country].filter((c): c is string => c !== null && highRisk.has(c)))];
  checks.push(check("country_risk", risky.length === 0, risky.length ? `high-risk jurisdiction: ${risky.join(", ")}` : null));
  return checks;
}

/**
 * Identity cards and driving licences: a card with a TD1 zone whose every digit and field checks
 * out is verified like a passport; without one (and a licence never has one) a person compares
 * the document, so it goes to review however plausible it looks.
 */
function cardChecks(input: KycSubmission, number: string, person: KycPerson, today: Date): StoredCheck[] {
  if (input.documentType === "NATIONAL_ID" && input.mrz) {
    const checks = mrzChecks(input, number, person, today, parseTd1);
    const verified = checks.every((c) => c.passed);
    return [...checks, check("document_verified_by_mrz", verified, verified ? null : "the machine-readable zone did not verify")];
  }
  const says = input.documentType === "DRIVERS_LICENSE" ? "a driving licence has no machine-readable zone" : "no machine-readable zone was given";
  return [check("document_verified_by_mrz", false, `${says}: an officer compares the document`)];
}

function mrzChecks(input: KycSubmission, number: string, person: KycPerson, today: Date, parse: (raw: string) => MrzParse): StoredCheck[] {
  if (!input.mrz) return [check("mrz_present", false, "a passport needs the two lines of its machine-readable zone")];
  const parsed = parse(input.mrz);
  if (!parsed.ok) return [check("mrz_format", false, parsed.error)];
  const checks = [check("mrz_format", true)];
  for (const digit of parsed.checks) {
    checks.push(check(`mrz_check_digit_${digit.field}`, digit.valid, digit.valid ? null : `check digit ${digit.actual}, computed ${digit.expected}`));
  }
  const { mrz } = parsed;
  const mismatches: string[] = [];
  if (mrz.documentNumber !== number) mismatches.push("document number");
  if (toAlpha2(mrz.issuingState) === null || toAlpha2(mrz.issuingState) !== toAlpha2(input.issuingCountry)) mismatches.push("issuing state");
  if (toAlpha2(mrz.nationality) === null || toAlpha2(mrz.nationality) !== toAlpha2(input.nationality)) mismatches.push("nationality");
  if (mrzDate(mrz.birthDate, "birth", today) !== input.dateOfBirth) mismatches.push("date of birth");
  if (mrzDate(mrz.expiryDate, "expiry", today) !== input.expiryDate) mismatches.push("expiry date");
  // The MRZ truncates long names and transliterates (Ü as UE): compare as tokens, with
  // tolerance, against the name both with its diacritics dropped and transliterated as ICAO does.
  const inMrz = normalizeName(`${mrz.givenNames} ${mrz.surname}`);
  const written = `${person.firstName} ${person.lastName}`;
  const nameScore = Math.max(tokenSimilarity(inMrz, normalizeName(written)), tokenSimilarity(inMrz, normalizeName(icaoTransliteration(written))));
  if (nameScore < 0.8) mismatches.push("name");
  checks.push(check("mrz_matches_submitted", mismatches.length === 0, mismatches.length ? `differs in ${mismatches.join(", ")}` : null));
  return checks;
}

/** ICAO Doc 9303 part 3's recommended transliteration of the letters that differ from simply dropping the accent. */
const ICAO_LETTERS: Record<string, string> = { Ä: "AE", ä: "AE", Ö: "OE", ö: "OE", Ü: "UE", ü: "UE", Å: "AA", å: "AA", Æ: "AE", æ: "AE", Ø: "OE", ø: "OE", ß: "SS", Þ: "TH", þ: "TH", Ĳ: "IJ", ĳ: "IJ", Œ: "OE", œ: "OE" };

export function icaoTransliteration(name: string): string {
  return name.replace(/[ÄäÖöÜüÅåÆæØøßÞþĲĳŒœ]/g, (c) => ICAO_LETTERS[c]);
}

/** VERIFIED when all pass, REJECTED when a hard check fails, MANUAL_REVIEW when only risk checks do. */
export function outcomeOf(checks: StoredCheck[]): { status: "VERIFIED" | "REJECTED" | "MANUAL_REVIEW"; reason: string | null } {
  const failed = checks.filter((c) => !c.passed);
  const hard = failed.filter((c) => !SOFT_CHECKS.has(c.name));
  if (hard.length > 0) return { status: "REJECTED", reason: `Failed checks: ${hard.map((c) => c.name + (c.detail ? ` (${c.detail})` : "")).join("; ")}` };
  if (failed.length > 0) return { status: "MANUAL_REVIEW", reason: `Needs review: ${failed.map((c) => c.name + (c.detail ? ` (${c.detail})` : "")).join("; ")}` };
  return { status: "VERIFIED", reason: null };
}
