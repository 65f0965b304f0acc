import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { AUTH_FIELDS, bearer, codeOf, gql, registerUser, startTestServer } from "./helpers";

const LOGIN = `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { auth { ${AUTH_FIELDS} } } }`;
const REFRESH = `mutation ($r: String!) { refreshToken(refreshToken: $r) { accessToken refreshToken } }`;
const COOKIE_MODE = { "x-session-cookie": "1" };

/** The bg_refresh cookie a response sets: its value and attributes. */
function refreshCookie(headers: Headers): { value: string; attributes: string } | null {
  const cookie = headers.getSetCookie().find((line) => line.startsWith("bg_refresh="));
  if (!cookie) return null;
  const [pair, ...attributes] = cookie.split(";");
  return { value: pair.slice("bg_refresh=".length), attributes: attributes.map((part) => part.trim()).join("; ") };
}

describe("the web app's session cookie", () => {
  let server: RunningServer;

  before(async () => {
    server = await startTestServer();
  });

  after(async () => {
    await server?.stop();
  });

  it("when a sign-in asks for cookie mode, then the refresh token goes into an httpOnly SameSite=Strict cookie on /graphql and the body says \"\"", async () => {
    const user = await registerUser(server);
    const response = await gql(server, LOGIN, { e: user.email, p: user.password }, COOKIE_MODE);
    expect(response.data!.login.auth.refreshToken).to.equal("");
    const cookie = refreshCookie(response.headers)!;
    expect(cookie.value).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie.attributes).to.include("Path=/graphql").and.include("HttpOnly").and.include("SameSite=Strict").and.include("Max-Age=");
    expect(cookie.attributes, "no Secure on plain HTTP").not.to.include("Secure");
  });

  it("when refreshToken(\"\") comes with the cookie in cookie mode, then the cookie's token is spent and a new one is set; without the header the cookie is not read", async () => {
    const user = await registerUser(server);
    const signedIn = await gql(server, LOGIN, { e: user.email, p: user.password }, COOKIE_MODE);
    const first = refreshCookie(signedIn.headers)!.value;
    const withCookie = (value: string, extra: Record<string, string> = COOKIE_MODE) => ({ ...extra, cookie: `other=1; bg_refresh=${value}` });

    expect(codeOf(await gql(server, REFRESH, { r: "" }, withCookie(first, {})))).to.equal("UNAUTHENTICATED");
    const refreshed = await gql(server, REFRESH, { r: "" }, withCookie(first));
    expect(refreshed.errors).to.equal(undefined);
    expect(refreshed.data!.refreshToken.refreshToken).to.equal("");
    const second = refreshCookie(refreshed.headers)!.value;
    expect(second).not.to.equal(first);
    expect((await gql(server, `{ me { id } }`, {}, bearer(refreshed.data!.refreshToken.accessToken))).data!.me.id).to.equal(user.id);
    // The spent cookie presented again is a reuse: the family is revoked, as for a body token.
    expect(codeOf(await gql(server, REFRESH, { r: "" }, withCookie(first)))).to.equal("UNAUTHENTICATED");
    expect(codeOf(await gql(server, REFRESH, { r: "" }, withCookie(second)))).to.equal("UNAUTHENTICATED");
  });

  it("when an API client signs in without the header, then the refresh token stays in the body and no cookie is set", async () => {
    const user = await registerUser(server);
    const response = await gql(server, LOGIN, { e: user.email, p: user.password });
    expect(response.data!.login.auth.refreshToken).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(refreshCookie(response.headers)).to.equal(null);
  });

  it("when a cookie-mode session logs out, then the cookie is cleared and its token no longer refreshes", async () => {
    const user = await registerUser(server);
    const signedIn = await gql(server, LOGIN, { e: user.email, p: user.password }, COOKIE_MODE);
    const token = refreshCookie(signedIn.headers)!.value;
    const out = await gql(server, `mutation { logout }`, {}, { ...COOKIE_MODE, ...bearer(signedIn.data!.login.auth.accessToken), cookie: `bg_refresh=${token}` });
    expect(out.data!.logout).to.equal(true);
    expect(refreshCookie(out.headers)).to.deep.include({ value: "" });
    expect(refreshCookie(out.headers)!.attributes).to.include("Max-Age=0");
    expect(codeOf(await gql(server, REFRESH, { r: token }))).to.equal("UNAUTHENTICATED");
  });
});
