import { expect } from "chai";
import { jaro, jaroWinkler, normalizeName, tokenSimilarity } from "./name-match";

const round3 = (x: number) => Math.round(x * 1000) / 1000;

describe("name matching", () => {
  it("when the classic pairs are compared, then Jaro-Winkler gives the published values", () => {
    expect(round3(jaroWinkler("MARTHA", "MARHTA"))).to.equal(0.961);
    expect(round3(jaroWinkler("DWAYNE", "DUANE"))).to.equal(0.84);
    expect(round3(jaroWinkler("DIXON", "DICKSONX"))).to.equal(0.813);
    expect(round3(jaro("MARTHA", "MARHTA"))).to.equal(0.944);
  });

  it("when strings are equal, empty or share nothing, then the score is 1, 0 and 0", () => {
    expect(jaroWinkler("ANNA", "ANNA")).to.equal(1);
    expect(jaroWinkler("", "ANNA")).to.equal(0);
    expect(jaroWinkler("ABC", "XYZ")).to.equal(0);
    expect(jaroWinkler("DUANE", "DWAYNE")).to.equal(jaroWinkler("DWAYNE", "DUANE"));
  });

  it("when names are normalised, then case, diacritics, punctuation, legal forms and 'SURNAME, Given' order go", () => {
    expect(normalizeName("MÜLLER, Jürgen")).to.deep.equal(["JURGEN", "MULLER"]);
    expect(normalizeName("Søren Ærø Straße")).to.deep.equal(["SOREN", "AERO", "STRASSE"]);
    expect(normalizeName("O'Connell-Vance, Mary")).to.deep.equal(["MARY", "OCONNELL", "VANCE"]);
    expect(normalizeName("ORINOCO SHIPPING CO., LTD.")).to.deep.equal(["ORINOCO", "SHIPPING"]);
    expect(normalizeName("Orinoco Shipping Company Limited")).to.deep.equal(["ORINOCO", "SHIPPING"]);
    expect(normalizeName("  ")).to.deep.equal([]);
  });

  it("when tokens come in another order, then the score is the same", () => {
    const listed = normalizeName("ERIKSSON, Anna Maria");
    expect(tokenSimilarity(normalizeName("Anna Maria Eriksson"), listed)).to.equal(1);
    expect(tokenSimilarity(normalizeName("Maria Eriksson Anna"), listed)).to.equal(1);
  });

  it("when a token is missing, then the score drops a little; when most are missing, it drops below a match", () => {
    const listed = normalizeName("MORALES PEREZ, Jose Antonio");
    const oneMissing = tokenSimilarity(normalizeName("Jose Morales Perez"), listed);
    const surnameOnly = tokenSimilarity(normalizeName("Morales"), listed);
    expect(oneMissing).to.be.within(0.85, 0.95);
    expect(surnameOnly).to.be.at.most(0.7);
  });

  it("when a name is misspelt, then it still scores high, and a different person scores low", () => {
    const listed = normalizeName("AL-FAKHIR, Khalid Mahmoud");
    expect(tokenSimilarity(normalizeName("Khaled Mahmud Al Fakhir"), listed)).to.be.above(0.85);
    expect(tokenSimilarity(normalizeName("Anna Maria Eriksson"), listed)).to.be.below(0.6);
  });
});
