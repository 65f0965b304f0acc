import { type CheckDigitResult, checkDigit, type MrzParse, type Td3Mrz } from "./mrz";

const LINE = 30;

/**
 * The machine-readable zone of an identity card (ICAO Doc 9303 part 5, format TD1): three lines
 * of 30. Line 1: document code (2), issuing state (3), document number (9), its check digit,
 * optional data (15). Line 2: birth date YYMMDD and check digit, sex, expiry YYMMDD and check
 * digit, nationality (3), optional data (11), and the composite check digit over line 1's
 * positions 6-30 and line 2's 1-7, 9-15 and 19-29. Line 3: SURNAME<<GIVEN<NAMES.
 */
export function parseTd1(raw: string): MrzParse {
  const lines = raw.trim().toUpperCase().split(/\s*[\r\n]+\s*/);
  const [one, two, three] = lines.length === 1 && lines[0].length === LINE * 3 ? [lines[0].slice(0, LINE), lines[0].slice(LINE, 2 * LINE), lines[0].slice(2 * LINE)] : lines;
  if (lines.length > 3 || !one || !two || !three || one.length !== LINE || two.length !== LINE || three.length !== LINE) {
    return { ok: false, error: `a TD1 machine-readable zone is three lines of ${LINE} characters` };
  }
  if (!/^[A-Z0-9<]+$/.test(one + two + three)) return { ok: false, error: "the machine-readable zone may hold only A-Z, 0-9 and <" };
  if (!/^[IAC]/.test(one)) return { ok: false, error: "an identity card's machine-readable zone starts with I, A or C" };
  const sex = two[7] === "<" ? "X" : two[7];
  if (sex !== "M" && sex !== "F" && sex !== "X") return { ok: false, error: "sex must be M, F or <" };
  const [surname, ...given] = three.split("<<");
  const mrz: Td3Mrz = {
    documentCode: one.slice(0, 2).replace(/</g, ""),
    issuingState: one.slice(2, 5).replace(/</g, ""),
    surname: surname.replace(/</g, " ").trim(),
    givenNames: given.join(" ").replace(/</g, " ").replace(/\s+/g, " ").trim(),
    documentNumber: one.slice(5, 14).replace(/</g, ""),
    nationality: two.slice(15, 18).replace(/</g, ""),
    birthDate: two.slice(0, 6),
    sex,
    expiryDate: two.slice(8, 14),
    optionalData: (one.slice(15, 30) + two.slice(18, 29)).replace(/</g, ""),
  };
  const check = (field: CheckDigitResult["field"], data: string, digit: string): CheckDigitResult => {
    const expected = checkDigit(data);
    return { field, expected, actual: digit, valid: digit === expected };
  };
  const composite = one.slice(5, 30) + two.slice(0, 7) + two.slice(8, 15) + two.slice(18, 29);
  const checks = [
    check("documentNumber", one.slice(5, 14), one[14]),
    check("birthDate", two.slice(0, 6), two[6]),
    check("expiryDate", two.slice(8, 14), two[14]),
    check("composite", composite, two[29]),
  ];
  return { ok: true, mrz, checks };
}
