import { expect } from "chai";
import { checkDigit, mrzDate, parseTd3 } from "./mrz";

// The specimen passport of ICAO Doc 9303 part 4 (Anna Maria Eriksson, Utopia).
const LINE1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
const LINE2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

function failing(line2: string): string[] {
  const parsed = parseTd3(`${LINE1}\n${line2}`);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.checks.filter((check) => !check.valid).map((check) => check.field);
}

describe("ICAO 9303 TD3 machine-readable zone", () => {
  it("when the specimen passport is parsed, then every field reads as printed and every check digit passes", () => {
    const parsed = parseTd3(`${LINE1}\n${LINE2}`);
    expect(parsed.ok).to.equal(true);
    if (!parsed.ok) return;
    expect(parsed.mrz).to.deep.equal({
      documentCode: "P",
      issuingState: "UTO",
      surname: "ERIKSSON",
      givenNames: "ANNA MARIA",
      documentNumber: "L898902C3",
      nationality: "UTO",
      birthDate: "740812",
      sex: "F",
      expiryDate: "120415",
      optionalData: "ZE184226B",
    });
    expect(parsed.checks.map((c) => [c.field, c.actual, c.valid])).to.deep.equal([
      ["documentNumber", "6", true],
      ["birthDate", "2", true],
      ["expiryDate", "9", true],
      ["optionalData", "1", true],
      ["composite", "0", true],
    ]);
  });

  it("when the 7-3-1 weights are applied, then letters count 10-35 and fillers 0", () => {
    expect(checkDigit("L898902C3")).to.equal("6");
    expect(checkDigit("740812")).to.equal("2");
    expect(checkDigit("<<<<<<")).to.equal("0");
  });

  it("when one character of a field changes, then that field's check digit and the composite fail, and no other", () => {
    expect(failing(LINE2.replace("L898902C3", "L898902C4"))).to.deep.equal(["documentNumber", "composite"]);
    expect(failing(LINE2.replace("7408122", "7408132"))).to.deep.equal(["birthDate", "composite"]);
    expect(failing(LINE2.replace("1204159", "1204169"))).to.deep.equal(["expiryDate", "composite"]);
    expect(failing(LINE2.replace("ZE184226B", "ZE184227B"))).to.deep.equal(["optionalData", "composite"]);
  });

  it("when only a check digit or the composite digit changes, then only that check fails", () => {
    expect(failing(LINE2.replace("L898902C36", "L898902C37"))).to.deep.equal(["documentNumber", "composite"]);
    expect(failing(LINE2.slice(0, 43) + "1")).to.deep.equal(["composite"]);
    // Sex and nationality are covered by no check digit at all: a change there passes them all.
    expect(failing(LINE2.replace("2F1", "2M1"))).to.deep.equal([]);
  });

  it("when the zone is malformed, then it is refused with a reason", () => {
    expect(parseTd3(LINE1)).to.deep.include({ ok: false });
    expect(parseTd3(`${LINE1}\n${LINE2.slice(1)}`)).to.deep.include({ ok: false });
    expect(parseTd3(`${LINE1}\n${LINE2.replace("L", "l").replace("8", "$")}`)).to.deep.include({ ok: false });
    expect(parseTd3(`I${LINE1.slice(1)}\n${LINE2}`)).to.deep.include({ ok: false });
  });

  it("when the two lines come run together, then they parse the same", () => {
    expect(parseTd3(LINE1 + LINE2)).to.deep.equal(parseTd3(`${LINE1}\r\n${LINE2}`));
  });

  it("when six-digit dates are read, then birth dates are never in the future and expiries are in this century", () => {
    const today = new Date("2026-11-24T00:00:00Z");
    expect(mrzDate("740812", "birth", today)).to.equal("1974-08-12");
    expect(mrzDate("050101", "birth", today)).to.equal("2005-01-01");
    expect(mrzDate("301231", "birth", today)).to.equal("1930-12-31");
    expect(mrzDate("301231", "expiry", today)).to.equal("2030-12-31");
    expect(mrzDate("120231", "expiry", today)).to.equal(null);
  });
});
