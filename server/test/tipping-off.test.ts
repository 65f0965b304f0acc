import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { Role } from "../src/identity";
import { AUTH_FIELDS, bearer, gql, grantRole, registerUser, startTestServer, type TestUser } from "./helpers";

describe("tipping-off: the AML risk level", () => {
  let server: RunningServer;
  let customer: TestUser;

  before(async () => {
    server = await startTestServer();
    customer = await registerUser(server);
    await server.database.dataSource.query(`UPDATE users SET aml_risk_level = 'HIGH' WHERE id = $1`, [customer.id]);
  });

  after(async () => {
    await server?.stop();
  });

  it("when customers ask about themselves, anywhere the User type appears, then the level is null", async () => {
    expect((await gql(server, `{ me { amlRiskLevel } }`, {}, bearer(customer.accessToken))).data!.me.amlRiskLevel).to.equal(null);
    const login = await gql(server, `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { auth { ${AUTH_FIELDS} } } }`, { e: customer.email, p: customer.password });
    expect(login.data!.login.auth.user.amlRiskLevel).to.equal(null);
  });

  it("when a compliance officer or an administrator asks, then they see it", async () => {
    const officer = await registerUser(server);
    await grantRole(server, officer.email, Role.COMPLIANCE_OFFICER);
    expect((await gql(server, `{ me { amlRiskLevel } }`, {}, bearer(officer.accessToken))).data!.me.amlRiskLevel).to.equal("LOW");
    const admin = await registerUser(server);
    await grantRole(server, admin.email, Role.ADMIN);
    const seen = await gql(server, `mutation ($u: ID!) { setUserRoles(userId: $u, roles: [TRADER]) { amlRiskLevel } }`, { u: customer.id }, bearer(admin.accessToken));
    expect(seen.errors).to.equal(undefined);
    expect(seen.data!.setUserRoles.amlRiskLevel).to.equal("HIGH");
  });

  it("when an administrator's API key asks, then the level is null: keys are for partner integrations, not compliance work", async () => {
    const admin = await registerUser(server);
    await grantRole(server, admin.email, Role.ADMIN);
    const created = await gql(server, `mutation { createApiKey(name: "partner", scopes: ["read:profile"]) { secret } }`, {}, bearer(admin.accessToken));
    const me = await gql(server, `{ me { amlRiskLevel } }`, {}, { authorization: `ApiKey ${created.data!.createApiKey.secret}` });
    expect(me.errors).to.equal(undefined);
    expect(me.data!.me.amlRiskLevel).to.equal(null);
  });
});
