import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { parseEuConsolidated, parseSdnXml, parseUkSanctionsList, parseUnConsolidated } from "./list-loaders";
import { Screener } from "./screener";

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, "../../test/fixtures/sanctions", name), "utf8");

describe("sanctions list loaders: OFAC's SDN XML, the UN and EU consolidated lists, the UK Sanctions List", () => {
  it("when OFAC's SDN XML is read, then names come as 'SURNAME, Given', with programs, aliases, countries and the listed digital currency address", () => {
    const entries = parseSdnXml(fixture("sdn.xml"));
    expect(entries.map((e) => [e.entryId, e.name, e.type])).to.deep.equal([
      ["880001", "PETRASHEVSKY, Radomir Ilyich", "individual"],
      ["880002", "CORVINA LOGISTICS FZE", "entity"],
    ]);
    expect(entries[0]).to.deep.include({ programs: ["CYBER2"], aliases: ["PETRASHEVSKI, Radomir"], countries: ["Demoland"], addresses: [{ currency: "ETH", address: "0x5a1e000000000000000000000000000000c0de" }] });
    expect(entries[1]).to.deep.include({ programs: ["SDGT", "IRGC"], aliases: [], addresses: [] });
    expect(new Screener(entries).screen("Radomir Petrashevsky", 0.8)[0]).to.deep.include({ entryId: "880001" });
  });

  it("when the UN Security Council's consolidated XML is read, then individuals and entities come with their reference number, names, aliases, regime and countries", () => {
    const entries = parseUnConsolidated(fixture("un-consolidated.xml"));
    expect(entries.map((e) => [e.entryId, e.name, e.type])).to.deep.equal([
      ["DMi.001", "TOMASZ WIKTOR KRAWCZYKOWSKI", "individual"],
      ["DMe.001", "BLUE LANTERN TRADING COMPANY", "entity"],
    ]);
    expect(entries[0]).to.deep.include({ listName: "UN-SC", programs: ["DemoRegime"], remarks: "Invented entry for tests.", aliases: ["Tomek Krawczykowski", "The Accountant of Vistula"], countries: ["Demoland"] });
    expect(entries[1]).to.deep.include({ aliases: ["Blue Lantern Trading LLC"], countries: ["Utopia"], remarks: null });
    const matches = new Screener(entries).screen("Tomasz Krawczykowski", 0.8);
    expect(matches[0]).to.deep.include({ listName: "UN-SC", entryId: "DMi.001" });
  });

  it("when the EU's consolidated XML (namespaced, attribute-based) is read, then the first name alias is the name, the others aliases, with programme and ISO countries", () => {
    const entries = parseEuConsolidated(fixture("eu-consolidated.xml"));
    expect(entries.map((e) => [e.entryId, e.name, e.type])).to.deep.equal([
      ["EU.9001.01", "Margarethe Vöglinger-Strauss", "individual"],
      ["EU.9002.02", "Nordlicht Kapital GmbH", "entity"],
    ]);
    expect(entries[0]).to.deep.include({ listName: "EU-FSF", programs: ["DEMO"], aliases: ["Greta Voeglinger"], countries: ["AT"] });
    expect(entries[1].countries).to.deep.equal(["DE"]);
    const screener = new Screener(entries);
    expect(screener.screen("Margarethe Voglinger Strauss", 0.8)[0]).to.deep.include({ entryId: "EU.9001.01" });
    expect(screener.screen("Nordlicht Kapital AG", 0.8)[0]).to.deep.include({ entryId: "EU.9002.02" });
  });

  it("when the FCDO's UK Sanctions List XML is read, then Name1..Name6 make the name, the Primary Name is the name and variations and aliases its aliases, with regime, type and countries", () => {
    const entries = parseUkSanctionsList(fixture("uk-sanctions-list.xml"));
    expect(entries.map((e) => [e.entryId, e.name, e.type])).to.deep.equal([
      ["DMO0001", "Aldous Peregrine FENWICK-HARGREAVE", "individual"],
      ["DMO0002", "GREYWATER COMMODITIES LIMITED", "entity"],
      ["DMO0003", "NORTHERN DEMO STAR", "vessel"],
    ]);
    expect(entries[0]).to.deep.include({ listName: "UK-FCDO", programs: ["Demoland"], remarks: "Invented entry for tests.", aliases: ["Aldous FENWICK HARGREAVES", "THE DEMO BROKER"], countries: ["Demoland"], addresses: [] });
    expect(entries[1]).to.deep.include({ aliases: ["GREYWATER TRADING"], countries: ["Utopia"], remarks: null });
    const screener = new Screener(entries);
    expect(screener.screen("Aldous Fenwick Hargreave", 0.8)[0]).to.deep.include({ listName: "UK-FCDO", entryId: "DMO0001" });
    expect(screener.screen("Greywater Commodities Ltd", 0.8)[0]).to.deep.include({ entryId: "DMO0002" });
  });
});
