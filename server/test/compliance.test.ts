import { once } from "node:events";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { Role } from "../src/identity";
import { topics } from "../src/infra/pubsub";
import { KYC_FIELDS, passportFor, submitKyc } from "./compliance-helpers";
import { reencryptKycFields } from "../src/compliance";
import { FieldCipher } from "../src/infra/crypto/field-cipher";
import { bearer, codeOf, gql, grantRole, registerUser, startTestServer, TEST_ENCRYPTION_KEYS, tempDir, type TestUser } from "./helpers";

/** The real defaults a regulated firm runs with, not the generous limits other suites use. */
export const STRICT = { KYC_UNVERIFIED_DEPOSIT_LIMIT: undefined, KYC_UNVERIFIED_TRADE_NOTIONAL: undefined };

const ME = `{ me { kycStatus amlRiskLevel } }`;
const LIST = `query ($s: KycStatus) { kycVerifications(status: $s) { ${KYC_FIELDS} } }`;
const DECIDE = `mutation ($i: KycDecisionInput!) { decideKyc(input: $i) { ${KYC_FIELDS} } }`;
const SCREEN = `query ($n: String!) { screenName(name: $n) { listName entryId matchedName score } }`;
const ACTIVITIES = `{ suspiciousActivities(first: 50) { edges { node { id userId sarNumber rule riskScore description transactionIds status caseStatus createdAt } } } }`;

