import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { Role } from "../src/identity";
import { bearer, gql, startTestServer, tempDir } from "./helpers";

describe("demo users", () => {
  let server: RunningServer;
  const dataDir = tempDir();
  before(async () => {
    server = await startTestServer({ SEED_DEMO: "true", DATA_DIR: dataDir });
  });
  after(() => server?.stop());

  it("when the server seeds demo users, then one per staff role exists with a bcrypt hash, never the password", async () => {
    expect(server.demoLogins.map((login) => login.roles[0])).to.have.members([Role.TRADER, Role.ANALYST, Role.COMPLIANCE_OFFICER, Role.ADMIN]);
    for (const login of server.demoLogins) {
      const [row] = await server.database.dataSource.query("SELECT password_hash, roles FROM users WHERE email = $1", [login.email]);
      expect(row.password_hash).to.match(/^\$2b\$04\$/);
      expect(row.password_hash).not.to.contain(login.password);
      expect(row.roles).to.deep.equal(login.roles);
      expect(login.password).to.have.length.greaterThan(12);
    }
  });

  it("when the demo trader signs in, then a funded Demo portfolio is waiting, and a restart does not add another", async () => {
    const trader = server.demoLogins.find((login) => login.roles.includes(Role.TRADER))!;
    const login = await gql(server, `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { auth { accessToken } } }`, { e: trader.email, p: trader.password });
    const token = login.data!.login.auth.accessToken;
    const portfolios = async () => (await gql(server, `{ portfolios { name cashBalance } }`, {}, bearer(token))).data!.portfolios;
    expect(await portfolios()).to.deep.equal([{ name: "Demo", cashBalance: "100000" }]);
    await server.stop();
    server = await startTestServer({ SEED_DEMO: "true", DATA_DIR: dataDir });
    expect(await portfolios()).to.have.length(1);
  });

  it("when the server starts again on the same data, then the same logins are shown and kept owner-only", async () => {
    const first = server.demoLogins;
    await server.stop();
    server = await startTestServer({ SEED_DEMO: "true", DATA_DIR: dataDir });
    expect(server.demoLogins).to.deep.equal(first);
    const mode = fs.statSync(path.join(dataDir, "demo-logins.json")).mode & 0o777;
    expect(mode).to.equal(0o600);
  });
});
