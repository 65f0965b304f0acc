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

  describe("driving licences: not expired, at most 15 years ahead, 4 to 20 letters and digits; never VERIFIED", () => {
    const LICENCE = { documentType: "DRIVERS_LICENSE" as const, documentNumber: "AB12345", issuingCountry: "GB", nationality: "GB", dateOfBirth: "1974-08-12", expiryDate: "2030-01-31", mrz: null };
    const outcome = (changes: Partial<typeof LICENCE>) => {
      const checks = documentChecks({ ...LICENCE, ...changes }, PERSON, TODAY, 18, new Set());
      return { status: outcomeOf(checks).status, failed: failed(checks) };
    };

    it("when a plausible licence is submitted, then only the missing machine-readable zone fails: a person compares it", () => {
      expect(outcome({})).to.deep.equal({ status: "MANUAL_REVIEW", failed: ["document_verified_by_mrz"] });
    });

    it("when its expiry is past or today, then it is REJECTED", () => {
      expect(outcome({ expiryDate: "2026-11-24" })).to.deep.include({ status: "REJECTED" });
      expect(outcome({ expiryDate: "2020-01-01" }).failed).to.include("document_not_expired");
    });

    it("when its expiry is more than 15 years ahead (9999-12-31 included), then it goes to review flagged implausible; exactly 15 years is plausible", () => {
      expect(outcome({ expiryDate: "9999-12-31" })).to.deep.equal({ status: "MANUAL_REVIEW", failed: ["document_verified_by_mrz", "document_expiry_plausible"] });
      expect(outcome({ expiryDate: "2041-11-25" }).failed).to.include("document_expiry_plausible");
      expect(outcome({ expiryDate: "2041-11-24" }).failed).to.deep.equal(["document_verified_by_mrz"]);
    });

    it("when its number is not 4 to 20 letters and digits (a hyphen, 3 or 21 characters), then it is REJECTED; 4 and 20 pass, spaces are dropped", () => {
      for (const documentNumber of ["AB-1234", "AB1", "A".repeat(21), "AB12/34"]) {
        expect(outcome({ documentNumber }), documentNumber).to.deep.equal({ status: "REJECTED", failed: ["document_number_format", "document_verified_by_mrz"] });
      }
      for (const documentNumber of ["AB12", "A1".repeat(10), "ab 12 34"]) expect(outcome({ documentNumber }).failed, documentNumber).to.deep.equal(["document_verified_by_mrz"]);
    });
  });
});