describe("compliance: KYC, screening and the KYC gates", () => {
  let server: RunningServer;
  let officer: TestUser;

  before(async () => {
    // The officer's queries are many and wide: a bucket large enough that rate limiting stays out of it.
    server = await startTestServer({ ...STRICT, RATE_LIMIT_CAPACITY: "100000", RATE_LIMIT_RESTORE_PER_SECOND: "100000" });
    officer = await registerUser(server, { firstName: "Olive", lastName: "Officer" });
    await grantRole(server, officer.email, Role.COMPLIANCE_OFFICER);
  });
  after(() => server?.stop());

  it("when a customer submits a valid passport whose MRZ matches, then every check passes, KYC is VERIFIED and the number is stored encrypted", async () => {
    const anna = await registerUser(server, { firstName: "Anna Maria", lastName: "Eriksson", country: "SE", dateOfBirth: "1974-08-12" });
    const passport = passportFor("Anna Maria", "Eriksson", { documentNumber: "L898902C3", dateOfBirth: "1974-08-12" });
    const { data, errors } = await submitKyc(server, anna.accessToken, passport);
    expect(errors).to.equal(undefined);
    const verification = data!.submitKyc;
    expect(verification).to.deep.include({ status: "VERIFIED", documentType: "PASSPORT", reason: null, userId: anna.id });
    expect(verification.checks.filter((c: { passed: boolean }) => !c.passed)).to.deep.equal([]);
    expect(verification.checks.map((c: { name: string }) => c.name)).to.include.members([
      "document_number_format",
      "mrz_check_digit_documentNumber",
      "mrz_check_digit_birthDate",
      "mrz_check_digit_expiryDate",
      "mrz_check_digit_optionalData",
      "mrz_check_digit_composite",
      "mrz_matches_submitted",
      "document_not_expired",
      "minimum_age",
      "date_of_birth_matches_profile",
      "country_codes",
      "country_risk",
      "sanctions_screening",
    ]);
    expect((await gql(server, ME, {}, bearer(anna.accessToken))).data!.me.kycStatus).to.equal("VERIFIED");
    const [row] = await server.database.dataSource.query(`SELECT document_number, date_of_birth FROM kyc_verifications WHERE id = $1`, [verification.id]);
    expect(row.document_number).to.match(/^v1\./).and.not.contain("L898902C3");
    expect(row.date_of_birth).to.match(/^v1\./).and.not.contain("1974");
  });

  it("when one character of the MRZ is changed, then the submission is REJECTED naming the failed check digit", async () => {
    const user = await registerUser(server);
    const passport = passportFor("Test", "User");
    const [line1, line2] = passport.mrz.split("\n");
    const tampered = { ...passport, mrz: `${line1}\n${line2.slice(0, 13)}${line2[13] === "9" ? "8" : "9"}${line2.slice(14)}` };
    const verification = (await submitKyc(server, user.accessToken, tampered)).data!.submitKyc;
    expect(verification.status).to.equal("REJECTED");
    const failed = verification.checks.filter((c: { passed: boolean }) => !c.passed).map((c: { name: string }) => c.name);
    expect(failed).to.include.members(["mrz_check_digit_birthDate", "mrz_check_digit_composite"]);
    expect(failed).not.to.include("mrz_check_digit_documentNumber");
    expect(verification.reason).to.contain("mrz_check_digit_birthDate");
    expect((await gql(server, ME, {}, bearer(user.accessToken))).data!.me.kycStatus).to.equal("REJECTED");
  });

  it("when the document is expired, the person under age or the MRZ says something else, then KYC is REJECTED for that reason", async () => {
    const cases: Array<[Partial<Parameters<typeof passportFor>[2]>, Record<string, unknown>, string]> = [
      [{ expiryDate: "2020-01-31" }, {}, "document_not_expired"],
      [{ dateOfBirth: "2015-03-01" }, {}, "minimum_age"],
      [{}, { documentNumber: "X7654321" }, "mrz_matches_submitted"],
      [{}, { nationality: "XX" }, "country_codes"],
    ];
    for (const [options, override, failedCheck] of cases) {
      const user = await registerUser(server);
      const verification = (await submitKyc(server, user.accessToken, { ...passportFor("Test", "User", options), ...override })).data!.submitKyc;
      expect(verification.status, failedCheck).to.equal("REJECTED");
      expect(verification.checks.find((c: { name: string }) => c.name === failedCheck).passed, failedCheck).to.equal(false);
    }
  });

  it("when input is malformed, then submitKyc answers BAD_USER_INPUT; a passport without its MRZ is rejected", async () => {
    const user = await registerUser(server);
    expect(codeOf(await submitKyc(server, user.accessToken, { ...passportFor("Test", "User"), expiryDate: "2034-02-30" }))).to.equal("BAD_USER_INPUT");
    expect(codeOf(await submitKyc(server, user.accessToken, { ...passportFor("Test", "User"), issuingCountry: "Sweden" }))).to.equal("BAD_USER_INPUT");
    const noMrz = (await submitKyc(server, user.accessToken, { ...passportFor("Test", "User"), mrz: null as unknown as string })).data!.submitKyc;
    expect(noMrz.status).to.equal("REJECTED");
    expect(noMrz.checks.find((c: { name: string }) => c.name === "mrz_present").passed).to.equal(false);
  });

  it("when a high-risk national submits, then KYC waits in MANUAL_REVIEW; only an officer sees the queue and decides, with a reason, and it is audited", async () => {
    const applicant = await registerUser(server);
    const other = await registerUser(server);
    const submitted = (await submitKyc(server, applicant.accessToken, passportFor("Test", "User", { nationality: "IRN" }))).data!.submitKyc;
    expect(submitted).to.deep.include({ status: "MANUAL_REVIEW", decidedAt: null });
    expect(submitted.checks.find((c: { name: string }) => c.name === "country_risk")).to.deep.include({ passed: false, detail: "high-risk jurisdiction: IR" });
    expect((await gql(server, ME, {}, bearer(applicant.accessToken))).data!.me.kycStatus).to.equal("MANUAL_REVIEW");
    expect(codeOf(await submitKyc(server, applicant.accessToken, passportFor("Test", "User")))).to.equal("CONFLICT");

    // A trader sees only their own verifications: not the queue, not the applicant's.
    expect((await gql(server, LIST, { s: "MANUAL_REVIEW" }, bearer(other.accessToken))).data!.kycVerifications).to.deep.equal([]);
    expect((await gql(server, LIST, {}, bearer(applicant.accessToken))).data!.kycVerifications.map((k: { id: string }) => k.id)).to.deep.equal([submitted.id]);
    expect(codeOf(await gql(server, DECIDE, { i: { verificationId: submitted.id, approve: true, reason: "self-approval" } }, bearer(applicant.accessToken)))).to.equal("FORBIDDEN");

    const queue = (await gql(server, LIST, { s: "MANUAL_REVIEW" }, bearer(officer.accessToken))).data!.kycVerifications;
    expect(queue.map((k: { id: string }) => k.id)).to.include(submitted.id);
    expect(codeOf(await gql(server, DECIDE, { i: { verificationId: submitted.id, approve: true, reason: " " } }, bearer(officer.accessToken)))).to.equal("BAD_USER_INPUT");
    const decided = (await gql(server, DECIDE, { i: { verificationId: submitted.id, approve: true, reason: "Source of funds documented; resident in Sweden since 2001" } }, bearer(officer.accessToken))).data!.decideKyc;
    expect(decided).to.deep.include({ status: "VERIFIED", reason: "Source of funds documented; resident in Sweden since 2001" });
    expect(decided.decidedAt).to.be.a("string");
    expect((await gql(server, ME, {}, bearer(applicant.accessToken))).data!.me.kycStatus).to.equal("VERIFIED");
    expect(codeOf(await gql(server, DECIDE, { i: { verificationId: submitted.id, approve: false, reason: "again" } }, bearer(officer.accessToken)))).to.equal("CONFLICT");

    const LOG = `query ($t: String) { auditLog(first: 50, eventType: $t) { edges { node { eventType userId entityId } } } }`;
    const submittedEvents = (await gql(server, LOG, { t: "kyc.submitted" }, bearer(officer.accessToken))).data!.auditLog.edges.map((e: { node: unknown }) => e.node);
    expect(submittedEvents).to.deep.include({ eventType: "kyc.submitted", userId: applicant.id, entityId: submitted.id });
    const decidedEvents = (await gql(server, LOG, { t: "kyc.decided" }, bearer(officer.accessToken))).data!.auditLog.edges.map((e: { node: unknown }) => e.node);
    expect(decidedEvents).to.deep.include({ eventType: "kyc.decided", userId: officer.id, entityId: submitted.id });
  });

  it("when an officer screens names, then accents, reordered names and aliases match the demo list, ranked with scores; a trader may not screen", async () => {
    const screen = async (name: string) => (await gql(server, SCREEN, { n: name }, bearer(officer.accessToken))).data!.screenName;
    expect((await screen("Jurgen Friedrich MULLER"))[0]).to.deep.include({ listName: "OFAC-SDN-DEMO", entryId: "90002", matchedName: "MÜLLER, Jürgen Friedrich", score: 1 });
    expect((await screen("Pérez Morales José Antonio"))[0]).to.deep.include({ entryId: "90001", score: 1 });
    expect((await screen("Antonio José Morales"))[0]).to.deep.include({ entryId: "90001" });
    expect((await screen("Juergen Mueller"))[0]).to.deep.include({ entryId: "90002", matchedName: "MUELLER, Juergen" });
    expect((await screen("Orinoco Maritime Ltd"))[0]).to.deep.include({ entryId: "90003", matchedName: "ORINOCO MARITIME LIMITED" });
    expect(await screen("Tara Trader")).to.deep.equal([]);
    const trader = await registerUser(server);
    expect(codeOf(await gql(server, SCREEN, { n: "Juergen Mueller" }, bearer(trader.accessToken)))).to.equal("FORBIDDEN");
  });

  it("when someone registers under a listed name, then a screening review item is raised and audited; their KYC goes to review without naming the entry", async () => {
    const listed = await registerUser(server, { firstName: "Jürgen", lastName: "Müller" });
    const activities = (await gql(server, ACTIVITIES, {}, bearer(officer.accessToken))).data!.suspiciousActivities.edges.map((e: { node: any }) => e.node);
    const hit = activities.find((a: { userId: string }) => a.userId === listed.id);
    expect(hit).to.deep.include({ rule: "SANCTIONS_MATCH", sarNumber: null, status: "OPEN" });
    expect(hit.riskScore).to.be.at.least(90);
    expect(hit.description).to.contain("90002");
    // The officer sees the raised risk; the customer is never told (tipping-off).
    expect((await gql(server, `query ($u: ID!) { customer(userId: $u) { user { amlRiskLevel } } }`, { u: listed.id }, bearer(officer.accessToken))).data!.customer.user.amlRiskLevel).to.equal("HIGH");
    expect((await gql(server, ME, {}, bearer(listed.accessToken))).data!.me.amlRiskLevel).to.equal(null);
    // ICAO 9303 transliterates Ü as UE in the machine-readable zone.
    const kyc = (await submitKyc(server, listed.accessToken, passportFor("Juergen", "Mueller"))).data!.submitKyc;
    expect(kyc.status).to.equal("MANUAL_REVIEW");
    const screening = kyc.checks.find((c: { name: string }) => c.name === "sanctions_screening");
    expect(screening).to.deep.equal({ name: "sanctions_screening", passed: false, detail: "possible match: referred to a compliance officer" });
    const [{ count }] = await server.database.dataSource.query(`SELECT count(*)::int AS count FROM audit_logs WHERE event_type = 'compliance.screening_hit' AND user_id = $1`, [listed.id]);
    expect(count).to.equal(1);
    // Screening again at KYC found the same entry: still one review item, not two.
    const again = (await gql(server, ACTIVITIES, {}, bearer(officer.accessToken))).data!.suspiciousActivities.edges.map((e: { node: any }) => e.node).filter((a: { userId: string }) => a.userId === listed.id);
    expect(again).to.have.length(1);
    // The officer, having checked the person is the listed one, rejects.
    const decided = (await gql(server, DECIDE, { i: { verificationId: kyc.id, approve: false, reason: "Confirmed match with the listed person (date of birth, nationality)" } }, bearer(officer.accessToken))).data!.decideKyc;
    expect(decided.status).to.equal("REJECTED");
    expect((await gql(server, ME, {}, bearer(listed.accessToken))).data!.me.kycStatus).to.equal("REJECTED");
  });

  it("when a customer is not KYC-verified, then deposits past the limit and orders past the notional are refused with KYC_REQUIRED, and allowed once verified", async () => {
    const DEPOSIT = `mutation ($p: ID!, $a: Decimal!) { deposit(portfolioId: $p, amount: $a) { id } }`;
    const PLACE = `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { id status } }`;
    const CANCEL = `mutation ($id: ID!) { cancelOrder(id: $id) { id } }`;
    await server.pubsub.publish(topics.quotes("AAPL"), { symbol: "AAPL", bid: null, ask: null, last: "100", timestamp: new Date().toISOString() });
    while (server.services.marketData.lastPrice("AAPL") !== "100") await new Promise((resolve) => setTimeout(resolve, 5));
    const user = await registerUser(server);
    const auth = bearer(user.accessToken);
    const portfolioId = (await gql(server, `mutation { createPortfolio(input: { name: "kyc gate" }) { id } }`, {}, auth)).data!.createPortfolio.id;
    const order = (quantity: string) => ({ i: { portfolioId, symbol: "AAPL", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity, limitPrice: "91" } });

    expect(codeOf(await gql(server, DEPOSIT, { p: portfolioId, a: "1000" }, auth))).to.equal(undefined);
    const refused = await gql(server, DEPOSIT, { p: portfolioId, a: "0.01" }, auth);
    expect(codeOf(refused)).to.equal("KYC_REQUIRED");
    expect(codeOf(await gql(server, PLACE, order("11"), auth))).to.equal("KYC_REQUIRED");
    const small = (await gql(server, PLACE, order("10"), auth)).data!.placeOrder;
    await gql(server, CANCEL, { id: small.id }, auth);
    const [{ balance }] = await server.database.dataSource.query(`SELECT cash_balance::text AS balance FROM portfolios WHERE id = $1`, [portfolioId]);
    expect(Number(balance)).to.equal(1000);

    expect((await submitKyc(server, user.accessToken, passportFor("Test", "User"))).data!.submitKyc.status).to.equal("VERIFIED");
    expect(codeOf(await gql(server, DEPOSIT, { p: portfolioId, a: "5000" }, auth))).to.equal(undefined);
    const large = await gql(server, PLACE, order("50"), auth);
    expect(codeOf(large)).to.equal(undefined);
    await gql(server, CANCEL, { id: large.data!.placeOrder.id }, auth);
  });

  it("when the encryption key rotates, then keys:rotate re-encrypts KYC document numbers and birth dates, which still open", async () => {
    const user = await registerUser(server);
    const id = (await submitKyc(server, user.accessToken, passportFor("Test", "User", { documentNumber: "ROT123456" }))).data!.submitKyc.id;
    const newKey = FieldCipher.generateKey();
    const rotated = FieldCipher.fromKeyRing(`${TEST_ENCRYPTION_KEYS},new:${newKey}`);
    expect(await reencryptKycFields(server.database.dataSource, rotated)).to.be.at.least(2);
    const [row] = await server.database.dataSource.query(`SELECT document_number, date_of_birth FROM kyc_verifications WHERE id = $1`, [id]);
    expect(row.document_number).to.match(/^v1\.new\./);
    expect(rotated.decrypt(row.document_number, `kyc_verifications.document_number:${id}`)).to.equal("ROT123456");
    expect(rotated.decrypt(row.date_of_birth, `kyc_verifications.date_of_birth:${id}`)).to.equal("1990-05-17");
    expect(await reencryptKycFields(server.database.dataSource, rotated)).to.equal(0);
    // Back to the suite's key, so other servers sharing this database still open every row.
    await reencryptKycFields(server.database.dataSource, FieldCipher.fromKeyRing(`new:${newKey},${TEST_ENCRYPTION_KEYS}`));
  });

  it("when a trader asks for suspicious activities, reports or someone else's KYC, then it is refused or they see only their own", async () => {
    const trader = await registerUser(server);
    expect(codeOf(await gql(server, ACTIVITIES, {}, bearer(trader.accessToken)))).to.equal("FORBIDDEN");
    const REPORT = `query { report(type: CTR, from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z") { type } }`;
    expect(codeOf(await gql(server, REPORT, {}, bearer(trader.accessToken)))).to.equal("FORBIDDEN");
    expect((await gql(server, LIST, {}, bearer(trader.accessToken))).data!.kycVerifications).to.deep.equal([]);
  });
});

