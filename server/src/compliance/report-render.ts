/**
 * Renders CTR and SAR filings as JSON, CSV (RFC 4180) and XML. The XML follows the layout of
 * FinCEN's BSA E-Filing batch (EFilingBatchXML > Activity > Party / activity detail /
 * narrative) so it reads familiarly to a BSA officer; it is a model of that structure, not a
 * certified filing: element codes and validation rules of the real schema are not all applied.
 */
import { csvField, xmlText } from "../infra/documents";

export { csvField, xmlText };

export interface CtrFilingData {
  userId: string;
  personName: string;
  country: string | null;
  businessDate: string;
  totalCashIn: string;
  totalCashOut: string;
  transactionIds: string[];
}

export interface SarFilingData {
  id: string;
  userId: string;
  personName: string;
  sarNumber: string | null;
  rule: string;
  riskScore: number;
  description: string;
  /** The officer's SAR narrative: what the filing tells FinCEN. */
  narrative: string;
  transactionIds: string[];
  status: string;
  createdAt: Date;
}

export interface ReportData {
  type: "CTR" | "SAR";
  periodStart: Date;
  periodEnd: Date;
  generatedAt: Date;
  ctrFilings: CtrFilingData[];
  sarFilings: SarFilingData[];
}

export type ReportFormatName = "JSON" | "CSV" | "XML";

export function renderReport(report: ReportData, format: ReportFormatName): string {
  if (format === "JSON") return renderJson(report);
  if (format === "CSV") return renderCsv(report);
  return renderXml(report);
}

function renderJson(report: ReportData): string {
  const filings = report.type === "CTR" ? report.ctrFilings : report.sarFilings.map((s) => ({ ...s, createdAt: s.createdAt.toISOString() }));
  return JSON.stringify(
    { type: report.type, periodStart: report.periodStart.toISOString(), periodEnd: report.periodEnd.toISOString(), generatedAt: report.generatedAt.toISOString(), filings },
    null,
    2,
  );
}

function renderCsv(report: ReportData): string {
  const rows: Array<Array<string | number | null>> =
    report.type === "CTR"
      ? [
          ["user_id", "person_name", "country", "business_date", "total_cash_in", "total_cash_out", "transaction_ids"],
          ...report.ctrFilings.map((c) => [c.userId, c.personName, c.country, c.businessDate, c.totalCashIn, c.totalCashOut, c.transactionIds.join(";")]),
        ]
      : [
          ["sar_number", "user_id", "person_name", "rule", "risk_score", "status", "created_at", "transaction_ids", "narrative"],
          ...report.sarFilings.map((s) => [s.sarNumber, s.userId, s.personName, s.rule, s.riskScore, s.status, s.createdAt.toISOString(), s.transactionIds.join(";"), s.narrative]),
        ];
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

const el = (name: string, value: string | number, indent: string) => `${indent}<fc2:${name}>${xmlText(String(value))}</fc2:${name}>`;
const compactDate = (iso: string) => iso.slice(0, 10).replace(/-/g, "");

function party(seq: () => number, userId: string, personName: string, indent: string): string[] {
  const [first, ...rest] = personName.split(" ");
  return [
    `${indent}<fc2:Party SeqNum="${seq()}">`,
    el("ActivityPartyTypeCode", 50, `${indent}  `),
    `${indent}  <fc2:PartyName SeqNum="${seq()}">`,
    el("RawEntityIndividualLastName", rest.join(" ") || first, `${indent}    `),
    el("RawIndividualFirstName", rest.length ? first : "", `${indent}    `),
    `${indent}  </fc2:PartyName>`,
    `${indent}  <fc2:PartyIdentification SeqNum="${seq()}">`,
    el("PartyIdentificationNumberText", userId, `${indent}    `),
    el("PartyIdentificationTypeCode", 14, `${indent}    `),
    `${indent}  </fc2:PartyIdentification>`,
    `${indent}</fc2:Party>`,
  ];
}

function renderXml(report: ReportData): string {
  let counter = 0;
  const seq = () => ++counter;
  const activities: string[] = [];
  if (report.type === "CTR") {
    for (const c of report.ctrFilings) {
      activities.push(
        `  <fc2:Activity SeqNum="${seq()}">`,
        ...party(seq, c.userId, c.personName, "    "),
        `    <fc2:CurrencyTransactionActivity SeqNum="${seq()}">`,
        el("TotalCashInReceiveAmountText", c.totalCashIn, "      "),
        el("TotalCashOutAmountText", c.totalCashOut, "      "),
        el("TransactionDateText", compactDate(c.businessDate), "      "),
        ...c.transactionIds.map((id) => el("TransactionIdentifierText", id, "      ")),
        `    </fc2:CurrencyTransactionActivity>`,
        `  </fc2:Activity>`,
      );
    }
  } else {
    for (const s of report.sarFilings) {
      activities.push(
        `  <fc2:Activity SeqNum="${seq()}">`,
        el("FilingNumberText", s.sarNumber ?? "", "    "),
        ...party(seq, s.userId, s.personName, "    "),
        `    <fc2:SuspiciousActivity SeqNum="${seq()}">`,
        el("SuspiciousActivityFromDateText", compactDate(s.createdAt.toISOString()), "      "),
        `      <fc2:SuspiciousActivityClassification SeqNum="${seq()}">`,
        el("SuspiciousActivitySubtypeText", s.rule, "        "),
        el("RiskScoreText", s.riskScore, "        "),
        `      </fc2:SuspiciousActivityClassification>`,
        ...s.transactionIds.map((id) => el("TransactionIdentifierText", id, "      ")),
        `    </fc2:SuspiciousActivity>`,
        `    <fc2:ActivityNarrativeInformation SeqNum="${seq()}">`,
        el("ActivityNarrativeSequenceNumber", 1, "      "),
        el("ActivityNarrativeText", s.narrative, "      "),
        `    </fc2:ActivityNarrativeInformation>`,
        `  </fc2:Activity>`,
      );
    }
  }
  const count = report.type === "CTR" ? report.ctrFilings.length : report.sarFilings.length;
  const attributes = [
    `xmlns:fc2="www.fincen.gov/base"`,
    `FormTypeCode="${report.type === "CTR" ? "CTRX" : "SARX"}"`,
    `ActivityCount="${count}"`,
    `PeriodStart="${report.periodStart.toISOString()}"`,
    `PeriodEnd="${report.periodEnd.toISOString()}"`,
    `GeneratedAt="${report.generatedAt.toISOString()}"`,
  ].join(" ");
  return [`<?xml version="1.0" encoding="UTF-8"?>`, `<fc2:EFilingBatchXML ${attributes}>`, ...activities, `</fc2:EFilingBatchXML>`, ""].join("\n");
}
