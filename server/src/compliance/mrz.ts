/**
 * The machine-readable zone of a passport (ICAO Doc 9303 part 4, format TD3): two lines of 44
 * characters, A-Z, 0-9 and the filler `<`. Parsing is pure; it reports every check digit.
 */

export interface Td3Mrz {
  documentCode: string;
  issuingState: string;
  surname: string;
  givenNames: string;
  documentNumber: string;
  nationality: string;
  /** YYMMDD as printed; centuries are the caller's to decide. */
  birthDate: string;
  sex: "M" | "F" | "X";
  expiryDate: string;
  optionalData: string;
}

export interface CheckDigitResult {
  field: "documentNumber" | "birthDate" | "expiryDate" | "optionalData" | "composite";
  expected: string;
  actual: string;
  valid: boolean;
}

export type MrzParse = { ok: true; mrz: Td3Mrz; checks: CheckDigitResult[] } | { ok: false; error: string };

const LINE = 44;
const WEIGHTS = [7, 3, 1];

/** The 7-3-1 check digit of ICAO 9303 part 3: digits count as themselves, A-Z as 10-35, `<` as 0. */
export function checkDigit(field: string): string {
  let sum = 0;
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    const value = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : 0;
    sum += value * WEIGHTS[i % 3];
  }
  return String(sum % 10);
}

/** Accepts the two lines joined by a newline (or run together); spaces around them are ignored. */
export function parseTd3(raw: string): MrzParse {
  const lines = raw.trim().toUpperCase().split(/\s*[\r\n]+\s*/);
  const [one, two] = lines.length === 1 && lines[0].length === LINE * 2 ? [lines[0].slice(0, LINE), lines[0].slice(LINE)] : lines;
  if (lines.length > 2 || !one || !two || one.length !== LINE || two.length !== LINE) {
    return { ok: false, error: `a TD3 machine-readable zone is two lines of ${LINE} characters` };
  }
  if (!/^[A-Z0-9<]+$/.test(one + two)) return { ok: false, error: "the machine-readable zone may hold only A-Z, 0-9 and <" };
  if (one[0] !== "P") return { ok: false, error: "a passport's machine-readable zone starts with P" };
  const [surname, ...given] = one.slice(5).split("<<");
  const sex = two[20] === "<" ? "X" : two[20];
  if (sex !== "M" && sex !== "F" && sex !== "X") return { ok: false, error: "sex must be M, F or <" };
  const mrz: Td3Mrz = {
    documentCode: one.slice(0, 2).replace(/</g, ""),
    issuingState: one.slice(2, 5).replace(/</g, ""),
    surname: surname.replace(/</g, " ").trim(),
    givenNames: given.join(" ").replace(/</g, " ").replace(/\s+/g, " ").trim(),
    documentNumber: two.slice(0, 9).replace(/</g, ""),
    nationality: two.slice(10, 13).replace(/</g, ""),
    birthDate: two.slice(13, 19),
    sex,
    expiryDate: two.slice(21, 27),
    optionalData: two.slice(28, 42).replace(/</g, ""),
  };
  const check = (field: CheckDigitResult["field"], data: string, digit: string): CheckDigitResult => {
    // An empty optional data field may carry `<` instead of 0 as its check digit (part 4, 4.2.2).
    const expected = checkDigit(data);
    const valid = digit === expected || (field === "optionalData" && /^<+$/.test(data) && digit === "<");
    return { field, expected, actual: digit, valid };
  };
  const composite = two.slice(0, 10) + two.slice(13, 20) + two.slice(21, 43);
  const checks = [
    check("documentNumber", two.slice(0, 9), two[9]),
    check("birthDate", two.slice(13, 19), two[19]),
    check("expiryDate", two.slice(21, 27), two[27]),
    check("optionalData", two.slice(28, 42), two[42]),
    check("composite", composite, two[43]),
  ];
  return { ok: true, mrz, checks };
}

/**
 * YYMMDD to an ISO date. Birth dates take the latest century that is not in the future; expiry
 * dates are read in 2000-2099, since passports are valid for at most ten years.
 */
export function mrzDate(yymmdd: string, kind: "birth" | "expiry", today: Date): string | null {
  if (!/^\d{6}$/.test(yymmdd)) return null;
  const yy = Number(yymmdd.slice(0, 2));
  let year = 2000 + yy;
  if (kind === "birth" && `${year}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}` > today.toISOString().slice(0, 10)) year -= 100;
  const iso = `${year}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso ? null : iso;
}
