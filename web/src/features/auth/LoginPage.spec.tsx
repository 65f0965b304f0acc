import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { describe, expect, it } from "vitest";
import { currentSession } from "../../lib/session";
import { graphqlError, scriptedClient } from "../../test/client";
import { LoginPage } from "./LoginPage";

const auth = {
  __typename: "AuthPayload",
  accessToken: "access-1",
  accessTokenExpiresAt: "2099-01-01T00:00:00.000Z",
  refreshToken: "refresh-1",
  user: { __typename: "User", id: "u1", email: "ada@example.com", firstName: "Ada", lastName: "Lovelace", roles: ["TRADER"], mfaEnabled: true },
};

function setup(verify: (code: string) => ReturnType<typeof graphqlError> | { data: unknown }) {
  const api = scriptedClient({
    Login: () => ({ data: { login: { __typename: "LoginResult", mfaRequired: true, mfaChallenge: "challenge-1", auth: null } } }),
    VerifyMfa: (variables) => verify(String(variables.code)) as never,
  });
  render(
    <MemoryRouter initialEntries={["/login"]}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/portfolios" element={<p>portfolios screen</p>} />
      </Routes>
    </MemoryRouter>,
    { wrapper: api.wrapper },
  );
  return { api, user: userEvent.setup() };
}

async function signIn(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText("Email"), "ada@example.com");
  await user.type(screen.getByLabelText("Password"), "correct horse battery");
  await user.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("sign-in with a second factor", () => {
  it("when the password is right and MFA is on, then a code is asked for, and a TOTP code completes the sign-in", async () => {
    const { api, user } = setup(() => ({ data: { verifyMfa: auth } }));
    await signIn(user);
    expect(await screen.findByRole("heading", { name: "Two-factor check" })).toBeTruthy();
    expect(currentSession()).toBeNull();
    await user.type(screen.getByLabelText("Code"), "123 456");
    await user.click(screen.getByRole("button", { name: "Verify" }));
    expect(await screen.findByText("portfolios screen")).toBeTruthy();
    expect(api.sent("VerifyMfa")[0].variables).toEqual({ mfaChallenge: "challenge-1", code: "123456" });
    expect(currentSession()?.accessToken).toBe("access-1");
  });

  it("when a backup code is entered instead, then it is sent as typed (without spaces) and signs in", async () => {
    const { api, user } = setup((code) => (code === "ab12-cd34" ? { data: { verifyMfa: auth } } : graphqlError("Invalid code", "UNAUTHENTICATED")));
    await signIn(user);
    await user.type(await screen.findByLabelText("Code"), "ab12-cd34");
    await user.click(screen.getByRole("button", { name: "Verify" }));
    expect(await screen.findByText("portfolios screen")).toBeTruthy();
    expect(api.sent("VerifyMfa")[0].variables.code).toBe("ab12-cd34");
  });

  it("when the code is wrong, then the server's reason is shown, no session is kept, and another code can be tried", async () => {
    const { user } = setup(() => graphqlError("The code is not valid", "UNAUTHENTICATED"));
    await signIn(user);
    await user.type(await screen.findByLabelText("Code"), "000000");
    await user.click(screen.getByRole("button", { name: "Verify" }));
    expect((await screen.findByTestId("form-error")).textContent).toBe("The code is not valid");
    expect(currentSession()).toBeNull();
    await waitFor(() => expect((screen.getByRole("button", { name: "Verify" }) as HTMLButtonElement).disabled).toBe(false));
  });
});

describe("where a sign-in lands", () => {
  it.each([
    [["ANALYST"], "analytics screen"],
    [["COMPLIANCE_OFFICER"], "compliance screen"],
    [["TRADER", "ANALYST"], "portfolios screen"],
  ])("when a user with roles %j signs in, then they land on the %s (a screen their roles can use)", async (roles, landing) => {
    const api = scriptedClient({
      Login: () => ({ data: { login: { __typename: "LoginResult", mfaRequired: false, mfaChallenge: null, auth: { ...auth, user: { ...auth.user, roles } } } } }),
    });
    render(
      <MemoryRouter initialEntries={["/login"]}>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route path="/portfolios" element={<p>portfolios screen</p>} />
          <Route path="/analytics" element={<p>analytics screen</p>} />
          <Route path="/compliance" element={<p>compliance screen</p>} />
        </Routes>
      </MemoryRouter>,
      { wrapper: api.wrapper },
    );
    await signIn(userEvent.setup());
    expect(await screen.findByText(landing)).toBeTruthy();
  });
});
