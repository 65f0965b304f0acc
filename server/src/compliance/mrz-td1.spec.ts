import { expect } from "chai";
import { parseTd1 } from "./mrz-td1";

// ICAO Doc 9303 part 5, appendix A: the specimen identity card of Anna Maria Eriksson, Utopia.
const SPECIMEN = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"];

describe("TD1 machine-readable zone (identity cards)", () => {
  it("when ICAO's specimen is parsed, then every check digit verifies and the fields are read", () => {
    const parsed = parseTd1(SPECIMEN.join("\n"));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.checks.map((c) => [c.field, c.valid])).to.deep.equal([
      ["documentNumber", true],
      ["birthDate", true],
      ["expiryDate", true],
      ["composite", true],
    ]);
    expect(parsed.mrz).to.deep.include({ documentCode: "I", issuingState: "UTO", documentNumber: "D23145890", birthDate: "740812", sex: "F", expiryDate: "120415", nationality: "UTO", surname: "ERIKSSON", givenNames: "ANNA MARIA" });
  });

  it("when one digit of the document number changes, then its check digit and the composite fail, and nothing else", () => {
    const parsed = parseTd1([SPECIMEN[0].replace("D2314", "D2315"), SPECIMEN[1], SPECIMEN[2]].join("\n"));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.checks.filter((c) => !c.valid).map((c) => c.field)).to.deep.equal(["documentNumber", "composite"]);
  });

  it("when the birth date's check digit is wrong, then that check fails naming printed and computed digits", () => {
    const parsed = parseTd1([SPECIMEN[0], SPECIMEN[1].replace("7408122", "7408123"), SPECIMEN[2]].join("\n"));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.checks.find((c) => c.field === "birthDate")).to.deep.include({ valid: false, actual: "3", expected: "2" });
  });

  it("when the lines are not three of thirty, or it is a passport's zone, then it is refused", () => {
    expect(parseTd1(SPECIMEN.slice(0, 2).join("\n")).ok).to.equal(false);
    expect(parseTd1(["P" + SPECIMEN[0].slice(1), SPECIMEN[1], SPECIMEN[2]].join("\n")).ok).to.equal(false);
  });
});
