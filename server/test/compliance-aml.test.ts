import { expect } from "chai";
import { parse as parseCsv } from "csv-parse/sync";
import { XMLParser } from "fast-xml-parser";
import type { RunningServer } from "../src/app/server";
import { Role } from "../src/identity";
import { parseFixed } from "../src/infra/fixed";
import { topics } from "../src/infra/pubsub";
import { passportFor, submitKyc } from "./compliance-helpers";
import { bearer, codeOf, gql, grantRole, registerUser, startTestServer, type TestUser } from "./helpers";

const DEPOSIT = `mutation ($p: ID!, $a: Decimal!) { deposit(portfolioId: $p, amount: $a) { transactionId } }`;
const WITHDRAW = `mutation ($p: ID!, $a: Decimal!) { withdraw(portfolioId: $p, amount: $a) { transactionId } }`;
const ACTIVITIES = `{ suspiciousActivities(first: 50) { edges { node { id userId sarNumber rule riskScore description transactionIds status caseStatus createdAt } } } }`;
const REPORT = `query ($t: ReportType!, $from: DateTime!, $to: DateTime!, $f: ReportFormat!) {
  report(type: $t, from: $from, to: $to) {
    type periodStart periodEnd generatedAt
    ctrFilings { userId businessDate totalCashIn totalCashOut transactionIds }
    sarFilings { id userId sarNumber rule riskScore description transactionIds status createdAt }
    content(format: $f)
  }
}`;

const DAY = 86_400_000;
const midnight = (offsetDays = 0) => new Date(Math.floor(Date.now() / DAY) * DAY + offsetDays * DAY);

interface Customer extends TestUser {
  portfolios: string[];
}

