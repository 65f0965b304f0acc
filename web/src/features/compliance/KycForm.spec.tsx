import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { graphqlError, type ScriptedResult, scriptedClient } from "../../test/client";
import { KycForm } from "./KycForm";

const MRZ = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

const verification = (input: Record<string, unknown>, status = "VERIFIED") => ({
  data: {
    submitKyc: {
      __typename: "KycVerification",
      id: "k1",
      userId: "u1",
      status,
      documentType: input.documentType,
      reason: null,
      submittedAt: "2026-01-01T00:00:00.000Z",
      decidedAt: null,
      checks: [{ __typename: "KycCheck", name: "document_number_format", passed: true, detail: null }],
    },
  },
});

function setup(handler: (variables: Record<string, unknown>) => ScriptedResult = (variables) => verification(variables.input as Record<string, unknown>)) {
  const api = scriptedClient({ SubmitKyc: handler, MyKyc: () => ({ data: null }) });
  render(<KycForm fullName="Anna Maria Eriksson" />, { wrapper: api.wrapper });
  return { api, user: userEvent.setup() };
}

async function fill(user: ReturnType<typeof userEvent.setup>, fields: Record<string, string>) {
  for (const [label, value] of Object.entries(fields)) {
    const input = screen.getByLabelText(label);
    await user.clear(input);
    if (value) await user.type(input, value);
  }
}

describe("KYC form", () => {
  it("when a passport's number, MRZ, dates and countries are malformed, then each field says what is wrong and nothing is sent", async () => {
    const { api, user } = setup();
    await fill(user, { "Document number": "12", "Date of birth": "1990-02-30", Nationality: "S", "Issuing country": "SWE", "Expiry date": "2034-04-15" });
    await user.type(screen.getByLabelText(/Machine-readable zone/), "P<UTOERIKSSON<<ANNA");
    await user.click(screen.getByRole("button", { name: "Submit for verification" }));
    expect(await screen.findByText("A passport number has 6 to 9 letters or digits")).toBeTruthy();
    expect(screen.getByText("Two lines of 44 characters: A–Z, 0–9 and <")).toBeTruthy();
    expect(screen.getByText("Enter the date of birth as YYYY-MM-DD")).toBeTruthy();
    expect(screen.getByText("A 2- or 3-letter country code (ISO 3166-1), e.g. DE or DEU")).toBeTruthy();
    expect(screen.getByLabelText("Issuing country").getAttribute("aria-invalid")).toBeNull();
    expect(api.sent("SubmitKyc")).toHaveLength(0);
  });

  it("when a passport has no MRZ or the document has expired, then the form refuses it before sending", async () => {
    const { api, user } = setup();
    await fill(user, { "Document number": "L898902C3", "Date of birth": "1974-08-12", Nationality: "SWE", "Issuing country": "SWE", "Expiry date": "2012-04-15" });
    await user.click(screen.getByRole("button", { name: "Submit for verification" }));
    expect(await screen.findByText("A passport needs the two lines printed at the bottom of its photo page")).toBeTruthy();
    expect(screen.getByText("This document has expired")).toBeTruthy();
    expect(api.sent("SubmitKyc")).toHaveLength(0);
  });

  it("when a valid passport is submitted, then it is sent with the MRZ's two lines and upper-cased codes", async () => {
    const { api, user } = setup();
    await fill(user, { "Document number": "l898902c3", "Date of birth": "1974-08-12", Nationality: "swe", "Issuing country": "SWE", "Expiry date": "2034-04-15" });
    // Pasted with spaces and a trailing newline, as copied from a scan.
    await user.click(screen.getByLabelText(/Machine-readable zone/));
    await user.paste(`${MRZ.replace("\n", " \n")}\n`);
    await user.click(screen.getByRole("button", { name: "Submit for verification" }));
    await waitFor(() => expect(api.sent("SubmitKyc")).toHaveLength(1));
    expect(api.sent("SubmitKyc")[0].variables.input).toEqual({
      documentType: "PASSPORT",
      documentNumber: "L898902C3",
      mrz: MRZ,
      dateOfBirth: "1974-08-12",
      nationality: "SWE",
      issuingCountry: "SWE",
      expiryDate: "2034-04-15",
    });
  });

  it("when a national identity card is chosen, then no MRZ is asked for or sent", async () => {
    const { api, user } = setup();
    await user.selectOptions(screen.getByLabelText("Document type"), "NATIONAL_ID");
    expect(screen.queryByLabelText(/Machine-readable zone/)).toBeNull();
    await fill(user, { "Document number": "T22000129", "Date of birth": "1983-08-12", Nationality: "DE", "Issuing country": "DE", "Expiry date": "2031-10-31" });
    await user.click(screen.getByRole("button", { name: "Submit for verification" }));
    await waitFor(() => expect(api.sent("SubmitKyc")).toHaveLength(1));
    const input = api.sent("SubmitKyc")[0].variables.input as Record<string, unknown>;
    expect(input).toMatchObject({ documentType: "NATIONAL_ID", documentNumber: "T22000129" });
    expect(input).not.toHaveProperty("mrz");
  });

  it("when the server refuses the submission, then its reason is shown on the form", async () => {
    const { user } = setup(() => graphqlError("A verification is already in review", "CONFLICT"));
    await user.selectOptions(screen.getByLabelText("Document type"), "DRIVERS_LICENSE");
    await fill(user, { "Document number": "B072RRE2I55", "Date of birth": "1983-08-12", Nationality: "DEU", "Issuing country": "DEU", "Expiry date": "2031-10-31" });
    await user.click(screen.getByRole("button", { name: "Submit for verification" }));
    expect((await screen.findByTestId("form-error")).textContent).toBe("A verification is already in review");
  });
});