describe("compliance: a new sanctions list", () => {
  it("when the server loads an OFAC list from SANCTIONS_LIST_DIR that names an existing customer, then every user is rescreened and a review item raised", async () => {
    const first = await startTestServer();
    const surname = `Vexmaro${process.pid}`;
    const customer = await registerUser(first, { firstName: "Zoltan", lastName: surname });
    const officer = await registerUser(first);
    await grantRole(first, officer.email, Role.COMPLIANCE_OFFICER);
    await first.stop();

    const dir = tempDir("bg-sdn-");
    fs.writeFileSync(path.join(dir, "sdn.csv"), `"777001","${surname.toUpperCase()}, Zoltan","individual","TEST] [DEMO",-0-,-0-,-0-,-0-,-0-,-0-,-0-,"Listed for the test."\r\n\x1a`);
    fs.writeFileSync(path.join(dir, "alt.csv"), `"777001","1","aka","ZOLI, the Hammer",-0-\r\n`);
    const second = await startTestServer({ SANCTIONS_LIST_DIR: dir });
    try {
      const activities = (await gql(second, ACTIVITIES, {}, bearer(officer.accessToken))).data!.suspiciousActivities.edges.map((e: { node: any }) => e.node).filter((a: { userId: string }) => a.userId === customer.id);
      expect(activities).to.have.length(1);
      expect(activities[0]).to.deep.include({ rule: "SANCTIONS_MATCH" });
      expect(activities[0].description).to.contain("list reload").and.contain("777001");
      const matches = (await gql(second, SCREEN, { n: `Zoltan ${surname}` }, bearer(officer.accessToken))).data!.screenName;
      expect(matches).to.deep.equal([{ listName: "OFAC-SDN", entryId: "777001", matchedName: `${surname.toUpperCase()}, Zoltan`, score: 1 }]);
    } finally {
      await second.stop();
    }
  });

  it("when the folder holds OFAC's CSV, the UN's and the EU's consolidated XML and the UK Sanctions List, then all four are loaded, said by sanctionsLists, and a customer registering under an EU-listed name raises a case naming that list", async () => {
    const dir = tempDir("bg-lists-");
    for (const file of ["un-consolidated.xml", "eu-consolidated.xml", "uk-sanctions-list.xml"]) fs.copyFileSync(path.join(__dirname, "fixtures", "sanctions", file), path.join(dir, file));
    fs.writeFileSync(path.join(dir, "sdn.csv"), `"777002","QUELLBACH, Ottokar","individual","TEST",-0-,-0-,-0-,-0-,-0-,-0-,-0-,"Listed for the test."\r\n\x1a`);
    const server = await startTestServer({ SANCTIONS_LIST_DIR: dir });
    try {
      const officer = await registerUser(server);
      await grantRole(server, officer.email, Role.COMPLIANCE_OFFICER);
      const login = await gql(server, `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { auth { accessToken } } }`, { e: officer.email, p: officer.password });
      const token = login.data!.login.auth.accessToken;
      const lists = (await gql(server, `{ sanctionsLists { name source entries checksum } }`, {}, bearer(token))).data!.sanctionsLists;
      expect(lists.map((l: { name: string; entries: number }) => [l.name, l.entries])).to.deep.equal([
        ["OFAC-SDN", 1],
        ["UN-SC", 2],
        ["EU-FSF", 2],
        ["UK-FCDO", 3],
      ]);
      expect(lists[3].source).to.equal(path.join(dir, "uk-sanctions-list.xml"));
      expect(lists[3].checksum).to.match(/^[0-9a-f]{64}$/);
      expect(lists[2].source).to.equal(path.join(dir, "eu-consolidated.xml"));
      const listed = await registerUser(server, { firstName: "Margarethe", lastName: "Vöglinger-Strauss" });
      const cases = (await gql(server, `query ($u: ID) { suspiciousActivities(userId: $u) { edges { node { rule description } } } }`, { u: listed.id }, bearer(token))).data!.suspiciousActivities.edges;
      expect(cases).to.have.length(1);
      expect(cases[0].node.rule).to.equal("SANCTIONS_MATCH");
      expect(cases[0].node.description).to.contain("EU-FSF entry EU.9001.01");
      const un = (await gql(server, SCREEN, { n: "Blue Lantern Trading" }, bearer(token))).data!.screenName;
      expect(un[0]).to.deep.include({ listName: "UN-SC", entryId: "DMe.001" });
      const uk = (await gql(server, SCREEN, { n: "Aldous Fenwick Hargreaves" }, bearer(token))).data!.screenName;
      expect(uk[0]).to.deep.include({ listName: "UK-FCDO", entryId: "DMO0001" });
    } finally {
      await server.stop();
    }
  });

  it("when a list in SANCTIONS_LIST_DIR changes while the server runs, then it is reloaded, every customer and every linked wallet is rescreened, and a folder left without a list keeps the lists loaded", async () => {
    const dir = tempDir("bg-watch-");
    const sdn = (rows: string) => fs.writeFileSync(path.join(dir, "sdn.csv"), `${rows}\x1a`);
    sdn(`"777100","OTHERWISE, Unrelated","individual","TEST",-0-,-0-,-0-,-0-,-0-,-0-,-0-,"Listed for the test."\r\n`);
    const server = await startTestServer({ SANCTIONS_LIST_DIR: dir, SANCTIONS_RELOAD_DEBOUNCE_MS: "50" });
    try {
      const surname = `Quarnvik${process.pid}`;
      const customer = await registerUser(server, { firstName: "Hedda", lastName: surname });
      const holder = await registerUser(server);
      const officer = await registerUser(server);
      await grantRole(server, officer.email, Role.COMPLIANCE_OFFICER);
      const token = (await gql(server, `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { auth { accessToken } } }`, { e: officer.email, p: officer.password })).data!.login.auth.accessToken;
      const casesOf = async (userId: string) => (await gql(server, `query ($u: ID) { suspiciousActivities(userId: $u) { edges { node { rule description } } } }`, { u: userId }, bearer(token))).data!.suspiciousActivities.edges.map((e: { node: { rule: string; description: string } }) => e.node);
      const portfolioId = (await gql(server, `mutation ($i: CreatePortfolioInput!) { createPortfolio(input: $i) { id } }`, { i: { name: "Linked" } }, bearer(holder.accessToken))).data!.createPortfolio.id;
      const wallet = `0x5eed${String(process.pid).padStart(8, "0")}${"0".repeat(25)}b0b`;
      await server.database.dataSource.query(`INSERT INTO wallets (address, user_id, portfolio_id) VALUES ($1, $2, $3)`, [wallet, holder.id, portfolioId]);
      const before = server.services.compliance.screening.lists()[0].checksum;
      expect(await casesOf(customer.id)).to.deep.equal([]);

      const reloaded = once(server.services.compliance.screening.events, "reloaded");
      sdn(
        `"777101","${surname.toUpperCase()}, Hedda","individual","TEST",-0-,-0-,-0-,-0-,-0-,-0-,-0-,"Listed for the test."\r\n` +
          `"777102","TESTWALLET HOLDINGS","-0-","CYBER2",-0-,-0-,-0-,-0-,-0-,-0-,-0-,"Digital Currency Address - ETH ${wallet.toUpperCase().replace("0X", "0x")}."\r\n`,
      );
      const [lists] = await reloaded;
      expect(lists[0].checksum).to.not.equal(before);
      expect(lists[0].entries).to.equal(2);
      const [listed] = await casesOf(customer.id);
      expect(listed.rule).to.equal("SANCTIONS_MATCH");
      expect(listed.description).to.contain("list reload").and.contain("777101");
      const [held] = await casesOf(holder.id);
      expect(held.rule).to.equal("SANCTIONS_WALLET");
      expect(held.description).to.contain("At list reload").and.contain("777102");
      const [event] = await server.database.dataSource.query(`SELECT user_id, payload FROM audit_logs WHERE event_type = 'compliance.sanctions_lists_reloaded' ORDER BY seq DESC LIMIT 1`);
      expect(event.user_id).to.equal(null);
      expect(event.payload).to.deep.include({ trigger: "folder_changed" });

      const failed = once(server.services.compliance.screening.events, "reload_failed");
      fs.rmSync(path.join(dir, "sdn.csv"));
      const [error] = await failed;
      expect(String(error)).to.contain("holds no list");
      expect(server.services.compliance.screening.lists()[0].checksum).to.equal(lists[0].checksum);
      expect((await gql(server, SCREEN, { n: `Hedda ${surname}` }, bearer(token))).data!.screenName[0]).to.deep.include({ entryId: "777101" });
    } finally {
      await server.stop();
    }
  });
});