describe("compliance: AML monitoring and CTR/SAR reports", () => {
  let server: RunningServer;
  let officer: TestUser;

  /** A verified customer with two portfolios: cash is aggregated across them. */
  async function customer(overrides: Record<string, unknown> = {}): Promise<Customer> {
    const user = await registerUser(server, overrides);
    const submitted = (await submitKyc(server, user.accessToken, passportFor("Test", "User"))).data!.submitKyc;
    if (submitted.status === "MANUAL_REVIEW") {
      await gql(server, `mutation ($i: KycDecisionInput!) { decideKyc(input: $i) { status } }`, { i: { verificationId: submitted.id, approve: true, reason: "reviewed for the test" } }, bearer(officer.accessToken));
    }
    const portfolios: string[] = [];
    for (const name of ["cash a", "cash b"]) {
      portfolios.push((await gql(server, `mutation ($n: String!) { createPortfolio(input: { name: $n }) { id } }`, { n: name }, bearer(user.accessToken))).data!.createPortfolio.id);
    }
    return { ...user, portfolios };
  }

  async function move(who: Customer, mutation: string, amount: string, portfolio = 0): Promise<string> {
    const response = await gql(server, mutation, { p: who.portfolios[portfolio], a: amount }, bearer(who.accessToken));
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return (response.data!.deposit ?? response.data!.withdraw).transactionId;
  }

  /** Moves a recorded movement back in time, as if it had been made `days` business days ago. */
  async function backdate(transactionId: string, days: number): Promise<void> {
    await server.database.dataSource.query(`UPDATE transactions SET created_at = created_at - make_interval(days => $2) WHERE transaction_id = $1`, [transactionId, days]);
  }

  /** The level as stored: customers never see it (tipping-off), so tests read the row. */
  const riskLevelOf = async (userId: string) =>
    ((await server.database.dataSource.query(`SELECT aml_risk_level FROM users WHERE id = $1`, [userId])) as Array<{ aml_risk_level: string }>)[0].aml_risk_level;
  const activitiesOf = async (userId: string) =>
    (await gql(server, ACTIVITIES, {}, bearer(officer.accessToken))).data!.suspiciousActivities.edges.map((e: { node: any }) => e.node).filter((a: { userId: string }) => a.userId === userId);

  const report = async (type: "CTR" | "SAR", from: Date, to: Date, format = "JSON") => {
    const response = await gql(server, REPORT, { t: type, from: from.toISOString(), to: to.toISOString(), f: format }, bearer(officer.accessToken));
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data!.report;
  };

  before(async () => {
    server = await startTestServer({ KYC_UNVERIFIED_DEPOSIT_LIMIT: undefined, KYC_UNVERIFIED_TRADE_NOTIONAL: undefined, RATE_LIMIT_CAPACITY: "100000", RATE_LIMIT_RESTORE_PER_SECOND: "100000" });
    officer = await registerUser(server, { firstName: "Olive", lastName: "Officer" });
    await grantRole(server, officer.email, Role.COMPLIANCE_OFFICER);
  });
  after(() => server?.stop());

  it("when three deposits on one day, across portfolios, pass 10,000 together, then one CTR is filed with all three, and the report carries it", async () => {
    const alice = await customer();
    const ids = [await move(alice, DEPOSIT, "4000"), await move(alice, DEPOSIT, "3500", 1), await move(alice, DEPOSIT, "3000")];
    const ctr = await report("CTR", midnight(), midnight(1));
    const filing = ctr.ctrFilings.find((f: { userId: string }) => f.userId === alice.id);
    expect(filing).to.deep.include({ businessDate: midnight().toISOString().slice(0, 10), totalCashIn: "10500", totalCashOut: "0" });
    expect(filing.transactionIds).to.have.members(ids);
    // Three deposits on one day are not structuring: the CTR reports them.
    expect((await activitiesOf(alice.id)).map((a: { rule: string }) => a.rule)).not.to.include("STRUCTURING");
    const ctrEvents = async () =>
      (await server.database.dataSource.query(`SELECT event_type FROM audit_logs WHERE event_type LIKE 'compliance.ctr_%' AND user_id = $1 ORDER BY seq`, [alice.id])).map((r: { event_type: string }) => r.event_type);
    // Filed when the third deposit passed the threshold; the sweep finds nothing new to file.
    expect(await ctrEvents()).to.deep.equal(["compliance.ctr_filed"]);
    await server.services.compliance.aml.sweep();
    expect(await ctrEvents()).to.deep.equal(["compliance.ctr_filed"]);
    await move(alice, WITHDRAW, "100");
    expect(await ctrEvents()).to.deep.equal(["compliance.ctr_filed", "compliance.ctr_updated"]);
  });

  it("when the same three amounts are deposited on three days, then no CTR is filed, but structuring opens a case (no SAR number before filing) and the risk level rises", async () => {
    const bob = await customer();
    const first = await move(bob, DEPOSIT, "4000");
    await backdate(first, 2);
    const second = await move(bob, DEPOSIT, "3500", 1);
    await backdate(second, 1);
    const third = await move(bob, DEPOSIT, "3000");
    const ctr = await report("CTR", midnight(-3), midnight(1));
    expect(ctr.ctrFilings.filter((f: { userId: string }) => f.userId === bob.id)).to.deep.equal([]);
    const [structuring] = await activitiesOf(bob.id);
    expect(structuring).to.deep.include({ rule: "STRUCTURING", riskScore: 80, status: "OPEN" });
    expect(structuring.sarNumber).to.equal(null);
    expect(structuring.transactionIds).to.have.members([first, second, third]);
    expect(structuring.description).to.contain("10500 USD over 3 business days");
    expect(await riskLevelOf(bob.id)).to.equal("HIGH");
    // Tipping-off: the customer is never told.
    expect((await gql(server, `{ me { amlRiskLevel } }`, {}, bearer(bob.accessToken))).data!.me.amlRiskLevel).to.equal(null);
  });

  it("when two deposits land just under the threshold, then structuring is flagged once, however often the rule runs again", async () => {
    const carol = await customer();
    await move(carol, DEPOSIT, "9500");
    await move(carol, DEPOSIT, "9800");
    await move(carol, DEPOSIT, "100");
    await server.services.compliance.aml.sweep();
    const hits = (await activitiesOf(carol.id)).filter((a: { rule: string }) => a.rule === "STRUCTURING");
    expect(hits).to.have.length(1);
    expect(hits[0].description).to.contain("just under");
  });

  it("when a deposit mostly leaves again within the window with no trading, then rapid in-and-out is flagged", async () => {
    const dave = await customer();
    const deposit = await move(dave, DEPOSIT, "5000");
    const withdrawal = await move(dave, WITHDRAW, "4900");
    const hits = (await activitiesOf(dave.id)).filter((a: { rule: string }) => a.rule === "RAPID_IN_OUT");
    expect(hits).to.have.length(1);
    expect(hits[0].transactionIds).to.have.members([deposit, withdrawal]);
    expect(hits[0]).to.deep.include({ sarNumber: null, caseStatus: "OPEN" });
  });

  it("when a customer resident in a high-risk country deposits, then the jurisdiction rule fires", async () => {
    const erin = await customer({ country: "KP" });
    await move(erin, DEPOSIT, "900");
    await move(erin, DEPOSIT, "100");
    expect(await activitiesOf(erin.id)).to.deep.equal([]);
    await move(erin, DEPOSIT, "1500");
    const [hit] = await activitiesOf(erin.id);
    expect(hit).to.deep.include({ rule: "HIGH_RISK_JURISDICTION", riskScore: 60 });
    expect(hit.description).to.contain("KP");
    expect(await riskLevelOf(erin.id)).to.equal("MEDIUM");
    expect((await gql(server, `{ me { amlRiskLevel } }`, {}, bearer(erin.accessToken))).data!.me.amlRiskLevel, "never shown to the customer").to.equal(null);
  });

  it("when a trader tied to a high-risk country trades, then the jurisdiction rule fires on the fill after the commit", async () => {
    // Trade at the reference price, whatever the market data holds for AMZN now.
    if (!server.services.marketData.lastPrice("AMZN")) {
      await server.pubsub.publish(topics.quotes("AMZN"), { symbol: "AMZN", bid: null, ask: null, last: "100", timestamp: new Date().toISOString() });
      while (!server.services.marketData.lastPrice("AMZN")) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const price = server.services.marketData.lastPrice("AMZN")!;
    const seller = await customer();
    await move(seller, DEPOSIT, "9999");
    await server.services.ledger.applyFill({ portfolioId: seller.portfolios[0], userId: seller.id, symbol: "AMZN", assetName: "AMZN", side: "BUY", quantity: parseFixed("50"), price: parseFixed("90"), fee: 0n, reference: { seed: "test" } });
    const buyer = await customer({ country: "IR" });
    await move(buyer, DEPOSIT, "9000");
    const PLACE = `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { id status } }`;
    const order = (who: Customer, side: string) => ({ i: { portfolioId: who.portfolios[0], symbol: "AMZN", side, type: "LIMIT", timeInForce: "IOC", quantity: "20", limitPrice: price } });
    const sell = await gql(server, PLACE, { i: { ...order(seller, "SELL").i, timeInForce: "GTC" } }, bearer(seller.accessToken));
    expect(sell.errors).to.equal(undefined);
    const buy = await gql(server, PLACE, order(buyer, "BUY"), bearer(buyer.accessToken));
    expect(buy.errors, JSON.stringify(buy.errors)).to.equal(undefined);
    expect(buy.data!.placeOrder.status).to.equal("FILLED");
    await server.services.compliance.aml.idle();
    // The deposit's alert opened the case; the fill's, same customer and rule, joined it.
    const hits = (await activitiesOf(buyer.id)).filter((a: { rule: string }) => a.rule === "HIGH_RISK_JURISDICTION");
    expect(hits).to.have.length(1);
    expect(hits[0]).to.deep.include({ riskScore: 60, caseStatus: "OPEN" });
    const tradeLines = hits[0].description.split("\n").filter((line: string) => line.startsWith("trade"));
    expect(tradeLines).to.have.length(1);
    expect(tradeLines[0]).to.contain("IR");
    const [fill] = await server.database.dataSource.query(`SELECT f.id FROM fills f JOIN orders o ON o.id = f.order_id WHERE o.id = $1`, [buy.data!.placeOrder.id]);
    expect(hits[0].transactionIds).to.include(fill.id);
    // The seller is tied to no high-risk country: nothing about them.
    expect((await activitiesOf(seller.id)).filter((a: { rule: string }) => a.rule === "HIGH_RISK_JURISDICTION")).to.deep.equal([]);
  });

  it("when more than ten cash movements happen within an hour, then velocity is flagged", async () => {
    const frank = await customer();
    for (let i = 0; i < 11; i++) await move(frank, DEPOSIT, "10");
    expect((await activitiesOf(frank.id)).map((a: { rule: string }) => a.rule)).to.deep.equal(["VELOCITY"]);
  });

  it("when CTR and SAR reports are rendered as CSV and XML, then a CSV parser and an XML parser read back the same filings, and generating them is audited", async () => {
    const gina = await customer();
    const ids = [await move(gina, DEPOSIT, "6000"), await move(gina, DEPOSIT, "6000", 1), await move(gina, WITHDRAW, "500")];
    await move(gina, DEPOSIT, "9500");
    await move(gina, DEPOSIT, "9999");
    const from = midnight();
    const to = midnight(1);

    const csv = parseCsv((await report("CTR", from, to, "CSV")).content, { columns: true }) as Array<Record<string, string>>;
    const row = csv.find((r) => r.user_id === gina.id)!;
    expect(row).to.deep.include({ person_name: "Test User", business_date: from.toISOString().slice(0, 10), total_cash_in: "31499", total_cash_out: "500" });
    expect(row.transaction_ids.split(";")).to.include.members(ids);

    const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => ["fc2:Activity", "fc2:TransactionIdentifierText"].includes(name) });
    const ctrXml = parser.parse((await report("CTR", from, to, "XML")).content)["fc2:EFilingBatchXML"];
    expect(ctrXml["@_FormTypeCode"]).to.equal("CTRX");
    const activity = ctrXml["fc2:Activity"].find((a: any) => a["fc2:Party"]["fc2:PartyIdentification"]["fc2:PartyIdentificationNumberText"] === gina.id);
    expect(activity["fc2:CurrencyTransactionActivity"]).to.deep.include({ "fc2:TotalCashInReceiveAmountText": "31499", "fc2:TotalCashOutAmountText": "500" });

    const [structuringCase] = (await activitiesOf(gina.id)).filter((a: { rule: string }) => a.rule === "STRUCTURING");
    const narrative = "Two deposits just under the reporting threshold on one day, after 12,000 deposited: consistent with structuring.";
    const filing = await gql(server, `mutation ($id: ID!, $n: String!) { fileSar(id: $id, narrative: $n) { sarNumber } }`, { id: structuringCase.id, n: narrative }, bearer(officer.accessToken));
    expect(filing.data!.fileSar.sarNumber).to.match(/^SAR-\d{8}-\d{6}$/);
    const sar = await report("SAR", from, midnight(2), "XML");
    const mine = sar.sarFilings.filter((s: { userId: string }) => s.userId === gina.id);
    expect(mine.map((s: { rule: string }) => s.rule)).to.include("STRUCTURING");
    const sarXml = parser.parse(sar.content)["fc2:EFilingBatchXML"];
    expect(Number(sarXml["@_ActivityCount"])).to.equal(sar.sarFilings.length);
    const filed = sarXml["fc2:Activity"].find((a: any) => a["fc2:FilingNumberText"] === mine[0].sarNumber);
    expect(filed["fc2:ActivityNarrativeInformation"]["fc2:ActivityNarrativeText"]).to.equal(narrative);
    const sarCsv = parseCsv((await report("SAR", from, midnight(2), "CSV")).content, { columns: true }) as Array<Record<string, string>>;
    expect(sarCsv.find((r) => r.sar_number === mine[0].sarNumber)).to.deep.include({ user_id: gina.id, rule: mine[0].rule, narrative });

    const LOG = `{ auditLog(first: 10, eventType: "compliance.report_generated") { edges { node { userId entityId } } } }`;
    const events = (await gql(server, LOG, {}, bearer(officer.accessToken))).data!.auditLog.edges.map((e: { node: { userId: string; entityId: string } }) => e.node);
    expect(events).to.deep.include({ userId: officer.id, entityId: `SAR:${from.toISOString()}/${midnight(2).toISOString()}` });
  });

  it("when a report's period is reversed or too long, then it is refused", async () => {
    const q = (from: Date, to: Date) => gql(server, REPORT, { t: "CTR", from: from.toISOString(), to: to.toISOString(), f: "JSON" }, bearer(officer.accessToken));
    expect(codeOf(await q(midnight(1), midnight()))).to.equal("BAD_USER_INPUT");
    expect(codeOf(await q(midnight(-400), midnight()))).to.equal("BAD_USER_INPUT");
  });
});
