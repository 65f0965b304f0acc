import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { graphqlError, scriptedClient } from "../../test/client";
import { MfaSetup } from "./MfaSetup";

const CODES = ["aaaa-1111", "bbbb-2222", "cccc-3333"];

function setup() {
  const api = scriptedClient({
    EnableMfa: () => ({ data: { enableMfa: { __typename: "MfaSetup", secret: "JBSWY3DPEHPK3PXP", otpauthUrl: "otpauth://totp/x", qrCodeDataUrl: "data:image/png;base64,AAAA" } } }),
    ConfirmMfa: (variables) => (variables.code === "654321" ? { data: { confirmMfa: CODES } } : graphqlError("The code is not valid", "BAD_USER_INPUT")),
  });
  render(<MfaSetup enabled={false} />, { wrapper: api.wrapper });
  return { api, user: userEvent.setup() };
}

describe("turning on two-factor sign-in", () => {
  it("when enrolment starts, then the QR code and the key are shown, and a wrong first code is refused with the server's reason", async () => {
    const { user } = setup();
    await user.click(screen.getByRole("button", { name: "Turn on two-factor sign-in" }));
    expect((await screen.findByAltText("QR code for your authenticator app")).getAttribute("src")).toBe("data:image/png;base64,AAAA");
    expect(screen.getByTestId("mfa-secret").textContent).toBe("JBSWY3DPEHPK3PXP");
    await user.type(screen.getByLabelText("First code from the app"), "111111");
    await user.click(screen.getByRole("button", { name: "Confirm and turn on" }));
    expect((await screen.findByTestId("form-error")).textContent).toBe("The code is not valid");
    expect(screen.queryByTestId("backup-codes")).toBeNull();
  });

  it("when the first code is right, then the backup codes are shown once with a download, and gone after they are acknowledged", async () => {
    const { api, user } = setup();
    await user.click(screen.getByRole("button", { name: "Turn on two-factor sign-in" }));
    await user.type(await screen.findByLabelText("First code from the app"), "654 321");
    await user.click(screen.getByRole("button", { name: "Confirm and turn on" }));
    const codes = await screen.findByTestId("backup-codes");
    expect([...codes.querySelectorAll("li")].map((li) => li.textContent)).toEqual(CODES);
    expect(api.sent("ConfirmMfa")[0].variables).toEqual({ code: "654321" });
    expect(screen.getByRole("button", { name: "Download codes" })).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "I have saved them" }));
    await waitFor(() => expect(screen.queryByTestId("backup-codes")).toBeNull());
    expect(screen.queryByText("aaaa-1111")).toBeNull();
  });
});

describe("two-factor sign-in when it is on", () => {
  function setupOn() {
    let changed = 0;
    const api = scriptedClient({
      RegenerateBackupCodes: (variables) => (variables.code === "123456" ? { data: { regenerateBackupCodes: ["NEWCODE-AAAAAAA", "NEWCODE-BBBBBBB"] } } : graphqlError("The code is not valid", "BAD_USER_INPUT")),
      DisableMfa: (variables) => (variables.code === "123456" ? { data: { disableMfa: true } } : graphqlError("The code is not valid", "BAD_USER_INPUT")),
    });
    render(<MfaSetup enabled onChanged={() => changed++} />, { wrapper: api.wrapper });
    return { api, user: userEvent.setup(), changed: () => changed };
  }

  it("when new backup codes are asked for with a current code, then they are shown once; a wrong code shows the server's reason", async () => {
    const { api, user } = setupOn();
    await user.type(screen.getByLabelText("Current code from the app"), "000000");
    await user.click(screen.getByRole("button", { name: "New backup codes" }));
    expect((await screen.findByTestId("form-error")).textContent).toBe("The code is not valid");
    await user.clear(screen.getByLabelText("Current code from the app"));
    await user.type(screen.getByLabelText("Current code from the app"), "123 456");
    await user.click(screen.getByRole("button", { name: "New backup codes" }));
    const codes = await screen.findByTestId("backup-codes");
    expect([...codes.querySelectorAll("li")].map((li) => li.textContent)).toEqual(["NEWCODE-AAAAAAA", "NEWCODE-BBBBBBB"]);
    expect(api.sent("RegenerateBackupCodes").at(-1)!.variables).toEqual({ code: "123456" });
    expect(api.sent("DisableMfa")).toHaveLength(0);
  });

  it("when it is turned off with a current code, then the server is asked to and the page is told to reload the account", async () => {
    const { api, user, changed } = setupOn();
    await user.type(screen.getByLabelText("Current code from the app"), "123456");
    await user.click(screen.getByRole("button", { name: "Turn off two-factor sign-in" }));
    await waitFor(() => expect(changed()).toBe(1));
    expect(api.sent("DisableMfa")[0].variables).toEqual({ code: "123456" });
  });
});
