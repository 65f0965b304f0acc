import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { AUTH_FIELDS, bearer, codeOf, gql, registerUser, startTestServer, strongPassword, type TestUser } from "./helpers";

const CHANGE = `mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`;
const REQUEST = `mutation ($e: String!) { requestPasswordReset(email: $e) }`;
const RESET = `mutation ($t: String!, $n: String!) { resetPassword(token: $t, newPassword: $n) }`;
const LOGIN = `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { mfaRequired auth { ${AUTH_FIELDS} } } }`;
const REFRESH = `mutation ($r: String!) { refreshToken(refreshToken: $r) { accessToken refreshToken } }`;

describe("passwords: change and reset", () => {
  let server: RunningServer;

  const login = async (email: string, password: string) => (await gql(server, LOGIN, { e: email, p: password })).data?.login.auth as { accessToken: string; refreshToken: string } | undefined;
  const outbox = () => path.join(server.config.dataDir, "outbox");
  const mailsTo = (email: string) =>
    fs.existsSync(outbox()) ? fs.readdirSync(outbox()).map((file) => fs.readFileSync(path.join(outbox(), file), "utf8")).filter((mail) => mail.includes(`To: ${email}`)) : [];
  const tokenIn = (mail: string) => /#token=([A-Za-z0-9_-]+)/.exec(mail)![1];
  const auditEvents = async (userId: string) =>
    ((await server.database.dataSource.query(`SELECT event_type FROM audit_logs WHERE user_id = $1 ORDER BY seq`, [userId])) as Array<{ event_type: string }>).map((row) => row.event_type);

  before(async () => {
    server = await startTestServer();
  });

  after(async () => {
    await server?.stop();
  });

  describe("changePassword", () => {
    let user: TestUser;
    beforeEach(async () => {
      user = await registerUser(server);
    });

    it("when the current password is wrong, then it is refused and counts as a failed sign-in", async () => {
      const response = await gql(server, CHANGE, { c: "not-the-password-at-all", n: strongPassword() }, bearer(user.accessToken));
      expect(codeOf(response)).to.equal("BAD_USER_INPUT");
      expect(response.errors![0].extensions!.field).to.equal("currentPassword");
      expect(await auditEvents(user.id)).to.include("auth.login_failed");
      expect(await login(user.email, user.password)).to.not.equal(undefined);
    });

    it("when it succeeds, then the new password signs in, the old does not, and every other session ends while this one continues", async () => {
      const other = (await login(user.email, user.password))!;
      const next = strongPassword();
      const response = await gql(server, CHANGE, { c: user.password, n: next }, bearer(user.accessToken));
      expect(response.errors).to.equal(undefined);
      expect(response.data!.changePassword).to.equal(true);
      expect(await login(user.email, user.password)).to.equal(undefined);
      expect(await login(user.email, next)).to.not.equal(undefined);
      expect(codeOf(await gql(server, `{ me { id } }`, {}, bearer(other.accessToken)))).to.equal("UNAUTHENTICATED");
      expect(codeOf(await gql(server, REFRESH, { r: other.refreshToken }))).to.equal("UNAUTHENTICATED");
      expect((await gql(server, `{ me { id } }`, {}, bearer(user.accessToken))).data!.me.id).to.equal(user.id);
      expect((await gql(server, REFRESH, { r: user.refreshToken })).errors).to.equal(undefined);
      expect(await auditEvents(user.id)).to.include("auth.password_changed");
    });

    it("when the new password breaks the policy, then it is BAD_USER_INPUT and nothing changes", async () => {
      expect(codeOf(await gql(server, CHANGE, { c: user.password, n: "password123" }, bearer(user.accessToken)))).to.equal("BAD_USER_INPUT");
      expect(await login(user.email, user.password)).to.not.equal(undefined);
    });

    it("when an anonymous caller tries, then it is UNAUTHENTICATED", async () => {
      expect(codeOf(await gql(server, CHANGE, { c: "x", n: strongPassword() }))).to.equal("UNAUTHENTICATED");
    });
  });

  describe("requestPasswordReset and resetPassword", () => {
    it("when the address is unknown, then the answer is the same true and no mail is written", async () => {
      const email = `nobody-${Date.now()}@example.com`;
      const response = await gql(server, REQUEST, { e: email });
      expect(response.data!.requestPasswordReset).to.equal(true);
      await server.services.passwords.idle();
      expect(mailsTo(email)).to.deep.equal([]);
    });

    it("when a reset link is used, then the password changes once, every session ends, and the link cannot be used again", async () => {
      const user = await registerUser(server);
      const session = (await login(user.email, user.password))!;
      expect((await gql(server, REQUEST, { e: `  ${user.email.toUpperCase()} ` })).data!.requestPasswordReset).to.equal(true);
      await server.services.passwords.idle();
      const [mail] = mailsTo(user.email);
      const token = tokenIn(mail);
      const [{ token_hash: stored }] = await server.database.dataSource.query(`SELECT token_hash FROM password_reset_tokens WHERE user_id = $1`, [user.id]);
      expect(stored).not.to.contain(token);

      // A refused password leaves the link usable.
      expect(codeOf(await gql(server, RESET, { t: token, n: "short" }))).to.equal("BAD_USER_INPUT");
      const next = strongPassword();
      expect((await gql(server, RESET, { t: token, n: next })).data!.resetPassword).to.equal(true);
      expect(codeOf(await gql(server, RESET, { t: token, n: strongPassword() }))).to.equal("BAD_USER_INPUT");

      expect(codeOf(await gql(server, REFRESH, { r: session.refreshToken }))).to.equal("UNAUTHENTICATED");
      expect(codeOf(await gql(server, `{ me { id } }`, {}, bearer(user.accessToken)))).to.equal("UNAUTHENTICATED");
      expect(await login(user.email, user.password)).to.equal(undefined);
      expect(await login(user.email, next)).to.not.equal(undefined);
      expect(await auditEvents(user.id)).to.include.members(["auth.password_reset_requested", "auth.password_reset"]);
    });

    it("when a link is older than 30 minutes or made up, then it is refused", async () => {
      const user = await registerUser(server);
      await gql(server, REQUEST, { e: user.email });
      await server.services.passwords.idle();
      const token = tokenIn(mailsTo(user.email)[0]);
      await server.database.dataSource.query(`UPDATE password_reset_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [user.id]);
      expect(codeOf(await gql(server, RESET, { t: token, n: strongPassword() }))).to.equal("BAD_USER_INPUT");
      expect(codeOf(await gql(server, RESET, { t: "made-up-token", n: strongPassword() }))).to.equal("BAD_USER_INPUT");
      expect(await login(user.email, user.password)).to.not.equal(undefined);
    });

    it("when resets are asked for again and again, then at most three mails an hour reach the address", async () => {
      const user = await registerUser(server);
      for (let i = 0; i < 5; i++) {
        expect((await gql(server, REQUEST, { e: user.email })).data!.requestPasswordReset).to.equal(true);
        await server.services.passwords.idle();
      }
      expect(mailsTo(user.email)).to.have.length(3);
    });
  });
});
