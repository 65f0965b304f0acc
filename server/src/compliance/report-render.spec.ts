import { expect } from "chai";
import { parse as parseCsv } from "csv-parse/sync";
import { XMLParser } from "fast-xml-parser";
import { csvField, type ReportData, renderReport, xmlText } from "./report-render";

const base = { periodStart: new Date("2026-11-01T00:00:00Z"), periodEnd: new Date("2026-12-01T00:00:00Z"), generatedAt: new Date("2026-11-24T12:00:00Z") };
const CTR: ReportData = {
  ...base,
  type: "CTR",
  ctrFilings: [{ userId: "u1", personName: 'Anna "Nan" O\'Brien, Jr', country: "IE", businessDate: "2026-11-24", totalCashIn: "10500", totalCashOut: "0", transactionIds: ["TX-1", "TX-2", "TX-3"] }],
  sarFilings: [],
};
const SAR: ReportData = {
  ...base,
  type: "SAR",
  ctrFilings: [],
  sarFilings: [
    { id: "s1", userId: "u1", personName: "Anna <O&Brien>", sarNumber: "SAR-20261124-000001", rule: "STRUCTURING", riskScore: 80, description: "alert", narrative: "3 deposits,\r\nline two & <tags>", transactionIds: ["TX-1", "TX-2"], status: "SAR_FILED", createdAt: new Date("2026-11-24T10:00:00Z") },
  ],
};

describe("report rendering", () => {
  it("when a field holds a comma, quote or line break, then CSV quotes it and doubles quotes (RFC 4180)", () => {
    expect(csvField("plain")).to.equal("plain");
    expect(csvField('a,"b"')).to.equal('"a,""b"""');
    expect(csvField("x\ny")).to.equal('"x\ny"');
    expect(csvField(null)).to.equal("");
  });

  it("when a CTR report is rendered as CSV, then a standard CSV parser reads back every field exactly", () => {
    const csv = renderReport(CTR, "CSV");
    expect(csv.endsWith("\r\n")).to.equal(true);
    const records = parseCsv(csv, { columns: true }) as Array<Record<string, string>>;
    expect(records).to.deep.equal([
      { user_id: "u1", person_name: 'Anna "Nan" O\'Brien, Jr', country: "IE", business_date: "2026-11-24", total_cash_in: "10500", total_cash_out: "0", transaction_ids: "TX-1;TX-2;TX-3" },
    ]);
  });

  it("when a SAR report is rendered as CSV, then the narrative with its line break survives", () => {
    const [record] = parseCsv(renderReport(SAR, "CSV"), { columns: true }) as Array<Record<string, string>>;
    expect(record).to.deep.include({ sar_number: "SAR-20261124-000001", rule: "STRUCTURING", risk_score: "80", narrative: "3 deposits,\r\nline two & <tags>" });
  });

  it("when reports are rendered as XML, then an XML parser reads the batch, its activities and the escaped text", () => {
    const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === "fc2:Activity" || name === "fc2:TransactionIdentifierText" });
    const ctr = parser.parse(renderReport(CTR, "XML"))["fc2:EFilingBatchXML"];
    expect(ctr["@_FormTypeCode"]).to.equal("CTRX");
    expect(ctr["@_ActivityCount"]).to.equal("1");
    const activity = ctr["fc2:Activity"][0];
    expect(activity["fc2:CurrencyTransactionActivity"]["fc2:TotalCashInReceiveAmountText"]).to.equal("10500");
    expect(activity["fc2:CurrencyTransactionActivity"]["fc2:TransactionDateText"]).to.equal("20261124");
    expect(activity["fc2:CurrencyTransactionActivity"]["fc2:TransactionIdentifierText"]).to.deep.equal(["TX-1", "TX-2", "TX-3"]);
    const sar = parser.parse(renderReport(SAR, "XML"))["fc2:EFilingBatchXML"]["fc2:Activity"][0];
    expect(sar["fc2:FilingNumberText"]).to.equal("SAR-20261124-000001");
    expect(sar["fc2:Party"]["fc2:PartyName"]["fc2:RawEntityIndividualLastName"]).to.equal("<O&Brien>");
    expect(sar["fc2:ActivityNarrativeInformation"]["fc2:ActivityNarrativeText"]).to.contain("line two & <tags>");
  });

  it("when text holds characters XML cannot carry, then they are dropped and markup is escaped", () => {
    expect(xmlText("a\u0001b<&>\"'")).to.equal("ab&lt;&amp;&gt;&quot;&apos;");
  });

  it("when rendered as JSON, then the filings and the period come back from JSON.parse", () => {
    const parsed = JSON.parse(renderReport(SAR, "JSON"));
    expect(parsed).to.deep.include({ type: "SAR", periodStart: "2026-11-01T00:00:00.000Z" });
    expect(parsed.filings[0]).to.deep.include({ sarNumber: "SAR-20261124-000001", createdAt: "2026-11-24T10:00:00.000Z" });
  });
});
