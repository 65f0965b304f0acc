import { expect } from "chai";
import { Client as PgClient } from "pg";
import type { RunningServer } from "../src/app/server";
import { Role } from "../src/identity";
import { bearer, codeOf, grantRole, gql, registerUser, services, startTestServer } from "./helpers";

describe("audit trail", () => {
  let server: RunningServer;
  let officer: { accessToken: string };
  before(async () => {
    server = await startTestServer();
    const user = await registerUser(server);
    await grantRole(server, user.email, Role.COMPLIANCE_OFFICER);
    officer = user;
  });
  after(() => server?.stop());

  const VERIFY = "{ verifyAuditChain { valid checkedEvents firstInvalidSeq } }";

  it("when security events happen, then they are in the log, newest first, paged by cursor", async () => {
    const user = await registerUser(server);
    await gql(server, `mutation ($e: String!) { login(email: $e, password: "wrong-password-xyz") { mfaRequired } }`, { e: user.email });
    const LOG = `query ($after: String) { auditLog(first: 2, after: $after) { edges { cursor node { seq eventType userId hash prevHash } } pageInfo { hasNextPage endCursor } } }`;
    const page1 = (await gql(server, LOG, {}, bearer(officer.accessToken))).data!.auditLog;
    expect(page1.edges).to.have.length(2);
    expect(page1.pageInfo.hasNextPage).to.equal(true);
    expect(page1.edges[0].node).to.include({ eventType: "auth.login_failed", userId: user.id });
    expect(Number(page1.edges[0].node.seq)).to.be.greaterThan(Number(page1.edges[1].node.seq));
    expect(page1.edges[0].node.prevHash).to.equal(page1.edges[1].node.hash);
    const page2 = (await gql(server, LOG, { after: page1.pageInfo.endCursor }, bearer(officer.accessToken))).data!.auditLog;
    expect(Number(page2.edges[0].node.seq)).to.equal(Number(page1.edges[1].node.seq) - 1);
    const filtered = (await gql(server, `{ auditLog(first: 5, eventType: "user.registered") { edges { node { eventType } } } }`, {}, bearer(officer.accessToken))).data!
      .auditLog.edges;
    expect(filtered.every((edge: { node: { eventType: string } }) => edge.node.eventType === "user.registered")).to.equal(true);
  });

  it("when many events are appended concurrently, then the chain stays one line: contiguous seq, every link valid", async () => {
    await Promise.all(Array.from({ length: 25 }, (_, i) => server.services.audit.record({ eventType: "test.concurrent", payload: { i } })));
    const result = (await gql(server, VERIFY, {}, bearer(officer.accessToken))).data!.verifyAuditChain;
    expect(result).to.include({ valid: true, firstInvalidSeq: null });
    expect(result.checkedEvents).to.be.greaterThan(25);
  });

  it("when a trader asks for the log, then it is FORBIDDEN", async () => {
    const trader = await registerUser(server);
    expect(codeOf(await gql(server, "{ auditLog { edges { cursor } } }", {}, bearer(trader.accessToken)))).to.equal("FORBIDDEN");
    expect(codeOf(await gql(server, VERIFY, {}, bearer(trader.accessToken)))).to.equal("FORBIDDEN");
  });

  it("when anyone tries UPDATE, DELETE or TRUNCATE on audit_logs, then the database refuses", async () => {
    const dataSource = server.database.dataSource;
    for (const statement of ["UPDATE audit_logs SET event_type = 'x'", "DELETE FROM audit_logs", "TRUNCATE audit_logs"]) {
      const error = await dataSource.query(statement).then(
        () => undefined,
        (e: Error) => e.message,
      );
      expect(error, statement).to.contain("append-only");
    }
  });

  it("when a superuser disables the trigger and alters a row, then verifyAuditChain names that seq", async function () {
    if (!services.databaseUrl) throw new Error("DATABASE_URL must be set: this test tampers as a PostgreSQL superuser");
    const victim = await server.services.audit.record({ eventType: "test.victim", payload: { amount: "100.00" } });
    await server.services.audit.record({ eventType: "test.after" });
    const admin = new PgClient({ connectionString: services.databaseUrl });
    await admin.connect();
    try {
      await admin.query("BEGIN");
      await admin.query("ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_no_update_delete");
      await admin.query(`UPDATE audit_logs SET payload = '{"amount":"1.00"}' WHERE seq = $1`, [victim.seq]);
      await admin.query("ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_no_update_delete");
      await admin.query("COMMIT");
      const result = (await gql(server, VERIFY, {}, bearer(officer.accessToken))).data!.verifyAuditChain;
      expect(result).to.deep.include({ valid: false, firstInvalidSeq: victim.seq });
      expect(result.checkedEvents).to.equal(Number(victim.seq) - 1);
    } finally {
      // Put the row back so later suites sharing this database see a valid chain.
      await admin.query("ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_no_update_delete");
      await admin.query(`UPDATE audit_logs SET payload = '{"amount":"100.00"}' WHERE seq = $1`, [victim.seq]);
      await admin.query("ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_no_update_delete");
      await admin.end();
    }
    expect((await gql(server, VERIFY, {}, bearer(officer.accessToken))).data!.verifyAuditChain.valid).to.equal(true);
  });
});
