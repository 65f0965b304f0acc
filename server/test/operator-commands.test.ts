import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect } from "chai";
import { type RunningServer, startServer } from "../src/app/server";
import { loadConfig } from "../src/config";
import { reencryptUserFields } from "../src/identity";
import { FieldCipher } from "../src/infra/crypto/field-cipher";
import { gql, registerUser, services, startTestServer, strongPassword, tempDir, TEST_ENCRYPTION_KEYS, testEnv } from "./helpers";
import { SERVER_ROOT } from "./processes";

const run = promisify(execFile);

function cli(args: string[], env: Record<string, string | undefined>) {
  return run(process.execPath, ["-r", "ts-node/register/transpile-only", "src/cli.ts", ...args], {
    cwd: SERVER_ROOT,
    env: { PATH: process.env.PATH, ...env },
  });
}

describe("operator commands", () => {
  it("when user:create makes an ADMIN from the shell, then that admin can sign in; run again it only adds a role", async function () {
    this.timeout(60_000);
    const env = testEnv();
    const email = `admin-${Date.now()}@example.com`;
    const password = strongPassword();
    const created = await cli(["user:create", "--email", email, "--password", password, "--role", "ADMIN"], env);
    expect(created.stdout).to.match(/^created .* with roles ADMIN$/m);
    const again = await cli(["user:create", "--email", email.toUpperCase(), "--password", "ignored", "--role", "compliance_officer"], env);
    expect(again.stdout).to.match(/^updated .* with roles ADMIN, COMPLIANCE_OFFICER$/m);
    const server = await startTestServer({ DATA_DIR: env.DATA_DIR, DATABASE_URL: env.DATABASE_URL });
    try {
      const login = await gql(server, `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { auth { user { roles } } } }`, { e: email, p: password });
      expect(login.data!.login.auth.user.roles).to.deep.equal(["ADMIN", "COMPLIANCE_OFFICER"]);
    } finally {
      await server.stop();
    }
  });

  it("when user:create is given a weak password or no role, then it refuses with a message and exit code 1", async function () {
    this.timeout(60_000);
    const env = testEnv();
    const weak = await cli(["user:create", "--email", `x-${Date.now()}@example.com`, "--password", "password", "--role", "ADMIN"], env).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(weak?.code).to.equal(1);
    expect(weak?.stderr).to.contain("at least 12 characters");
    const noRole = await cli(["user:create", "--email", "y@example.com", "--password", strongPassword()], env).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(noRole?.stderr).to.contain("usage:");
  });

  it("when the embedded database is open in one process, then a second is refused instead of corrupting it", async function () {
    this.timeout(60_000);
    const dataDir = tempDir();
    const server = await startTestServer({ DATA_DIR: dataDir, DATABASE_URL: undefined });
    try {
      const second = await cli(["user:create", "--email", "z@example.com", "--password", strongPassword(), "--role", "ADMIN"], testEnv({ DATA_DIR: dataDir, DATABASE_URL: undefined })).then(
        () => undefined,
        (error: { stderr: string }) => error,
      );
      expect(second?.stderr).to.contain("in use by process");
    } finally {
      await server.stop();
    }
  });

  describe("key rotation", () => {
    let server: RunningServer;
    const newKey = FieldCipher.generateKey();
    before(async () => {
      server = await startTestServer();
    });
    after(() => server?.stop());

    it("when a new key becomes active, then re-encryption moves every stale value to it and they still decrypt", async () => {
      if (!services.databaseUrl) throw new Error("DATABASE_URL must be set");
      const user = await registerUser(server, { dateOfBirth: "1970-01-02", phoneNumber: "+15551234567" });
      const rotated = FieldCipher.fromKeyRing(`${TEST_ENCRYPTION_KEYS},new:${newKey}`);
      const changed = await reencryptUserFields(server.database.dataSource, rotated);
      expect(changed).to.be.at.least(2);
      const [row] = await server.database.dataSource.query("SELECT date_of_birth, phone_number FROM users WHERE id = $1", [user.id]);
      expect(row.date_of_birth).to.match(/^v1\.new\./);
      expect(rotated.decrypt(row.date_of_birth, `users.date_of_birth:${user.id}`)).to.equal("1970-01-02");
      expect(rotated.decrypt(row.phone_number, `users.phone_number:${user.id}`)).to.equal("+15551234567");
      expect(await reencryptUserFields(server.database.dataSource, rotated)).to.equal(0);
    });
  });

  it("when production starts without secrets, then it refuses to start", async () => {
    const config = loadConfig(testEnv({ NODE_ENV: "production", BCRYPT_COST: "10", JWT_SECRET: undefined, ENCRYPTION_KEYS: undefined }));
    const error = await startServer(config).then(
      (running) => running.stop().then(() => undefined),
      (e: Error) => e.message,
    );
    expect(error).to.contain("JWT_SECRET and ENCRYPTION_KEYS must be set in production");
  });
});
