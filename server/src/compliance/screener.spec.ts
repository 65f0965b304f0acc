import { expect } from "chai";
import { DEMO_SDN } from "./demo-sdn-list";
import { normalizeName, tokenSimilarity } from "./name-match";
import { Screener } from "./screener";
import { parseCsv, parseSdn } from "./sdn-loader";

describe("sanctions list and screener", () => {
  const entries = parseSdn(DEMO_SDN);
  const screener = new Screener(entries);

  it("when an entry's remarks list digital currency addresses, then each is read with its currency, and entries without remarks of that kind have none", () => {
    expect(entries.find((e) => e.entryId === "90009")!.addresses).to.deep.equal([
      { currency: "ETH", address: "0x7e57000000000000000000000000000000d3a0" },
      { currency: "XBT", address: "1DemoXbtAddressNotReal00000000000" },
    ]);
    expect(entries.find((e) => e.entryId === "90001")!.addresses).to.deep.equal([]);
  });

  it("when the OFAC CSV files are parsed, then entries carry type, programs, remarks, aliases and countries, with -0- as empty", () => {
    const morales = entries.find((e) => e.entryId === "90001")!;
    expect(morales).to.deep.include({ name: "MORALES PEREZ, José Antonio", type: "individual", programs: ["SDNTK", "ILLICIT-DRUGS"], aliases: ["PEREZ, Pepe", "EL CONTADOR"], countries: ["Demoland"] });
    expect(entries.find((e) => e.entryId === "90003")).to.deep.include({ type: "entity", remarks: "Demo entry." });
    expect(entries.find((e) => e.entryId === "90007")!.remarks).to.equal('Demo entry, "quoted" remark.');
    expect(entries.find((e) => e.entryId === "90005")).to.deep.include({ type: "vessel", countries: [] });
  });

  it("when CSV has quoted commas, doubled quotes, CRLF and OFAC's trailing SUB character, then fields come out whole", () => {
    expect(parseCsv('1,"a, b","say ""hi"""\r\n2,-0-,x\r\n\x1a')).to.deep.equal([
      ["1", "a, b", 'say "hi"'],
      ["2", "-0-", "x"],
    ]);
  });

  it("when a name is screened without its accents, then the accented listing matches", () => {
    const [top] = screener.screen("Jurgen Friedrich Muller", 0.8);
    expect(top).to.deep.include({ entryId: "90002", matchedName: "MÜLLER, Jürgen Friedrich", score: 1 });
  });

  it("when a name is screened reordered and with a token missing, then it matches, ranked with its score", () => {
    const matches = screener.screen("Antonio Morales Perez", 0.8);
    expect(matches[0].entryId).to.equal("90001");
    expect(matches[0].score).to.be.within(0.85, 1);
  });

  it("when an alias is screened, then the entry matches through the alias", () => {
    expect(screener.screen("Juergen Mueller", 0.8)[0]).to.deep.include({ entryId: "90002", matchedName: "MUELLER, Juergen" });
    expect(screener.screen("Khaled Al Fakir", 0.8)[0]).to.deep.include({ entryId: "90004" });
  });

  it("when a company is screened with another legal form, then it matches", () => {
    expect(screener.screen("Orinoco Shipping Company", 0.8)[0]).to.deep.include({ entryId: "90003", score: 1 });
  });

  it("when an unrelated name or a lone common surname is screened, then nothing matches", () => {
    expect(screener.screen("Anna Maria Eriksson", 0.8)).to.deep.equal([]);
    expect(screener.screen("Morales", 0.8)).to.deep.equal([]);
  });

  it("when several entries match, then results are ranked by score and limited", () => {
    const matches = screener.screen("Jose Perez", 0.5, 3);
    expect(matches.length).to.be.at.most(3);
    expect(matches.map((m) => m.score)).to.deep.equal([...matches.map((m) => m.score)].sort((a, b) => b - a));
  });

  it("when the letter-count pruning skips names, then the results equal comparing with every name", () => {
    const tokens = entries.flatMap((e) => [e.name, ...e.aliases]).flatMap((n) => normalizeName(n));
    let seed = 42;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const mutate = (t: string) => (random() < 0.5 || t.length < 3 ? t : t.slice(0, 1) + t.slice(2));
    for (let i = 0; i < 300; i++) {
      const query = Array.from({ length: 1 + Math.floor(random() * 3) }, () => mutate(tokens[Math.floor(random() * tokens.length)])).join(" ");
      for (const threshold of [0.6, 0.8]) {
        const brute = entries
          .map((e) => ({ entryId: e.entryId, score: Math.max(...[e.name, ...e.aliases].map((n) => tokenSimilarity(normalizeName(query), normalizeName(n)))) }))
          .filter((m) => m.score >= threshold)
          .map((m) => m.entryId)
          .sort();
        expect(screener.screen(query, threshold, 100).map((m) => m.entryId).sort(), `${query} at ${threshold}`).to.deep.equal(brute);
      }
    }
  });
});
