import { checkDigit } from "../src/compliance/mrz";
import { bearer, gql } from "./helpers";

export interface Passport {
  documentNumber: string;
  issuingCountry: string;
  nationality: string;
  dateOfBirth: string;
  expiryDate: string;
  mrz: string;
}

const pad = (text: string, length: number) => text.padEnd(length, "<").slice(0, length);
const yymmdd = (iso: string) => iso.slice(2).replace(/-/g, "");

/** A TD3 passport whose machine-readable zone carries correct check digits for these fields. */
export function passportFor(firstName: string, lastName: string, options: Partial<Omit<Passport, "mrz">> = {}): Passport {
  const p = { documentNumber: "X1234567", issuingCountry: "SWE", nationality: "SWE", dateOfBirth: "1990-05-17", expiryDate: "2034-04-15", ...options };
  const names = `${lastName.toUpperCase().replace(/ /g, "<")}<<${firstName.toUpperCase().replace(/ /g, "<")}`;
  const line1 = pad(`P<${p.issuingCountry}${names}`, 44);
  const number = pad(p.documentNumber, 9);
  const optional = pad("", 14);
  const body = `${number}${checkDigit(number)}${p.nationality}${yymmdd(p.dateOfBirth)}${checkDigit(yymmdd(p.dateOfBirth))}M${yymmdd(p.expiryDate)}${checkDigit(yymmdd(p.expiryDate))}${optional}${checkDigit(optional)}`;
  const composite = body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43);
  return { ...p, mrz: `${line1}\n${body}${checkDigit(composite)}` };
}

export const KYC_FIELDS = "id userId status documentType checks { name passed detail } reason submittedAt decidedAt";
export const SUBMIT_KYC = `mutation ($i: KycInput!) { submitKyc(input: $i) { ${KYC_FIELDS} } }`;

export function submitKyc(server: { url: string }, token: string, passport: Passport) {
  return gql(server, SUBMIT_KYC, { i: { documentType: "PASSPORT", ...passport } }, bearer(token));
}

/** Takes a freshly registered "Test User" through KYC with a valid passport. */
export async function verifyKyc(server: { url: string }, token: string): Promise<void> {
  const response = await submitKyc(server, token, passportFor("Test", "User"));
  if (response.data?.submitKyc?.status !== "VERIFIED") throw new Error(`KYC not verified: ${JSON.stringify(response)}`);
}
