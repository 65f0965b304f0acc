import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { totpAt } from "../src/identity";
import { AUTH_FIELDS, bearer, codeOf, gql, registerUser, startTestServer, strongPassword } from "./helpers";

const LOGIN = `mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { mfaRequired mfaChallenge auth { ${AUTH_FIELDS} } } }`;
const VERIFY = `mutation ($c: String!, $code: String!) { verifyMfa(mfaChallenge: $c, code: $code) { ${AUTH_FIELDS} } }`;
const REFRESH = `mutation ($t: String!) { refreshToken(refreshToken: $t) { ${AUTH_FIELDS} } }`;
const ME = "{ me { id email roles mfaEnabled } }";

describe("identity over HTTP", () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server?.stop());

  describe("registration and login", () => {
    it("when a trader registers, then they are signed in as TRADER and `me` answers with their account", async () => {
      const user = await registerUser(server, { country: "de", dateOfBirth: "1990-04-01", phoneNumber: "+4930123456" });
      const { data } = await gql(server, ME, {}, bearer(user.accessToken));
      expect(data!.me).to.deep.include({ id: user.id, email: user.email, roles: ["TRADER"], mfaEnabled: false });
    });

    it("when personal data is stored, then date of birth and phone are ciphertext at rest", async () => {
      const user = await registerUser(server, { dateOfBirth: "1985-12-24", phoneNumber: "+4930999888" });
      const [row] = await server.database.dataSource.query("SELECT date_of_birth, phone_number, password_hash FROM users WHERE id = $1", [user.id]);
      expect(row.date_of_birth).to.match(/^v1\./).and.not.contain("1985");
      expect(row.phone_number).to.match(/^v1\./).and.not.contain("4930999888");
      expect(row.password_hash).to.match(/^\$2b\$/);
    });

    it("when a password is short or common, then registration is refused with BAD_USER_INPUT on the password field", async () => {
      for (const password of ["short", "password123456", "Password2024!!", "aaaaaaaaaaaaaaaa"]) {
        const response = await gql(server, `mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }`, {
          input: { email: `weak-${Date.now()}@example.com`, password, firstName: "A", lastName: "B" },
        });
        expect(codeOf(response), password).to.equal("BAD_USER_INPUT");
        expect(response.errors![0].extensions!.field).to.equal("password");
      }
    });

    it("when an email is registered twice in any case, then the second is a CONFLICT and login ignores case and spaces", async () => {
      const user = await registerUser(server);
      const again = await gql(server, `mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }`, {
        input: { email: `  ${user.email.toUpperCase()} `, password: strongPassword(), firstName: "A", lastName: "B" },
      });
      expect(codeOf(again)).to.equal("CONFLICT");
      const login = await gql(server, LOGIN, { email: user.email.toUpperCase(), password: user.password });
      expect(login.data!.login.auth.user.id).to.equal(user.id);
    });

    it("when the password is wrong or the email unknown, then both get the same UNAUTHENTICATED answer", async () => {
      const user = await registerUser(server);
      const wrong = await gql(server, LOGIN, { email: user.email, password: "not-the-password-at-all" });
      const unknown = await gql(server, LOGIN, { email: `nobody-${Date.now()}@example.com`, password: "not-the-password-at-all" });
      expect(codeOf(wrong)).to.equal("UNAUTHENTICATED");
      expect(wrong.errors![0].message).to.equal(unknown.errors![0].message);
      expect(codeOf(unknown)).to.equal("UNAUTHENTICATED");
    });

    it("when five logins fail in a row, then the account locks and even the right password is refused, and it is audited", async () => {
      const user = await registerUser(server);
      for (let i = 0; i < 5; i++) await gql(server, LOGIN, { email: user.email, password: `wrong-password-${i}-xx` });
      const right = await gql(server, LOGIN, { email: user.email, password: user.password });
      expect(codeOf(right)).to.equal("UNAUTHENTICATED");
      const [row] = await server.database.dataSource.query("SELECT locked_until FROM users WHERE id = $1", [user.id]);
      expect(new Date(row.locked_until).getTime()).to.be.greaterThan(Date.now() + 14 * 60_000);
      const events = await server.database.dataSource.query("SELECT event_type FROM audit_logs WHERE user_id = $1 ORDER BY seq", [user.id]);
      expect(events.map((e: { event_type: string }) => e.event_type)).to.include("auth.account_locked");
    });

    it("when a token is malformed or forged, then the request is UNAUTHENTICATED with HTTP 401", async () => {
      const user = await registerUser(server);
      const [header, payload] = user.accessToken.split(".");
      const forged = await gql(server, ME, {}, bearer(`${header}.${payload}.${"A".repeat(43)}`));
      expect(forged.status).to.equal(401);
      expect(codeOf(forged)).to.equal("UNAUTHENTICATED");
      const noneAlg = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
      expect(codeOf(await gql(server, ME, {}, bearer(`${noneAlg}.${payload}.`)))).to.equal("UNAUTHENTICATED");
      expect(codeOf(await gql(server, ME, {}, { authorization: "Basic dXNlcjpwYXNz" }))).to.equal("UNAUTHENTICATED");
    });
  });

  describe("refresh tokens", () => {
    it("when a refresh token is used, then a new pair comes back and the old one is spent", async () => {
      const user = await registerUser(server);
      const first = await gql(server, REFRESH, { t: user.refreshToken });
      expect(codeOf(first)).to.equal(undefined);
      const rotated = first.data!.refreshToken;
      expect(rotated.refreshToken).not.to.equal(user.refreshToken);
      expect(codeOf(await gql(server, ME, {}, bearer(rotated.accessToken)))).to.equal(undefined);
    });

    it("when a spent refresh token is presented again, then the whole family is revoked, access tokens included", async () => {
      const user = await registerUser(server);
      const rotated = (await gql(server, REFRESH, { t: user.refreshToken })).data!.refreshToken;
      const replay = await gql(server, REFRESH, { t: user.refreshToken });
      expect(codeOf(replay)).to.equal("UNAUTHENTICATED");
      expect(codeOf(await gql(server, REFRESH, { t: rotated.refreshToken }))).to.equal("UNAUTHENTICATED");
      expect(codeOf(await gql(server, ME, {}, bearer(rotated.accessToken)))).to.equal("UNAUTHENTICATED");
      const events = await server.database.dataSource.query("SELECT event_type FROM audit_logs WHERE user_id = $1", [user.id]);
      expect(events.map((e: { event_type: string }) => e.event_type)).to.include("auth.token_family_revoked");
    });

    it("when the user logs out, then the refresh token and the access token stop working at once", async () => {
      const user = await registerUser(server);
      const out = await gql(server, `mutation ($t: String) { logout(refreshToken: $t) }`, { t: user.refreshToken }, bearer(user.accessToken));
      expect(out.data).to.deep.equal({ logout: true });
      expect(codeOf(await gql(server, ME, {}, bearer(user.accessToken)))).to.equal("UNAUTHENTICATED");
      expect(codeOf(await gql(server, REFRESH, { t: user.refreshToken }))).to.equal("UNAUTHENTICATED");
    });

    it("when a refresh token is stored, then only its SHA-256 is in the database", async () => {
      const user = await registerUser(server);
      const rows = await server.database.dataSource.query("SELECT token_hash FROM refresh_tokens WHERE user_id = $1", [user.id]);
      expect(rows).to.have.length(1);
      expect(rows[0].token_hash).to.match(/^[0-9a-f]{64}$/).and.not.equal(user.refreshToken);
    });
  });

  describe("MFA", () => {
    async function enrol() {
      const user = await registerUser(server);
      const setup = (await gql(server, "mutation { enableMfa { secret otpauthUrl qrCodeDataUrl } }", {}, bearer(user.accessToken))).data!.enableMfa;
      const now = Math.floor(Date.now() / 1000);
      const codes = (await gql(server, `mutation ($c: String!) { confirmMfa(code: $c) }`, { c: totpAt(setup.secret, now) }, bearer(user.accessToken))).data!
        .confirmMfa as string[];
      return { user, setup, codes };
    }

    it("when MFA is enabled, then a QR code and otpauth URL come back, and confirming returns ten distinct backup codes", async () => {
      const { user, setup, codes } = await enrol();
      expect(setup.otpauthUrl).to.match(/^otpauth:\/\/totp\/.*secret=/);
      expect(setup.qrCodeDataUrl).to.match(/^data:image\/png;base64,/);
      expect(new Set(codes).size).to.equal(10);
      const [row] = await server.database.dataSource.query("SELECT mfa_secret, backup_codes FROM users WHERE id = $1", [user.id]);
      expect(row.mfa_secret).to.match(/^v1\./).and.not.contain(setup.secret);
      for (const code of codes) expect(row.backup_codes).not.to.contain(code);
    });

    it("when MFA is on, then login asks for it and a TOTP code completes it once; the same code cannot be replayed", async () => {
      const { user, setup } = await enrol();
      const first = (await gql(server, LOGIN, { email: user.email, password: user.password })).data!.login;
      expect(first).to.include({ mfaRequired: true, auth: null });
      // The next step's code: confirmMfa spent the current one, and one step of drift is allowed.
      const code = totpAt(setup.secret, Math.floor(Date.now() / 1000) + 30);
      const done = await gql(server, VERIFY, { c: first.mfaChallenge, code });
      expect(done.data!.verifyMfa.user.id).to.equal(user.id);
      const again = (await gql(server, LOGIN, { email: user.email, password: user.password })).data!.login;
      expect(codeOf(await gql(server, VERIFY, { c: again.mfaChallenge, code }))).to.equal("UNAUTHENTICATED");
      expect(codeOf(await gql(server, VERIFY, { c: first.mfaChallenge, code }))).to.equal("UNAUTHENTICATED");
    });

    it("when a backup code is used, then it signs in once and the second use fails", async () => {
      const { user, codes } = await enrol();
      const challenge = async () => (await gql(server, LOGIN, { email: user.email, password: user.password })).data!.login.mfaChallenge;
      const ok = await gql(server, VERIFY, { c: await challenge(), code: codes[3].toLowerCase() });
      expect(codeOf(ok)).to.equal(undefined);
      expect(codeOf(await gql(server, VERIFY, { c: await challenge(), code: codes[3] }))).to.equal("UNAUTHENTICATED");
      const events = await server.database.dataSource.query("SELECT event_type FROM audit_logs WHERE user_id = $1", [user.id]);
      expect(events.map((e: { event_type: string }) => e.event_type)).to.include.members(["auth.mfa_enabled", "auth.backup_code_used"]);
    });

    it("when backup codes are issued, then each has at least 64 bits and is stored as an HMAC under the server's key, bound to its user", async () => {
      const { user, codes } = await enrol();
      // 14 characters of a 30-character alphabet: 14 x log2(30) = 68.7 bits.
      for (const code of codes) expect(code).to.match(/^[ABCDEFGHJKMNPQRSTVWXYZ2-9]{7}-[ABCDEFGHJKMNPQRSTVWXYZ2-9]{7}$/);
      const [row] = await server.database.dataSource.query("SELECT backup_codes FROM users WHERE id = $1", [user.id]);
      const stored = JSON.parse(row.backup_codes) as Array<{ hash: string }>;
      for (const entry of stored) expect(entry.hash).to.match(/^m1\.test\.[A-Za-z0-9_-]{43}$/);
      // Plain SHA-256 of a code (what a stolen table could be checked against offline) is not there.
      const { createHash } = await import("node:crypto");
      expect(row.backup_codes).not.to.contain(createHash("sha256").update(codes[0].replace("-", "")).digest("hex"));
    });

    it("when a user still has backup codes from before HMAC (bare SHA-256), then each still works once", async () => {
      const { user } = await enrol();
      const { createHash } = await import("node:crypto");
      const legacy = "ABCDE-FGHJK";
      const hash = createHash("sha256").update("ABCDEFGHJK").digest("hex");
      await server.database.dataSource.query("UPDATE users SET backup_codes = $2 WHERE id = $1", [user.id, JSON.stringify([{ hash, usedAt: null }])]);
      const challenge = async () => (await gql(server, LOGIN, { email: user.email, password: user.password })).data!.login.mfaChallenge;
      expect(codeOf(await gql(server, VERIFY, { c: await challenge(), code: legacy }))).to.equal(undefined);
      expect(codeOf(await gql(server, VERIFY, { c: await challenge(), code: legacy }))).to.equal("UNAUTHENTICATED");
    });

    it("when backup codes are regenerated with a current code, then the old ones stop working and the new ones work once", async () => {
      const { user, setup, codes } = await enrol();
      const REGENERATE = `mutation ($c: String!) { regenerateBackupCodes(code: $c) }`;
      expect(codeOf(await gql(server, REGENERATE, { c: "000000" }, bearer(user.accessToken)))).to.equal("BAD_USER_INPUT");
      // The next step's code: confirmMfa spent the current one.
      const fresh = await gql(server, REGENERATE, { c: totpAt(setup.secret, Math.floor(Date.now() / 1000) + 30) }, bearer(user.accessToken));
      const next = fresh.data!.regenerateBackupCodes as string[];
      expect(next).to.have.length(10);
      expect(next).not.to.include.members([codes[0]]);
      const challenge = async () => (await gql(server, LOGIN, { email: user.email, password: user.password })).data!.login.mfaChallenge;
      expect(codeOf(await gql(server, VERIFY, { c: await challenge(), code: codes[0] }))).to.equal("UNAUTHENTICATED");
      expect(codeOf(await gql(server, VERIFY, { c: await challenge(), code: next[0] }))).to.equal(undefined);
    });

    it("when wrong codes are tried across fresh challenges, then the password does not reset the count and the account locks", async () => {
      const { user, setup } = await enrol();
      const login = () => gql(server, LOGIN, { email: user.email, password: user.password });
      const now = Math.floor(Date.now() / 1000);
      const valid = new Set([-30, 0, 30, 60].map((drift) => totpAt(setup.secret, now + drift)));
      const wrong = ["000000", "111111", "222222"].find((code) => !valid.has(code))!;
      for (let i = 0; i < 5; i++) {
        const challenge = (await login()).data!.login.mfaChallenge;
        await gql(server, VERIFY, { c: challenge, code: wrong });
      }
      expect(codeOf(await login())).to.equal("UNAUTHENTICATED");
      const [row] = await server.database.dataSource.query("SELECT locked_until FROM users WHERE id = $1", [user.id]);
      expect(row.locked_until).not.to.equal(null);
    });

    it("when MFA is disabled, then a current code is required", async () => {
      const { user, setup } = await enrol();
      const now = Math.floor(Date.now() / 1000);
      const valid = new Set([-30, 0, 30, 60].map((drift) => totpAt(setup.secret, now + drift)));
      const badCode = ["000000", "111111", "222222"].find((code) => !valid.has(code))!;
      const wrong = await gql(server, `mutation ($c: String!) { disableMfa(code: $c) }`, { c: badCode }, bearer(user.accessToken));
      expect(codeOf(wrong)).to.equal("BAD_USER_INPUT");
      const code = totpAt(setup.secret, Math.floor(Date.now() / 1000) + 30);
      const ok = await gql(server, `mutation ($c: String!) { disableMfa(code: $c) }`, { c: code }, bearer(user.accessToken));
      expect(ok.data).to.deep.equal({ disableMfa: true });
      expect((await gql(server, ME, {}, bearer(user.accessToken))).data!.me.mfaEnabled).to.equal(false);
    });
  });
});
