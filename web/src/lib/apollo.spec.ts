import { afterEach, describe, expect, it, vi } from "vitest";
import { MeDocument } from "../gql/graphql";
import { type AppClient, createAppClient } from "./apollo";
import { currentSession, type Session, setSession } from "./session";

const user = { id: "u1", email: "ada@example.com", firstName: "Ada", lastName: "Lovelace", roles: ["TRADER"], mfaEnabled: false };
const session = (access: string, refresh: string): Session => ({ accessToken: access, accessTokenExpiresAt: "2099-01-01T00:00:00.000Z", refreshToken: refresh, user });
const me = { me: { __typename: "User", ...user, kycStatus: "NOT_STARTED" } };

type Reply = (body: { operationName?: string; variables?: Record<string, unknown> }, authorization: string | null) => unknown;

/** A server behind fetch: every request is recorded with the authorization it carried. */
function server(reply: Reply) {
  const seen: Array<{ operationName?: string; authorization: string | null; cookieMode: string | null; credentials?: RequestCredentials }> = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (_url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body));
      const headers = new Headers(init.headers);
      seen.push({ operationName: body.operationName ?? (String(body.query).includes("refreshToken(") ? "RefreshSession" : undefined), authorization: headers.get("authorization"), cookieMode: headers.get("x-session-cookie"), credentials: init.credentials });
      return new Response(JSON.stringify(reply(body, headers.get("authorization"))), { headers: { "content-type": "application/graphql-response+json" } });
    }),
  );
  return seen;
}

let app: AppClient | undefined;
afterEach(() => {
  app?.dispose();
  app = undefined;
  vi.unstubAllGlobals();
});

describe("Apollo Client session handling", () => {
  it("when a request is refused as UNAUTHENTICATED, then the cookie's refresh token is spent once and the request is retried with the new access token", async () => {
    setSession(session("old-access", ""));
    const seen = server((body, authorization) => {
      if (String((body as { query?: string }).query ?? "").includes("refreshToken(")) {
        // Cookie mode: the token is in the httpOnly cookie, "" asks the server to use it.
        expect(body.variables).toEqual({ refreshToken: "" });
        return { data: { refreshToken: { ...session("new-access", ""), user: { __typename: "User", ...user } } } };
      }
      return authorization === "Bearer new-access" ? { data: me } : { data: null, errors: [{ message: "Token expired", extensions: { code: "UNAUTHENTICATED" } }] };
    });
    app = createAppClient(() => {});
    const { data } = await app.client.query({ query: MeDocument });
    expect(data?.me.email).toBe("ada@example.com");
    expect(seen.map((s) => [s.operationName, s.authorization])).toEqual([
      ["Me", "Bearer old-access"],
      ["RefreshSession", null],
      ["Me", "Bearer new-access"],
    ]);
    expect(currentSession()).toMatchObject({ accessToken: "new-access", refreshToken: "" });
    // Every request asks for cookie mode and lets the browser send the cookie.
    expect(seen.every((s) => s.cookieMode === "1" && s.credentials === "include")).toBe(true);
  });

  it("when a server answers a refresh token in the body anyway, then it never reaches localStorage", () => {
    setSession(session("access", "a-refresh-token-from-an-old-server"));
    expect(globalThis.localStorage.getItem("bg.session")).not.toContain("a-refresh-token-from-an-old-server");
  });

  it("when the refresh token is refused too, then the session ends, the cache is cleared, and the request fails", async () => {
    setSession(session("old-access", "stolen"));
    server((body) =>
      String((body as { query?: string }).query ?? "").includes("refreshToken(")
        ? { data: null, errors: [{ message: "Refresh token reused; session revoked", extensions: { code: "UNAUTHENTICATED" } }] }
        : { data: null, errors: [{ message: "Token expired", extensions: { code: "UNAUTHENTICATED" } }] },
    );
    app = createAppClient(() => {});
    // Ending the session clears the store, which aborts the request still in flight.
    await expect(app.client.query({ query: MeDocument })).rejects.toThrow();
    expect(currentSession()).toBeNull();
  });

  it("when the access token is about to expire, then it is refreshed before the request is sent", async () => {
    setSession({ ...session("stale-access", "refresh-1"), accessTokenExpiresAt: new Date(Date.now() + 5_000).toISOString() });
    const seen = server((body) =>
      String((body as { query?: string }).query ?? "").includes("refreshToken(")
        ? { data: { refreshToken: { ...session("fresh-access", "refresh-2"), user: { __typename: "User", ...user } } } }
        : { data: me },
    );
    app = createAppClient(() => {});
    await app.client.query({ query: MeDocument });
    expect(seen.map((s) => s.authorization)).toEqual([null, "Bearer fresh-access"]);
  });

  it("when the server answers RATE_LIMITED with a wait, then the request is asked again after it and succeeds without an error", async () => {
    setSession(session("access", "refresh-1"));
    let calls = 0;
    server(() => (++calls === 1 ? { data: null, errors: [{ message: "Rate limited: retry in 0 s", extensions: { code: "RATE_LIMITED", retryAfterSeconds: 0 } }] } : { data: me }));
    app = createAppClient(() => {});
    const { data, error } = await app.client.query({ query: MeDocument });
    expect(error).toBeUndefined();
    expect(data?.me.firstName).toBe("Ada");
    expect(calls).toBe(2);
  });
});
