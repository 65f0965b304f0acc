import { expect } from "chai";
import { documentChecks, icaoTransliteration, outcomeOf } from "./kyc-checks";

const TODAY = new Date("2026-11-24T12:00:00Z");
// ICAO's specimen MRZ re-issued for Sweden with a future expiry and correct check digits.
const MRZ = "P<SWEERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36SWE7408122F3204153ZE184226B<<<<<16";
const SUBMISSION = { documentType: "PASSPORT" as const, documentNumber: "L898902C3", issuingCountry: "SE", nationality: "SWE", dateOfBirth: "1974-08-12", expiryDate: "2032-04-15", mrz: MRZ };
const PERSON = { firstName: "Anna Maria", lastName: "Eriksson", country: "SE", dateOfBirth: null };
const failed = (checks: Array<{ name: string; passed: boolean }>) => checks.filter((c) => !c.passed).map((c) => c.name);

describe("KYC document checks", () => {
  it("when a passport's MRZ carries the submitted fields and the account's name, then every check passes and the outcome is VERIFIED", () => {
    const checks = documentChecks(SUBMISSION, PERSON, TODAY, 18, new Set(["IR"]));
    expect(failed(checks)).to.deep.equal([]);
    expect(outcomeOf(checks)).to.deep.equal({ status: "VERIFIED", reason: null });
  });

  it("when the MRZ names someone else, then the comparison fails and the outcome is REJECTED", () => {
    const checks = documentChecks(SUBMISSION, { ...PERSON, firstName: "Boris", lastName: "Petrov" }, TODAY, 18, new Set());
    expect(failed(checks)).to.deep.equal(["mrz_matches_submitted"]);
    expect(outcomeOf(checks).status).to.equal("REJECTED");
    expect(checks.find((c) => c.name === "mrz_matches_submitted")!.detail).to.equal("differs in name");
  });

  it("when only a risk check fails, then the outcome is MANUAL_REVIEW naming it", () => {
    const checks = documentChecks(SUBMISSION, { ...PERSON, country: "IR" }, TODAY, 18, new Set(["IR"]));
    expect(outcomeOf(checks)).to.deep.equal({ status: "MANUAL_REVIEW", reason: "Needs review: country_risk (high-risk jurisdiction: IR)" });
  });

  it("when names carry umlauts, then ICAO's transliteration spells them out as the MRZ does", () => {
    expect(icaoTransliteration("Jürgen Müller-Øster")).to.equal("JUErgen MUEller-OEster");
  });
});
