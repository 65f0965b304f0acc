import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { graphqlError, type ScriptedResult, scriptedClient } from "../../test/client";
import { ChangePassword } from "./ChangePassword";

function setup(answer: (variables: Record<string, unknown>) => ScriptedResult) {
  const api = scriptedClient({ ChangePassword: answer });
  render(<ChangePassword />, { wrapper: api.wrapper });
  return { api, user: userEvent.setup() };
}

async function fill(user: ReturnType<typeof userEvent.setup>, current: string, next: string) {
  await user.type(screen.getByLabelText("Current password"), current);
  await user.type(screen.getByLabelText("New password"), next);
  await user.click(screen.getByRole("button", { name: "Change password" }));
}

describe("change password", () => {
  it("when the current password is right, then both are sent, the form is cleared and it says other sessions were signed out", async () => {
    const { api, user } = setup(() => ({ data: { changePassword: true } }));
    await fill(user, "correct horse battery", "a much longer new passphrase");
    expect((await screen.findByTestId("password-changed")).textContent).toMatch(/other session.*signed out/i);
    expect(api.sent("ChangePassword")[0].variables).toEqual({ currentPassword: "correct horse battery", newPassword: "a much longer new passphrase" });
    expect((screen.getByLabelText("Current password") as HTMLInputElement).value).toBe("");
    expect((screen.getByLabelText("New password") as HTMLInputElement).value).toBe("");
  });

  it("when the server refuses (wrong current password, weak new one), then its reason is shown, nothing claims success, and it can be tried again", async () => {
    const { api, user } = setup(() => graphqlError("The current password is not correct", "UNAUTHENTICATED"));
    await fill(user, "not my password", "a much longer new passphrase");
    expect((await screen.findByTestId("form-error")).textContent).toBe("The current password is not correct");
    expect(screen.queryByTestId("password-changed")).toBeNull();
    await waitFor(() => expect((screen.getByRole("button", { name: "Change password" }) as HTMLButtonElement).disabled).toBe(false));
    expect(api.sent("ChangePassword")).toHaveLength(1);
  });
});
