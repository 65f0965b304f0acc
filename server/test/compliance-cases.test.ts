import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { ScreeningService } from "../src/compliance/screening.service";
import { ComplianceCases1732420000030 } from "../src/infra/database/migrations/1732420000030-compliance-cases";
import { Role } from "../src/identity";
import { createLogger } from "../src/infra/logger";
import { checkDigit } from "../src/compliance/mrz";
import { passportFor } from "./compliance-helpers";
import { bearer, codeOf, gql, grantRole, registerUser, startTestServer, type TestUser } from "./helpers";

const CASE = "id userId sarNumber rule riskScore status caseStatus transactionIds description resolution sarNarrative createdAt updatedAt assignee { id } customer { id firstName lastName } notes { text author { id } }";
const CASES = `query ($u: ID, $s: [CaseStatus!], $r: String) { suspiciousActivities(first: 20, userId: $u, status: $s, rule: $r) { totalCount edges { node { ${CASE} } } pageInfo { hasNextPage } } }`;
const CUSTOMER = `query ($u: ID!) { customer(userId: $u) { user { id firstName amlRiskLevel } kycHistory { status checks { name passed } } cases { id caseStatus } ctrFilings { businessDate totalCashIn } portfolios { id name } screeningMatches { entryId } } }`;
const DEPOSIT = `mutation ($p: ID!, $a: Decimal!) { deposit(portfolioId: $p, amount: $a) { transactionId } }`;
const SUBMIT = `mutation ($i: KycInput!) { submitKyc(input: $i) { status checks { name passed detail } } }`;
const REPORT = `query ($t: ReportType!, $from: DateTime!, $to: DateTime!) { report(type: $t, from: $from, to: $to) { ctrFilings { userId } sarFilings { id sarNumber sarNarrative } content(format: XML) } }`;

const DAY = 86_400_000;
const midnight = (offsetDays = 0) => new Date(Math.floor(Date.now() / DAY) * DAY + offsetDays * DAY).toISOString();

