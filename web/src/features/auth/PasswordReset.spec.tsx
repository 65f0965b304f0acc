import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { describe, expect, it } from "vitest";
import { graphqlError, type ScriptedResult, scriptedClient } from "../../test/client";
import { ForgotPasswordPage } from "./ForgotPasswordPage";
import { LoginPage } from "./LoginPage";
import { ResetPasswordPage } from "./ResetPasswordPage";

function setup(entry: string, handlers: Record<string, (variables: Record<string, unknown>) => ScriptedResult>) {
  const api = scriptedClient(handlers);
  render(
    <MemoryRouter initialEntries={[entry]}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/forgot-password" element={<ForgotPasswordPage />} />
        <Route path="/reset-password" element={<ResetPasswordPage />} />
      </Routes>
    </MemoryRouter>,
    { wrapper: api.wrapper },
  );
  return { api, user: userEvent.setup() };
}

describe("forgot password", () => {
  it("when 'Forgot password?' is followed from sign-in and an address sent, then requestPasswordReset gets it and the answer does not say whether it has an account", async () => {
    const { api, user } = setup("/login", { RequestPasswordReset: () => ({ data: { requestPasswordReset: true } }) });
    await user.click(screen.getByRole("link", { name: "Forgot password?" }));
    await user.type(await screen.findByLabelText("Email"), " ada@example.com ");
    await user.click(screen.getByRole("button", { name: "Send reset link" }));
    expect((await screen.findByRole("status")).textContent).toMatch(/If an account uses ada@example\.com/);
    expect(api.sent("RequestPasswordReset")[0].variables).toEqual({ email: "ada@example.com" });
  });

  it("when the request is refused (a malformed address), then the reason is shown and no mail is promised", async () => {
    const { user } = setup("/forgot-password", { RequestPasswordReset: () => graphqlError("Expected an email address", "BAD_USER_INPUT") });
    await user.type(screen.getByLabelText("Email"), "ada@example.com");
    await user.click(screen.getByRole("button", { name: "Send reset link" }));
    expect((await screen.findByTestId("form-error")).textContent).toBe("Expected an email address");
    expect(screen.queryByRole("status")).toBeNull();
  });
});

describe("reset password from the mailed link", () => {
  it("when the link's token and a new password are sent, then resetPassword gets both and the page says every session was signed out and offers sign-in", async () => {
    const { api, user } = setup("/reset-password#token=tok_abc123", { ResetPassword: () => ({ data: { resetPassword: true } }) });
    await user.type(screen.getByLabelText("New password"), "a much longer new passphrase");
    await user.click(screen.getByRole("button", { name: "Set new password" }));
    expect((await screen.findByRole("status")).textContent).toMatch(/every session was signed out/);
    expect(api.sent("ResetPassword")[0].variables).toEqual({ token: "tok_abc123", newPassword: "a much longer new passphrase" });
    await user.click(screen.getByRole("link", { name: "Sign in" }));
    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeTruthy();
  });

  it("when the token is expired or used, then the server's reason is shown with a way to ask for a new link", async () => {
    const { user } = setup("/reset-password#token=tok_old", { ResetPassword: () => graphqlError("This reset link has expired or was already used", "BAD_USER_INPUT") });
    await user.type(screen.getByLabelText("New password"), "a much longer new passphrase");
    await user.click(screen.getByRole("button", { name: "Set new password" }));
    expect((await screen.findByTestId("form-error")).textContent).toBe("This reset link has expired or was already used");
    expect(screen.getByRole("link", { name: "Send a new link" })).toBeTruthy();
  });

  it("when the link has no token, then no form is offered, nothing is sent, and it points to a new link", async () => {
    const { api } = setup("/reset-password", {});
    expect(screen.getByRole("alert").textContent).toMatch(/incomplete/);
    expect(screen.queryByLabelText("New password")).toBeNull();
    expect(screen.getByRole("link", { name: "Send a new link" })).toBeTruthy();
    expect(api.calls).toHaveLength(0);
  });
});