describe("compliance: cases an officer works", () => {
  let server: RunningServer;
  let officer: TestUser;
  let second: TestUser;

  const asOfficer = (query: string, variables: Record<string, unknown> = {}, who = officer) => gql(server, query, variables, bearer(who.accessToken));
  const casesOf = async (userId: string, extra: Record<string, unknown> = {}) => {
    const response = await asOfficer(CASES, { u: userId, ...extra });
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data!.suspiciousActivities;
  };
  const riskOf = async (userId: string) => (await asOfficer(CUSTOMER, { u: userId })).data!.customer.user.amlRiskLevel;
  const step = async (mutation: string, variables: Record<string, unknown>, who = officer) => {
    const response = await asOfficer(`mutation ($id: ID!${mutation.includes("$t") ? ", $t: String!" : ""}) { ${mutation} { ${CASE} } }`, variables, who);
    return response;
  };

  /** A customer tied to North Korea whose deposit of 1,000 raises a high-risk-jurisdiction alert (score 60). */
  async function flaggedCustomer(): Promise<TestUser & { portfolio: string }> {
    const user = await registerUser(server, { country: "KP" });
    const portfolio = (await gql(server, `mutation { createPortfolio(input: { name: "main" }) { id } }`, {}, bearer(user.accessToken))).data!.createPortfolio.id;
    const deposit = await gql(server, DEPOSIT, { p: portfolio, a: "1000" }, bearer(user.accessToken));
    if (deposit.errors) throw new Error(JSON.stringify(deposit.errors));
    return { ...user, portfolio };
  }

  before(async () => {
    server = await startTestServer({ RATE_LIMIT_CAPACITY: "100000", RATE_LIMIT_RESTORE_PER_SECOND: "100000" });
    officer = await registerUser(server, { firstName: "Olive", lastName: "Officer" });
    second = await registerUser(server, { firstName: "Sam", lastName: "Senior" });
    await grantRole(server, officer.email, Role.COMPLIANCE_OFFICER);
    await grantRole(server, second.email, Role.COMPLIANCE_OFFICER);
  });
  after(() => server?.stop());

  it("when a case is assigned, noted, escalated and closed, then each step is audited with its officer, the risk level comes down, and the closed case refuses changes", async () => {
    const erin = await flaggedCustomer();
    const { edges, totalCount } = await casesOf(erin.id);
    expect(totalCount).to.equal(1);
    const opened = edges[0].node;
    expect(opened).to.deep.include({ rule: "HIGH_RISK_JURISDICTION", caseStatus: "OPEN", status: "OPEN", sarNumber: null, assignee: null, riskScore: 60 });
    expect(opened.customer).to.deep.include({ id: erin.id, firstName: "Test", lastName: "User" });
    expect(await riskOf(erin.id)).to.equal("MEDIUM");

    const assigned = (await step(`assignCase(id: $id)`, { id: opened.id })).data!.assignCase;
    expect(assigned).to.deep.include({ caseStatus: "UNDER_REVIEW", assignee: { id: officer.id } });
    const noted = (await step(`addCaseNote(id: $id, text: $t)`, { id: opened.id, t: "Called the customer's bank:\nsalary from an employer in Seoul." })).data!.addCaseNote;
    expect(noted.notes).to.deep.equal([{ text: "Called the customer's bank:\nsalary from an employer in Seoul.", author: { id: officer.id } }]);
    const reassigned = (await asOfficer(`mutation ($id: ID!, $o: ID) { assignCase(id: $id, officerId: $o) { assignee { id } caseStatus } }`, { id: opened.id, o: second.id })).data!.assignCase;
    expect(reassigned).to.deep.equal({ assignee: { id: second.id }, caseStatus: "UNDER_REVIEW" });
    const escalated = (await step(`escalateCase(id: $id, reason: $t)`, { id: opened.id, t: "Needs the MLRO's view" }, second)).data!.escalateCase;
    expect(escalated.caseStatus).to.equal("ESCALATED");
    expect(escalated.notes.map((n: { text: string }) => n.text)).to.deep.equal(["Called the customer's bank:\nsalary from an employer in Seoul.", "Escalated: Needs the MLRO's view"]);
    expect(codeOf(await step(`escalateCase(id: $id, reason: $t)`, { id: opened.id, t: "again" }))).to.equal("CONFLICT");
    const closed = (await step(`closeCase(id: $id, resolution: $t)`, { id: opened.id, t: "Funds explained: salary, documented." }, second)).data!.closeCase;
    expect(closed).to.deep.include({ caseStatus: "CLOSED_NO_ACTION", resolution: "Funds explained: salary, documented.", sarNumber: null });
    expect(await riskOf(erin.id)).to.equal("LOW");

    for (const [mutation, vars] of [
      [`addCaseNote(id: $id, text: $t)`, { t: "late note" }],
      [`closeCase(id: $id, resolution: $t)`, { t: "closing again" }],
      [`fileSar(id: $id, narrative: $t)`, { t: "A narrative that is long enough to be filed." }],
      [`assignCase(id: $id)`, {}],
    ] as const) {
      expect(codeOf(await step(mutation, { id: opened.id, ...vars })), mutation).to.equal("CONFLICT");
    }

    const LOG = `query ($u: ID, $e: String) { auditLog(first: 20, userId: $u, eventType: $e) { edges { node { eventType userId entityId } } } }`;
    const byOfficer = async (who: TestUser) => (await asOfficer(LOG, { u: who.id })).data!.auditLog.edges.map((e: { node: { eventType: string; entityId: string } }) => e.node).filter((n: { entityId: string }) => n.entityId === opened.id).map((n: { eventType: string }) => n.eventType);
    expect(await byOfficer(officer)).to.deep.equal(["compliance.case_assigned", "compliance.case_note_added", "compliance.case_assigned"]);
    expect(await byOfficer(second)).to.deep.equal(["compliance.case_closed", "compliance.case_escalated"]);
    const filtered = await casesOf(erin.id, { s: ["CLOSED_NO_ACTION"] });
    expect(filtered.edges.map((e: { node: { id: string } }) => e.node.id)).to.deep.equal([opened.id]);
    expect((await casesOf(erin.id, { s: ["OPEN", "UNDER_REVIEW", "ESCALATED"] })).totalCount).to.equal(0);
  });

  it("when a SAR is filed, then its number is issued only then, the narrative reaches the SAR report's XML, and the risk level stays", async () => {
    const frank = await flaggedCustomer();
    const [{ node: opened }] = (await casesOf(frank.id)).edges;
    const before = await asOfficer(REPORT, { t: "SAR", from: midnight(), to: midnight(1) });
    expect(before.data!.report.sarFilings.map((f: { id: string }) => f.id)).to.not.include(opened.id);
    expect(codeOf(await step(`fileSar(id: $id, narrative: $t)`, { id: opened.id, t: "too short" }))).to.equal("BAD_USER_INPUT");
    const narrative = "Customer resident in a FATF call-for-action jurisdiction deposited 1,000 USD with no stated source of funds.";
    const filed = (await step(`fileSar(id: $id, narrative: $t)`, { id: opened.id, t: narrative })).data!.fileSar;
    expect(filed).to.deep.include({ caseStatus: "SAR_FILED", sarNarrative: narrative });
    expect(filed.sarNumber).to.match(/^SAR-\d{8}-\d{6}$/);
    const report = (await asOfficer(REPORT, { t: "SAR", from: midnight(), to: midnight(1) })).data!.report;
    expect(report.sarFilings.find((f: { id: string }) => f.id === opened.id)).to.deep.include({ sarNumber: filed.sarNumber, sarNarrative: narrative });
    expect(report.content).to.contain(`<fc2:ActivityNarrativeText>${narrative}</fc2:ActivityNarrativeText>`);
    expect(await riskOf(frank.id)).to.equal("MEDIUM");
    expect(codeOf(await step(`addCaseNote(id: $id, text: $t)`, { id: opened.id, t: "after filing" }))).to.equal("CONFLICT");
  });

  it("when a case holds its twenty notes, then a twenty-first is refused as CONFLICT and the notes stay as they were", async () => {
    const ivy = await flaggedCustomer();
    const [{ node: opened }] = (await casesOf(ivy.id)).edges;
    for (let i = 1; i <= 20; i++) expect(codeOf(await step(`addCaseNote(id: $id, text: $t)`, { id: opened.id, t: `note ${i}` }))).to.equal(undefined);
    expect(codeOf(await step(`addCaseNote(id: $id, text: $t)`, { id: opened.id, t: "one more" }))).to.equal("CONFLICT");
    const notes = await asOfficer(`query ($id: ID!) { suspiciousActivities(userId: $id) { edges { node { notes { text } } } } }`, { id: ivy.id });
    expect(notes.data!.suspiciousActivities.edges[0].node.notes.map((n: { text: string }) => n.text)).to.deep.equal(Array.from({ length: 20 }, (_, i) => `note ${i + 1}`));
  });

  it("when a period holds more than 200 CTR filings, then its report is refused with a shorter period asked for, and 200 come back whole", async () => {
    const filer = await registerUser(server);
    // Business days in 1990 that no other test writes: one filing a day for 201 days.
    await server.database.dataSource.query(
      `INSERT INTO ctr_filings (user_id, business_date, total_cash_in, total_cash_out, transaction_ids)
       SELECT $1, date '1990-01-01' + n, 10001, 0, '{}' FROM generate_series(0, 200) AS n ON CONFLICT DO NOTHING`,
      [filer.id],
    );
    const ctrs = (from: string, to: string) => asOfficer(`query ($from: DateTime!, $to: DateTime!) { report(type: CTR, from: $from, to: $to) { ctrFilings { userId } } }`, { from, to });
    const refused = await ctrs("1990-01-01T00:00:00Z", "1991-01-01T00:00:00Z");
    expect(codeOf(refused)).to.equal("BAD_USER_INPUT");
    expect(refused.errors![0].message).to.match(/More than 200 filings in the period: ask for a shorter one/);
    // 1990-01-01 to 1990-07-20: 200 days, every filing.
    expect((await ctrs("1990-01-01T00:00:00Z", "1990-07-20T00:00:00Z")).data!.report.ctrFilings).to.have.length(200);
  });

  it("when a second alert on the same customer and rule comes within 30 days, then it joins the case; past 30 days, a new case opens", async () => {
    const gail = await flaggedCustomer();
    const [{ node: first }] = (await casesOf(gail.id)).edges;
    // Yesterday's alert: the rule fires again today (it is once per customer and business day).
    const ds = server.database.dataSource;
    const yesterday = new Date(Date.now() - DAY);
    await ds.query(`UPDATE case_alerts SET dedup_key = dedup_key || ':earlier', created_at = $2 WHERE case_id = $1`, [first.id, yesterday]);
    await ds.query(`UPDATE suspicious_activities SET created_at = $2 WHERE id = $1`, [first.id, yesterday]);
    await gql(server, DEPOSIT, { p: gail.portfolio, a: "1500" }, bearer(gail.accessToken));
    let cases = await casesOf(gail.id);
    expect(cases.totalCount).to.equal(1);
    expect(cases.edges[0].node.transactionIds).to.have.length(2);
    expect(cases.edges[0].node.description.split("\n")).to.have.length(2);

    await ds.query(`UPDATE case_alerts SET dedup_key = dedup_key || ':earlier2' WHERE case_id = $1`, [first.id]);
    await ds.query(`UPDATE suspicious_activities SET created_at = now() - interval '31 days' WHERE id = $1`, [first.id]);
    await gql(server, DEPOSIT, { p: gail.portfolio, a: "1200" }, bearer(gail.accessToken));
    cases = await casesOf(gail.id);
    expect(cases.totalCount).to.equal(2);
    expect(cases.edges.map((e: { node: { caseStatus: string } }) => e.node.caseStatus)).to.deep.equal(["OPEN", "OPEN"]);
  });

  it("when officer input is malformed, then a typed error comes back: control characters, empty text, an unknown case, a trader as assignee, one's own case", async () => {
    const hank = await flaggedCustomer();
    const [{ node: opened }] = (await casesOf(hank.id)).edges;
    expect(codeOf(await step(`addCaseNote(id: $id, text: $t)`, { id: opened.id, t: "nul\u0000byte" }))).to.equal("BAD_USER_INPUT");
    expect(codeOf(await step(`addCaseNote(id: $id, text: $t)`, { id: opened.id, t: "   " }))).to.equal("BAD_USER_INPUT");
    expect(codeOf(await step(`addCaseNote(id: $id, text: $t)`, { id: opened.id, t: "x".repeat(10_001) }))).to.equal("BAD_USER_INPUT");
    expect(codeOf(await step(`addCaseNote(id: $id, text: $t)`, { id: "00000000-0000-0000-0000-000000000000", t: "note" }))).to.equal("NOT_FOUND");
    // A malformed id is refused at the edge (the input guard checks every ID) before the case is looked up.
    expect(codeOf(await step(`addCaseNote(id: $id, text: $t)`, { id: "not-a-uuid", t: "note" }))).to.equal("BAD_USER_INPUT");
    expect(codeOf(await asOfficer(`mutation ($id: ID!, $o: ID) { assignCase(id: $id, officerId: $o) { id } }`, { id: opened.id, o: hank.id }))).to.equal("BAD_USER_INPUT");
    await grantRole(server, hank.email, Role.COMPLIANCE_OFFICER);
    const relogin = await gql(server, `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { auth { accessToken } } }`, { e: hank.email, p: hank.password });
    const hankAsOfficer = { ...hank, accessToken: relogin.data!.login.auth.accessToken };
    expect(codeOf(await step(`closeCase(id: $id, resolution: $t)`, { id: opened.id, t: "nothing to see" }, hankAsOfficer))).to.equal("FORBIDDEN");
  });

  it("when an officer opens a customer's file, then identity, KYC, cases, CTR filings and portfolios come back, and the look is audited", async () => {
    const ivy = await flaggedCustomer();
    const profile = (await asOfficer(CUSTOMER, { u: ivy.id })).data!.customer;
    expect(profile.user).to.deep.include({ id: ivy.id, firstName: "Test", amlRiskLevel: "MEDIUM" });
    expect(profile.cases).to.have.length(1);
    expect(profile.portfolios.map((p: { id: string }) => p.id)).to.deep.equal([ivy.portfolio]);
    expect(profile.kycHistory).to.deep.equal([]);
    const LOG = `query ($u: ID) { auditLog(first: 5, userId: $u, eventType: "compliance.customer_viewed") { edges { node { entityId user { firstName lastName } } } } }`;
    const [viewed] = (await asOfficer(LOG, { u: officer.id })).data!.auditLog.edges;
    expect(viewed.node).to.deep.equal({ entityId: ivy.id, user: { firstName: "Olive", lastName: "Officer" } });
    expect(codeOf(await asOfficer(CUSTOMER, { u: "00000000-0000-0000-0000-000000000000" }))).to.equal("NOT_FOUND");
    const trader = await registerUser(server);
    expect(codeOf(await gql(server, CUSTOMER, { u: ivy.id }, bearer(trader.accessToken)))).to.equal("FORBIDDEN");
  });

  it("when an officer reads the review queue, the cases and the CTR filings, then each row carries the customer's date of birth and document number masked to its last 4; the customer sees neither", async () => {
    const kim = await flaggedCustomer();
    const submitted = await gql(server, SUBMIT, { i: { documentType: "PASSPORT", ...passportFor("Test", "User", { documentNumber: "KP9876543" }) } }, bearer(kim.accessToken));
    expect(submitted.data!.submitKyc.status).to.equal("MANUAL_REVIEW");
    const IDENTITY = "identity { dateOfBirth documentType documentNumberMasked }";
    const expected = { dateOfBirth: "1990-05-17", documentType: "PASSPORT", documentNumberMasked: "••••6543" };
    const queue = (await asOfficer(`{ kycVerifications(status: MANUAL_REVIEW) { userId ${IDENTITY} } }`)).data!.kycVerifications;
    expect(queue.find((v: { userId: string }) => v.userId === kim.id).identity).to.deep.equal(expected);
    const [{ node }] = (await asOfficer(`query ($u: ID) { suspiciousActivities(userId: $u) { edges { node { ${IDENTITY} } } } }`, { u: kim.id })).data!.suspiciousActivities.edges;
    expect(node.identity).to.deep.equal(expected);
    await server.database.dataSource.query(`UPDATE users SET kyc_status = 'VERIFIED' WHERE id = $1`, [kim.id]);
    expect((await gql(server, DEPOSIT, { p: kim.portfolio, a: "12000" }, bearer(kim.accessToken))).errors).to.equal(undefined);
    const ctr = (await asOfficer(`query ($from: DateTime!, $to: DateTime!) { report(type: CTR, from: $from, to: $to) { ctrFilings { userId ${IDENTITY} } } }`, { from: midnight(), to: midnight(1) })).data!.report;
    expect(ctr.ctrFilings.find((f: { userId: string }) => f.userId === kim.id).identity).to.deep.equal(expected);
    const own = (await gql(server, `{ kycVerifications { userId ${IDENTITY} } }`, {}, bearer(kim.accessToken))).data!.kycVerifications;
    expect(own).to.deep.equal([{ userId: kim.id, identity: null }]);
    const stored = JSON.stringify(await server.database.dataSource.query(`SELECT payload FROM audit_logs WHERE user_id = $1`, [kim.id]));
    expect(stored).to.not.contain("9876543").and.not.contain("1990-05-17");
  });

  it("when an officer looks a person up by name for the audit filter, then every word must match the name or email, wildcards match themselves, and a trader is refused", async () => {
    const SEARCH = `query ($s: String!, $n: Int) { users(search: $s, first: $n) { id firstName lastName } }`;
    const unique = `Zephyrine${process.pid}`;
    const target = await registerUser(server, { firstName: unique, lastName: "Auditson" });
    await registerUser(server, { firstName: unique, lastName: "Otherwise" });
    const found = (await asOfficer(SEARCH, { s: `${unique.toLowerCase()}  AUDITS` })).data!.users;
    expect(found).to.deep.equal([{ id: target.id, firstName: unique, lastName: "Auditson" }]);
    expect((await asOfficer(SEARCH, { s: unique })).data!.users.map((u: { lastName: string }) => u.lastName)).to.deep.equal(["Auditson", "Otherwise"]);
    expect((await asOfficer(SEARCH, { s: `${unique.slice(0, 5)}%${unique.slice(6)}` })).data!.users).to.deep.equal([]);
    expect(codeOf(await asOfficer(SEARCH, { s: " a " }))).to.equal("BAD_USER_INPUT");
    expect(codeOf(await asOfficer(SEARCH, { s: unique, n: 26 }))).to.equal("BAD_USER_INPUT");
    expect(codeOf(await gql(server, SEARCH, { s: unique }, bearer(target.accessToken)))).to.equal("FORBIDDEN");
  });

  it("when a system account (the market maker's kind) deposits 100,000 in a day, then no CTR and no case name it; a customer may not register at the system domain", async () => {
    const house = await registerUser(server, { country: "KP" });
    const ds = server.database.dataSource;
    await ds.query(`UPDATE users SET email = $2, kyc_status = 'VERIFIED' WHERE id = $1`, [house.id, `treasury-${Date.now()}@system.blockguardian.local`]);
    const portfolio = (await gql(server, `mutation { createPortfolio(input: { name: "treasury" }) { id } }`, {}, bearer(house.accessToken))).data!.createPortfolio.id;
    for (const amount of ["60000", "40000"]) expect((await gql(server, DEPOSIT, { p: portfolio, a: amount }, bearer(house.accessToken))).errors).to.equal(undefined);
    const ctr = (await asOfficer(REPORT, { t: "CTR", from: midnight(), to: midnight(1) })).data!.report;
    expect(ctr.ctrFilings.map((f: { userId: string }) => f.userId)).to.not.include(house.id);
    expect((await casesOf(house.id)).totalCount).to.equal(0);
    const refused = await gql(server, `mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }`, { i: { email: "fake@system.blockguardian.local", password: "A-str0ng-passphrase!", firstName: "Fake", lastName: "House" } });
    expect(codeOf(refused)).to.equal("BAD_USER_INPUT");
  });

  it("when the sanctions lists are asked for, then the loaded list says its source, size and checksum; an admin's reload is audited; production without a list refuses to start screening", async () => {
    const [list] = (await asOfficer(`{ sanctionsLists { name source entries loadedAt checksum } }`)).data!.sanctionsLists;
    expect(list).to.deep.include({ name: "OFAC-SDN-DEMO" });
    expect(list.entries).to.be.greaterThan(0);
    expect(list.checksum).to.match(/^[0-9a-f]{64}$/);
    const admin = await registerUser(server);
    await grantRole(server, admin.email, Role.ADMIN);
    const login = await gql(server, `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { auth { accessToken } } }`, { e: admin.email, p: admin.password });
    const reloaded = await gql(server, `mutation { reloadSanctionsLists { name checksum } }`, {}, bearer(login.data!.login.auth.accessToken));
    expect(reloaded.data!.reloadSanctionsLists).to.deep.equal([{ name: "OFAC-SDN-DEMO", checksum: list.checksum }]);
    const LOG = `query ($u: ID) { auditLog(first: 5, userId: $u, eventType: "compliance.sanctions_lists_reloaded") { edges { node { entityId } } } }`;
    expect((await asOfficer(LOG, { u: admin.id })).data!.auditLog.edges.map((e: { node: { entityId: string } }) => e.node.entityId)).to.deep.equal(["OFAC-SDN-DEMO"]);
    expect(codeOf(await asOfficer(`mutation { reloadSanctionsLists { name } }`))).to.equal("FORBIDDEN");

    const config = { ...server.config.compliance, sanctionsListDir: null, sanctionsDemoList: false };
    const screening = new ScreeningService(server.database.dataSource, server.services.audit, config, createLogger("silent"));
    const error = await screening.load().then(() => null, (e: Error) => e.message);
    expect(error).to.contain("SANCTIONS_LIST_DIR");
  });

  it("when a customer links a wallet whose address is a listed digital currency address, then a sanctions case opens on them (the address matched case-insensitively), and an unlisted one raises nothing", async () => {
    const owner = await registerUser(server);
    const clean = await registerUser(server);
    await server.database.dataSource.transaction(async (manager) => {
      await server.services.compliance.onWalletLinked(manager, owner.id, "0x7E57000000000000000000000000000000D3A0");
      await server.services.compliance.onWalletLinked(manager, clean.id, "0x1111111111111111111111111111111111111111");
    });
    const [{ node }] = (await casesOf(owner.id)).edges;
    expect(node).to.deep.include({ rule: "SANCTIONS_WALLET", riskScore: 100, caseStatus: "OPEN" });
    expect(node.description).to.contain("GREYHARBOR MIXING SERVICE").and.contain("ETH");
    expect(await riskOf(owner.id)).to.equal("HIGH");
    expect((await casesOf(clean.id)).totalCount).to.equal(0);
  });

  it("when a driving licence expiring 9999-12-31 is submitted, then it goes to review, never VERIFIED (an officer may reject it, not approve it); an identity card whose TD1 zone verifies is VERIFIED", async () => {
    const driver = await registerUser(server);
    const licence = await gql(server, SUBMIT, { i: { documentType: "DRIVERS_LICENSE", documentNumber: "AB12345", issuingCountry: "GB", nationality: "GB", dateOfBirth: "1990-05-17", expiryDate: "9999-12-31" } }, bearer(driver.accessToken));
    expect(licence.data!.submitKyc.status).to.equal("MANUAL_REVIEW");
    const failed = licence.data!.submitKyc.checks.filter((c: { passed: boolean }) => !c.passed).map((c: { name: string }) => c.name);
    expect(failed).to.have.members(["document_expiry_plausible", "document_verified_by_mrz"]);
    const [item] = (await asOfficer(`{ kycVerifications(status: MANUAL_REVIEW) { id userId } }`)).data!.kycVerifications.filter((v: { userId: string }) => v.userId === driver.id);
    const DECIDE = `mutation ($i: KycDecisionInput!) { decideKyc(input: $i) { status } }`;
    const approved = await asOfficer(DECIDE, { i: { verificationId: item.id, approve: true, reason: "Looks fine to me" } });
    expect(codeOf(approved)).to.equal("CONFLICT");
    expect((await asOfficer(DECIDE, { i: { verificationId: item.id, approve: false, reason: "Expiry 9999-12-31 is no date" } })).data!.decideKyc.status).to.equal("REJECTED");

    const carded = await registerUser(server);
    const card = await gql(server, SUBMIT, { i: { documentType: "NATIONAL_ID", documentNumber: "D23145890", issuingCountry: "SWE", nationality: "SWE", dateOfBirth: "1990-05-17", expiryDate: "2031-04-15", mrz: td1("D23145890", "SWE", "900517", "310415", "USER", "TEST") } }, bearer(carded.accessToken));
    expect(card.data!.submitKyc.status, JSON.stringify(card.data!.submitKyc.checks.filter((c: { passed: boolean }) => !c.passed))).to.equal("VERIFIED");
    const bare = await registerUser(server);
    const noZone = await gql(server, SUBMIT, { i: { documentType: "NATIONAL_ID", documentNumber: "D23145890", issuingCountry: "SWE", nationality: "SWE", dateOfBirth: "1990-05-17", expiryDate: "2031-04-15" } }, bearer(bare.accessToken));
    expect(noZone.data!.submitKyc.status).to.equal("MANUAL_REVIEW");
  });

  it("when the cases migration runs over existing suspicious activities, then they become OPEN cases without their SAR numbers, and their alerts keep the dedup keys", async () => {
    const user = await registerUser(server);
    const runner = server.database.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      const migration = new ComplianceCases1732420000030();
      await migration.down(runner);
      const [{ id }] = await runner.query(
        `INSERT INTO suspicious_activities (user_id, sar_number, rule, risk_score, description, transaction_ids, status, dedup_key)
         VALUES ($1, 'SAR-20261101-000042', 'VELOCITY', 50, 'old alert', '{TX-1}', 'OPEN', 'VELOCITY:old') RETURNING id`,
        [user.id],
      );
      await migration.up(runner);
      const [row] = await runner.query(`SELECT sar_number, status FROM suspicious_activities WHERE id = $1`, [id]);
      expect(row).to.deep.equal({ sar_number: null, status: "OPEN" });
      const alerts = await runner.query(`SELECT dedup_key, rule FROM case_alerts WHERE case_id = $1`, [id]);
      expect(alerts).to.deep.equal([{ dedup_key: "VELOCITY:old", rule: "VELOCITY" }]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});

/** A TD1 identity-card zone with correct check digits (ICAO 9303 part 5). */
function td1(number: string, state: string, birth: string, expiry: string, surname: string, given: string): string {
  const pad = (text: string, n: number) => text.padEnd(n, "<").slice(0, n);
  const doc = pad(number, 9);
  const one = pad(`I<${state}${doc}${checkDigit(doc)}`, 30);
  const twoBody = `${birth}${checkDigit(birth)}M${expiry}${checkDigit(expiry)}${state}${pad("", 11)}`;
  const composite = one.slice(5, 30) + twoBody.slice(0, 7) + twoBody.slice(8, 15) + twoBody.slice(18, 29);
  return [one, `${twoBody}${checkDigit(composite)}`, pad(`${surname}<<${given}`, 30)].join("\n");
}
